"""Clean extracted text and recognise the parts of a press release.

PDF extraction breaks lines where the page did, often with a blank line after every line;
here lines are rejoined into paragraphs (no space between CJK characters), page furniture
is dropped, and paragraphs are labelled: headline, highlights, dateline, body, list,
caption, about, contacts.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

_FINAL = tuple("。！？!?；;：:")
_BULLET = re.compile(
    r"^\s*(?:[•·‧●◆▪■\-\*–]\s?|\(?\d{1,2}[\.、)）]\s?|\d{1,2}\s+(?=[\u4e00-\u9fff])|[一二三四五六七八九十]+[、.．])"
)
_CAPTION = re.compile(
    r"^\s*(?:圖|图)\s*[一二三四五六七八九十\d]+\s*[:：]|^\s*(?:Figure|Photo|Caption)\s*\d*\s*[:：.]", re.I
)
_FURNITURE = re.compile(
    r"^\s*(?:page\s*\d+(?:\s*(?:of|/)\s*\d+)?|第\s*\d+\s*[頁页]|[-–]?\s*\d+\s*[-–]?|\d+\s*/\s*\d+)\s*$", re.I
)
_DATELINE = re.compile(
    r"[（(]\s*(?P<place>[^，,（）()\d]{1,12})\s*[，,]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*[）)]"
    r"|^\s*(?P<place_en>[A-Z][A-Za-z .]{1,30}),\s*(?P<d_en>\d{1,2})\s+(?P<m_en>[A-Z][a-z]+)\s+(?P<y_en>\d{4})"
    r"|^\s*(?P<place_en2>[A-Z][A-Za-z .]{1,30}),\s*(?P<m_en2>[A-Z][a-z]+)\s+(?P<d_en2>\d{1,2}),?\s+(?P<y_en2>\d{4})",
    re.M,
)
_PAGE_LINE = re.compile(r"^.{0,40}(?:\bPage\s*\d+(?:\s*(?:of|/)\s*\d+)?|第\s*\d+\s*[頁页])\s*$", re.I)
_ABOUT = re.compile(r"^\s*(?:關於|关于|About)\s*\S", re.I)
_CONTACTS = re.compile(
    r"\s*(?:傳媒查詢|媒體查詢|媒体查询|媒体垂询|傳媒垂詢|新聞聯絡|新闻联络|媒体联系|媒體聯絡|傳媒聯絡|"
    r"Media (?:enquiries|inquiries|contacts?)|Press (?:enquiries|contacts?))",
    re.I,
)
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


@dataclass
class Paragraph:
    text: str
    start: int
    end: int
    kind: str = "body"


@dataclass
class CleanDocument:
    text: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    dateline: tuple[str, str] | None = None  # (place, YYYY-MM-DD)
    dateline_span: tuple[int, int] | None = None

    def of_kind(self, *kinds: str) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.kind in kinds]


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if a.endswith("-") and b[:1].islower():
        return a[:-1] + b
    if _is_cjk(a[-1]) or _is_cjk(b[:1]):
        return a + b
    return a + " " + b


def _raw_lines(text: str, structured: bool = False) -> list[str | None]:
    """Lines with ``None`` marking a paragraph break; copes with double-spaced extraction.

    ``structured`` text (Word, HTML) already has one paragraph per line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    pages = text.split("\f")
    page_lines = [page.strip("\n").split("\n") + [""] for page in pages]
    lines: list[str] = [line for page in page_lines for line in page]
    # Page headers and footers repeat on most pages; page numbers look like furniture.
    on_pages = Counter(t for page in page_lines for t in {line.strip() for line in page if line.strip()})
    repeated = {t for t, c in on_pages.items() if len(pages) >= 2 and c >= max(2, len(pages) - 1) and len(t) < 60}
    kept = [line for line in lines if not (_FURNITURE.match(line) or _PAGE_LINE.search(line)) or not line.strip()]
    kept = [line for line in kept if line.strip() not in repeated]
    if structured:
        out_s: list[str | None] = []
        for line in kept:
            if line.strip():
                out_s.extend([line, None])
        return out_s
    non_empty = [i for i, line in enumerate(kept) if line.strip()]
    followed_by_blank = sum(1 for i in non_empty if i + 1 < len(kept) and kept[i + 1] == "")
    double_spaced = non_empty and followed_by_blank / len(non_empty) > 0.6
    out: list[str | None] = []
    blank_run = 0
    for line in kept:
        if line == "" or not line.strip():
            # A whitespace-only line, or two blank lines in double-spaced text, ends a paragraph.
            blank_run += 1 if line == "" else 2
            continue
        if blank_run and (not double_spaced or blank_run >= 2):
            out.append(None)
        blank_run = 0
        out.append(line)
    return out


