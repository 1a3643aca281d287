"""Readable Latin forms of Chinese names for English readers: Hanyu Pinyin without tones.

Not official names: pages say so. Words are cut by jieba (the matcher's segmenter) on the
Simplified form (so Traditional and Simplified names read the same) and each word is written as
one capitalised syllable run:
创冷科技有限公司 → "Chuangleng Keji Youxian Gongsi". A person's name is the surname, then the
given name as one word: 周乃翔 → "Zhou Naixiang". Latin parts are kept as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from innocore.match.tokens import _segmenter
from innocore.text import to_simplified

_CJK = re.compile(r"[\u4e00-\u9fff]")
_RUN = re.compile(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+")
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "司徒", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "令狐", "夏侯",
    "端木", "呼延", "轩辕", "钟离", "闻人", "澹台", "百里", "南宫", "西门", "万俟",
}  # fmt: skip
# Surnames read differently from the same character elsewhere.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "查": "zha", "区": "ou", "朴": "piao", "乐": "yue",
}  # fmt: skip


def _syllables(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


@lru_cache(maxsize=20_000)
def romanise(text: str, *, person: bool = False) -> str:
    """Pinyin of the Chinese parts of ``text`` (see the module's docstring); "" when there are none."""
    simplified = to_simplified(text or "").strip()
    if not has_chinese(simplified):
        return ""
    if person and len(simplified) <= 4 and not re.search(r"[^\u4e00-\u9fff]", simplified):
        n = 2 if simplified[:2] in COMPOUND_SURNAMES and len(simplified) > 2 else 1
        surname, given = simplified[:n], simplified[n:]
        first = SURNAME_READINGS.get(surname) or _syllables(surname)
        return " ".join(part.capitalize() for part in (first, _syllables(given)) if part)
    words: list[str] = []
    for run in _RUN.findall(simplified):
        if has_chinese(run):
            words += [_syllables(w).capitalize() for w in _segmenter().cut(run) if _syllables(w)]
        elif run.strip():
            words.append(run.strip())
    return " ".join(words)
