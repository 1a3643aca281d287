"""Cross-script matching: tokenisation, BM25, multilingual embeddings, fusion and explanations.

Plain Python on numpy/scipy, jieba and OpenCC; never imports Django.
"""
