"""Document ingestion: read PDF, DOCX, HTML and text in any of the usual Chinese encodings,
clean the text, recognise the parts of a press release, and extract facts with evidence spans.

Plain Python; never imports Django.
"""
