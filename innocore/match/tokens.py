"""Tokenisation of Traditional, Simplified, English and mixed text with offsets into the original.

jieba segments Traditional Chinese badly, so text is folded first (NFKC, case-folded,
Traditional -> Simplified with OpenCC), segmented, and every token keeps the span of
the original characters it came from. Latin-script runs become lower-cased words with a
light plural stemmer. Tokens from the domain glossary add a concept token
(``§radiative_cooling``) so the same idea written in another language meets.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jieba

from innocore.match.glossary import Glossary, default_glossary
from innocore.match.glossary import _norm as _stem
from innocore.text import to_simplified

CONCEPT_PREFIX = "§"

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+(?:[.\-'][a-z0-9]+)*")

EN_STOP = frozenset(
    "a an and are as at be by for from has have in into is it its of on or our that the their this to was we "
    "were will with which can its also more than such these those using used use via per up out over under "
    "about who what when where how all any each other new".split()
)
ZH_STOP = frozenset(
    "的 了 和 与 及 或 在 是 为 对 以 将 并 等 把 被 于 之 其 中 上 下 也 而 由 从 向 可 可以 我们 我 你 他 她 它 "
    "这 那 有 一 个 一种 进行 通过 使用 提供 能够 已 已经 需要 希望 相关 方面 以及 以上 以下 如 如果 因为 所以 但 但是 "
    "目前 现在 主要 包括 用于 实现 具有 采用 基于 有限公司 公司".split()
)

# Filler words: common enough in needs and offers to be shared by unrelated texts, and saying
# nothing about the technology ("同时提升运营效率的方法"). They stay in the index (so document
# lengths and positions are unchanged) but never count as a matching term: the matcher drops them
# from the query's lexical terms and from the highlighted terms. Written in the three scripts
# and folded like every token, so Traditional, Simplified and English spellings all match.
_FILLER_WORDS = (
    # Traditional (Hong Kong usage)
    "同時 方法 方式 運營 營運 此外 另外 並且 從而 以便 各種 多種 不同 整體 全面 有效 進一步 "
    "一些 許多 相應 實際 過程 情況 工作 開展 推動 促進 加強 更加 非常 特別 尤其 "
    # Simplified
    "同时 方法 方式 运营 营运 此外 另外 并且 从而 以便 各种 多种 不同 整体 全面 有效 进一步 "
    "一些 许多 相应 实际 过程 情况 工作 开展 推动 促进 加强 更加 非常 特别 尤其 "
    # English
    "meanwhile simultaneously simultaneous while whilst method methods methodology approach approaches way "
    "ways operation operations operational operate operating furthermore moreover additionally besides "
    "thereby various variety different overall effective effectively further very especially "
    "particularly some many several etc thus therefore"
).split()


def _fold_term(word: str) -> str:
    return _stem(to_simplified(unicodedata.normalize("NFKC", word).casefold()))


FILLER = frozenset(_fold_term(w) for w in _FILLER_WORDS)


@dataclass(frozen=True, slots=True)
class Token:
    """A folded term and the [start, end) span of the original text it came from."""

    term: str
    start: int
    end: int


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and return, for each folded character, the index of its source character.

    NFKC can expand one character into several (㈱ -> (株)); OpenCC conversion of the whole
    string is length-preserving for almost all text, and falls back to per-character
    conversion when it is not, so offsets stay exact.
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for out in unicodedata.normalize("NFKC", ch).casefold():
            chars.append(out)
            origin.append(i)
    nfkc = "".join(chars)
    simplified = to_simplified(nfkc)
    if len(simplified) != len(nfkc):
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in nfkc)
    return simplified, origin


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    seg = jieba.Tokenizer()
    for term in default_glossary().chinese_terms():
        seg.add_word(term, freq=2000)
    return seg


def tokenize(text: str, *, glossary: Glossary | None = None, concepts: bool = True) -> list[Token]:
    """Tokens of ``text`` in reading order, stop words dropped, with glossary concepts appended."""
    if not text:
        return []
    folded, origin = fold_with_offsets(text)
    n = len(text)
    tokens: list[Token] = []
    seg = _segmenter()
    pos = 0
    for run in _CJK_RUN.finditer(folded):
        _latin(folded, pos, run.start(), origin, n, tokens)
        base = run.start()
        for word, a, b in seg.tokenize(run.group(), HMM=True):
            if word in ZH_STOP or not word.strip():
                continue
            tokens.append(Token(word, origin[base + a], origin[base + b - 1] + 1))
        pos = run.end()
    _latin(folded, pos, len(folded), origin, n, tokens)
    if concepts:
        for concept, a, b in (glossary or default_glossary()).find(folded):
            tokens.append(Token(CONCEPT_PREFIX + concept, origin[a], origin[b - 1] + 1))
    return tokens


def _latin(folded: str, start: int, end: int, origin: list[int], n: int, out: list[Token]) -> None:
    for m in _WORD.finditer(folded, start, end):
        word = m.group()
        if word in EN_STOP or (len(word) == 1 and not word.isdigit()):
            continue
        out.append(Token(_stem(word), origin[m.start()], origin[m.end() - 1] + 1))


def terms(text: str, **kwargs) -> list[str]:
    return [t.term for t in tokenize(text, **kwargs)]
