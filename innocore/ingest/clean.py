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
    r"^\s*(?:page\s*\d+(?:\s*(?:of|/)\s*\d+)?|第\s*\d+\s*[頁页](?:\s*[，,/]?\s*共\s*\d+\s*[頁页])?"
    r"|[-–]?\s*\d+\s*[-–]?|\d+\s*/\s*\d+)\s*$",
    re.I,
)
_CN_DATE = r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
_EN_PLACE = r"(?P<place>[A-Z][A-Za-z .]{1,30}(?:,\s*[A-Z][A-Za-z .]{1,30})?)"
_EN_DMY = r"(?P<d>\d{1,2})\s+(?P<mn>[A-Z][a-z]+)\s+(?P<y>\d{4})"
_EN_MDY = r"(?P<mn>[A-Z][a-z]+)\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})"
_DASH = r"\s*(?:——|—|–|--|-)"
# Dateline forms: （香港，2024年3月12日）, 【濟寧．2025年5月22日】, 香港，2025年4月17日——, 2025年8月14日，香港——,
# 发布时间：2025-03-20 16:45, "Hong Kong, 12 March 2024", "Yantai, Shandong, June 12, 2025 —",
# "Hong Kong (27 June 2025) –".
_DATELINES = [
    re.compile(rf"[（(]\s*(?P<place>[^，,（）()\d]{{1,12}})\s*[，,]\s*{_CN_DATE}\s*[）)]"),
    re.compile(rf"^\s*【\s*(?P<place>[^【】\d]{{1,12}}?)\s*[．.·・，,]?\s*{_CN_DATE}\s*】"),
    re.compile(rf"^\s*(?P<place>[^，,\d\s]{{1,12}})\s*[，,]\s*{_CN_DATE}{_DASH}"),
    re.compile(rf"^\s*{_CN_DATE}\s*[，,]\s*(?P<place>[^，,\d\s—–]{{1,12}}?){_DASH}"),
    re.compile(
        r"^\s*(?:发布时间|發布時間|发布日期|發布日期|發佈日期|日期|Date)\s*[：:]\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    ),
    re.compile(rf"^\s*{_EN_PLACE},\s*{_EN_DMY}"),
    re.compile(rf"^\s*{_EN_PLACE},\s*{_EN_MDY}"),
    re.compile(rf"^\s*{_EN_PLACE}\s*\(\s*(?:{_EN_DMY}|{_EN_MDY.replace('?P<', '?P<x')})\s*\)"),
]
_PAGE_DATE = re.compile(
    r"\s*(?:date\s+|(?:發布時間|发布时间|發佈時間|時間|时间)\s*[:：]\s*)?(?P<y>20\d\d|19\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b"
)
_PAGE_LINE = re.compile(
    r"^.{0,40}(?:\bPage\s*\d+(?:\s*(?:of|/)\s*\d+)?|第\s*\d+\s*[頁页](?:\s*[，,/]?\s*共\s*\d+\s*[頁页])?)\s*$", re.I
)
_ABOUT = re.compile(r"^\s*(?:關於|关于|About)\s*\S", re.I)
_CONTACTS = re.compile(
    r"\s*(?:傳媒查詢|媒體查詢|媒体查询|媒体垂询|傳媒垂詢|新聞聯絡|新闻联络|媒体联系|媒體聯絡|傳媒聯絡|"
    r"如有查詢|如有查询|如需查詢|如需查询|Media (?:enquiries|inquiries|contacts?)|Press (?:enquiries|contacts?))",
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


# Web page furniture around a story copied from a news site. The story ends at its end mark ((完), the
# editor's name) or where the page's own lists begin (related news, copyright, licence numbers).
_STORY_END = re.compile(
    r"[（(]\s*完\s*[)）]|[【\[]\s*(?:責任編輯|责任编辑|編輯|编辑|责编|責編)\s*[:：]|(?:責任編輯|责任编辑)\s*[:：]"
    r"|[（(]\s*(?:供稿|來稿|来稿)\s*[:：]"
    r"|^\s*(?:相關新聞|相关新闻|相關推薦|相关推荐|相關閱讀|相关阅读|延伸閱讀|延伸阅读|熱點推薦|热点推荐|猜你喜歡|猜你喜欢"
    r"|更多新聞|更多新闻|熱門新聞|热门新闻|精彩推薦|精彩推荐|推荐阅读|推薦閱讀|新聞推薦|新闻推荐|相關報道|相关报道"
    r"|Related (?:News|Articles|Stories|Links)|More (?:News|Stories)|Read more)\s*[|:：>»]?\s*$"
    r"|^\s*(?:版權所有|版权所有|Copyright\b|©|All Rights Reserved|想爆料|本網站|本网站)"
    r"|ICP备|ICP證|ICP证|公网安备",
    re.I,
)
# A site footer line, left out whole: who runs the site, its address and telephone.
_FOOTER = re.compile(
    r"主管\s*\S{2,20}\s*主[辦办]|^\s*(?:通訊地址|通讯地址|聯繫我們|联系我们|地址)\s*[:：].{0,60}(?:電話|电话|郵編|邮编)"
)
_RIGHTS = re.compile(r"版權所有|版权所有|All Rights Reserved|Copyright\b|©", re.I)
# Lines of page chrome anywhere: breadcrumbs, share buttons, print links, "original title".
_CHROME_LINE = re.compile(
    r"^\s*(?:首頁|首页|当前位置|當前位置|您的位置|您现在的位置|Home)\s*(?:->|>|»|/|:|：|\||$)"
    r"|^\s*(?:分享到|分享至|Share(?: this)?|打印|列印|Print|返回顶部|返回頂部|字號|字号|【?字体|【?字體)\s*[:：]?"
    r"|^\s*(?:[|｜]\s*)+$"
    # A navigation bar (檢索 | 新用戶 | 加入最愛 | …), a row of buttons (【打印】 【投稿】 …), skip links.
    r"|^[^。，,！？]{0,80}?(?:[|｜][^。，,！？|｜]{0,20}){3,}$"
    r"|^\s*(?:【[^】]{1,6}】\s*){2,}$"
    r"|^\s*(?:Skip to (?:main )?content|放大圖片|放大图片|點擊放大|点击放大)\s*$"
    # 香港商報官網 > 山東 > 今日熱點: a breadcrumb; 本報駐山東記者:甲、乙 / 大眾網記者 甲 青島報道: a byline.
    r"|^[^。，,>]{0,30}(?:\s*(?:>|»|->)\s*[^。，,>]{1,12}){2,}\s*$"
    r"|^[^。，,]{0,12}(?:記者|记者|通訊員|通讯员)\s*[:：\s][^。]{0,40}$",
    re.I,
)
_META = re.compile(
    r"\s*(?:信息來源|信息来源|來源|来源|作者|編輯|编辑|責任編輯|责任编辑|發布時間|发布时间|時間|时间|字號|字号|訪問次數|访问次数)\s*[:：]"
)
_META_VALUE = re.compile(
    r"(?:信息來源|信息来源|來源|来源|作者|編輯|编辑|責任編輯|责任编辑|字號|字号|訪問次數|访问次数)\s*[:：]\s*(?:\[[^\]]*\]|[^\s|｜\d]*)"
)
# Credits before a paragraph: 圖源:香港特區政府新聞處, 图片来源：…, "Photo: …" (up to the first space).
_CREDIT = re.compile(
    r"^\s*(?:圖源|图源|圖片來源|图片来源|圖片|图片|攝影|摄影|Photo(?: credit)?)\s*[:：]\s*\S+\s+", re.I
)


def _is_story(line: str) -> bool:
    """A line of the story rather than of the page: a sentence, or a long line with clauses."""
    return bool(re.search(r"[。！？]", line)) or (len(line) >= 15 and re.search(r"[，,]|\. ", line) is not None)


def _without_page_furniture(text: str) -> str:
    """The story of a copied web page: chrome lines dropped, credits cut, and nothing after the end mark (a
    copyright line above the story is a header)."""
    out = []
    story_seen = False  # a copyright line above the story is page chrome, not the story's end
    for line in text.split("\n"):
        if _CHROME_LINE.match(line):
            continue
        credit = _CREDIT.match(line)
        if credit and line[credit.end() :].strip():
            line = line[credit.end() :]
        line = re.sub(r"\s*(?:分享到|分享至)\s*[:：]?\s*$", "", line)
        end = _STORY_END.search(line)
        before = line[: end.start()] if end else line
        if not story_seen and not _is_story(before) and (end or _RIGHTS.search(line)):
            continue
        if story_seen and _FOOTER.search(line):
            break
        if end:
            if before.strip():
                out.append(before.rstrip())
            break
        story_seen = story_seen or _is_story(line)
        # 來源:某網 作者:某人 / 信息來源:某某辦 字號: the outlet, author and editor of a page are not the story.
        if len(_META.findall(line)) >= 2 or (_META.match(line) and len(line) < 60):
            line = _META_VALUE.sub("", line)
            if not line.strip():
                continue
        out.append(line)
    return "\n".join(out)


def clean(text: str, *, structured: bool = False) -> CleanDocument:
    lines = _raw_lines(_without_page_furniture(text), structured)
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
        m = _dateline_match(para.text)
        if m and (m.start() < 5 or para.text.lstrip().startswith(("（", "("))):
            dateline_index = i
            doc.dateline = _dateline_value(m)
            doc.dateline_span = (para.start + m.start(), para.start + m.end())
            break
    if dateline_index is None:
        # A copied web page dates the story in a line near its top: "2024-03-27 08:33:32", "date 2025-10-31 …".
        for i, para in enumerate(paragraphs[:6]):
            m = _PAGE_DATE.match(para.text)
            if m:
                dateline_index = i
                doc.dateline = ("", _dateline_value(m)[1])
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
        # A first paragraph of several sentences is the story's lead, not a headline.
        if i == 0 and dateline_index is None and len(re.findall(r"[。！？!?](?!$)", t)) < 1:
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


def _dateline_match(text: str) -> re.Match | None:
    for pattern in _DATELINES:
        m = pattern.search(text)
        if m:
            return m
    return None


def _dateline_value(m: re.Match) -> tuple[str, str]:
    groups = {k: v for k, v in m.groupdict().items() if v}

    def get(key: str) -> str | None:
        return groups.get(key) or groups.get("x" + key)

    place = (get("place") or "").strip()
    number, year, day = get("m"), get("y"), get("d")
    month = int(number) if number else MONTHS.get((get("mn") or "").lower(), 0)
    if not month or not year or not day:
        return place, ""
    return place, f"{int(year):04d}-{month:02d}-{int(day):02d}"