def _trailing_space_marks_end(lines: list[str | None], width: float) -> bool:
    """Whether a trailing space ends a paragraph (some exporters) or is just noise (others pad every line)."""
    open_ended = [x for x in lines if x and len(x.rstrip()) >= 0.75 * width and not x.rstrip().endswith(_FINAL)]
    if not open_ended:
        return False
    return sum(1 for x in open_ended if x.endswith(" ")) / len(open_ended) < 0.5


def clean(text: str, *, structured: bool = False) -> CleanDocument:
    lines = _raw_lines(text, structured)
    lengths = [len(x.rstrip()) for x in lines if x]
    width = statistics.quantiles(lengths, n=10)[-1] if len(lengths) >= 10 else max(lengths, default=0)
    space_ends = _trailing_space_marks_end(lines, width)
    paragraphs_text: list[str] = []
    current = ""
    previous: str | None = None
    for line in lines:
        if line is None:
            if current:
                paragraphs_text.append(current)
            current, previous = "", None
            continue
        stripped = line.strip()
        new_item = bool(
            _BULLET.match(stripped)
            or _CAPTION.match(stripped)
            or (_ABOUT.match(stripped) and len(stripped) < 80)
            or _CONTACTS.match(stripped)
        )
        continues = stripped[:1] in "，、。；：」）,;:)" and previous is not None
        soft_wrap = continues or (
            previous is not None
            and not (space_ends and previous.endswith(" "))
            and not previous.rstrip().endswith(_FINAL)
            and len(previous.rstrip()) >= 0.75 * width
            and not new_item
        )
        if soft_wrap:
            current = _join(current, stripped)
        else:
            if current:
                paragraphs_text.append(current)
            current = stripped
        previous = line
    if current:
        paragraphs_text.append(current)
    return _label(paragraphs_text)


def _label(paragraphs_text: list[str]) -> CleanDocument:
    text_parts, paragraphs, pos = [], [], 0
    for p in paragraphs_text:
        p = re.sub(r"[ \t]+", " ", p).strip()
        if not p:
            continue
        paragraphs.append(Paragraph(p, pos, pos + len(p)))
        text_parts.append(p)
        pos += len(p) + 2
    doc = CleanDocument("\n\n".join(text_parts), paragraphs)
    dateline_index = None
    for i, para in enumerate(paragraphs):
        m = _DATELINE.search(para.text)
        if m and (m.start() < 5 or para.text.lstrip().startswith(("（", "("))):
            dateline_index = i
            doc.dateline = _dateline_value(m)
            doc.dateline_span = (para.start + m.start(), para.start + m.end())
            break
    section = "head"
    for i, para in enumerate(paragraphs):
        t = para.text
        if dateline_index is not None and i < dateline_index:
            para.kind = "highlight" if _BULLET.match(t) else ("headline" if i == 0 or section == "head" else "body")
            if para.kind == "highlight":
                section = "highlights"
            continue
        if i == 0 and dateline_index is None:
            para.kind = "headline"
            continue
        if _CONTACTS.search(t[:20]):
            section = "contacts"
        elif _ABOUT.match(t) and len(t) < 60:
            section = "about"
        if section == "contacts":
            para.kind = "contacts"
        elif section == "about":
            para.kind = "about"
        elif _CAPTION.match(t):
            para.kind = "caption"
        elif _BULLET.match(t):
            para.kind = "list"
        else:
            para.kind = "dateline" if i == dateline_index else "body"
    return doc


def _dateline_value(m: re.Match) -> tuple[str, str]:
    if m.group("y"):
        return m.group("place").strip(), f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
    place = m.group("place_en") or m.group("place_en2")
    day = m.group("d_en") or m.group("d_en2")
    month = MONTHS.get((m.group("m_en") or m.group("m_en2") or "").lower(), 0)
    year = m.group("y_en") or m.group("y_en2")
    if not month:
        return place.strip(), ""
    return place.strip(), f"{int(year):04d}-{month:02d}-{int(day):02d}"
