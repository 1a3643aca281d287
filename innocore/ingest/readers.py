"""Turn uploaded bytes into text, or refuse them with a message a person can act on."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

DEFAULT_LIMIT = 20 * 1024 * 1024


class DocumentError(ValueError):
    """A document that cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class RawDocument:
    text: str
    format: str  # pdf | docx | html | text
    encoding: str = ""
    pages: int = 0


_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"\x7fELF",
    b"MZ",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
)


def sniff(data: bytes, filename: str = "") -> str:
    name = filename.lower()
    if data.startswith(_BINARY_MAGIC):
        return "unsupported"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        return "unsupported"
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or name.endswith((".html", ".htm")):
        return "html"
    if _looks_binary(data):
        return "unsupported"
    return "text"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a byte-order mark
    if b"\x00" in sample:
        # UTF-16 without BOM has NULs in every other byte; anything else with NULs is binary.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        return not (even > len(sample) / 4 or odd > len(sample) / 4)
    return False


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode plain text in UTF-8, UTF-16, Big5 or GB18030; returns (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                continue
    candidates = []
    for enc in ("big5", "gb18030"):
        try:
            candidates.append((_plausibility(data.decode(enc)), enc))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise DocumentError(
            "The text encoding could not be recognised (tried UTF-8, UTF-16, Big5 and GB18030). "
            "Save the file as UTF-8 and upload it again."
        )
    _score, enc = max(candidates)
    return data.decode(enc), enc


# Characters common in both scripts' news prose; a wrong codec turns them into rare ones.
_COMMON = set(
    "的一是在不了有和人這这中大為为上個个國国我以要他時时來来用們们生到作地於于出就分對对成會会可主發发年動动同工也能下過过"
    "子說说產产種种面而方後后多定行學学法所民得經经十三之進进著着等部度家電电力裡里如水化高自二理起小物現现實实加量都兩两體体"
    "制機机當当使點点從从業业本去把性好應应開开它合還还因由其些然前外天政四日那社義义事平形相全表間间樣样與与關关各重新線线內内"
    "數数正心反你明看原又麼么利比或但質质氣气第向道命此變变條条只沒没結结解問问意建月公無无系軍军很情者最立代想已通並并提直題题"
    "黨党程展五果料象員员革位入常文總总次品式活設设及管特件長长求老頭头基資资邊边流路級级少圖图山統统接知較较將将組组見见計计別别她手角"
    "期根論论運运農农指幾几九區区強强放決决西被幹干做必戰战先回則则任取據据處处隊队南給给色光門门即保治北造百規规熱热領领七海口東东"
    "導导器壓压志世金增爭争濟济階阶油思術术極极交受聯联什認认六共權权收證证改清己美再採采轉转更單单風风切打白教速花帶带安場场身車车"
    "例真務务具萬万每目至達达走積积示議议聲声報报鬥斗完類类八離离華华名確确才科張张信馬马節节話话米整空元況况今集溫温傳传土許许步群廣广石"
    "記记需段研界拉林律叫且究觀观越織织裝装影算低持音眾众書书布复容兒儿須须際际商非驗验連连斷断深難难近礦矿千週周委素技備备半辦办青省列"
    "習习響响約约支般史感勞劳便團团往酸歷历市克何除消構构府稱称太準准精值號号率族維维劃划選选標标寫写存候毛親亲快效斯院查江型眼王按格養养易置派層层片始卻却專专狀状育廠厂京識识適适屬属圓圆包火住調调滿满縣县局照參参紅红細细引聽听該该鐵铁價价嚴严"
)


def _plausibility(text: str) -> float:
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(c in _COMMON for c in cjk) / len(cjk)


def read_html(data: bytes) -> str:
    from html.parser import HTMLParser

    text, _enc = decode_text(_html_bytes(data))

    class Parser(HTMLParser):
        SKIP = {"script", "style", "nav", "footer", "header", "noscript", "aside", "form", "title", "head"}
        CHROME = ("breadcrumb", "site-nav", "navbar", "cookie")
        VOID = {"br", "img", "meta", "link", "hr", "input", "wbr", "source", "area", "base", "col"}
        BLOCK = {
            "p",
            "div",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "tr",
            "br",
            "section",
            "article",
            "table",
            "ul",
            "ol",
            "figcaption",
            "blockquote",
        }

        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []
            self.stack: list[tuple[str, bool]] = []
            self.cells = 0

        @property
        def skipping(self) -> bool:
            return bool(self.stack) and self.stack[-1][1]

        def handle_starttag(self, tag, attrs):
            classes = (dict(attrs).get("class") or "").lower()
            skip = self.skipping or tag in self.SKIP or any(c in classes for c in self.CHROME)
            if tag not in self.VOID:
                self.stack.append((tag, skip))
            if skip:
                return
            if tag in self.BLOCK:
                self.out.append("\n\n")
            if tag == "br":
                self.out.append("\n")
            if tag == "li":
                self.out.append("• ")
            # A table row is a list item with its cells joined by " | ", as in Word documents.
            if tag == "tr":
                self.out.append("• ")
                self.cells = 0
            if tag in ("td", "th"):
                if self.cells:
                    self.out.append(" | ")
                self.cells += 1

        def handle_endtag(self, tag):
            was_skipping = self.skipping
            if any(t == tag for t, _s in self.stack):
                while self.stack:
                    if self.stack.pop()[0] == tag:
                        break
            if tag in self.BLOCK and not was_skipping:
                self.out.append("\n\n")

        def handle_data(self, data):
            if not self.skipping:
                # Source line breaks are spaces in HTML, and nothing between two Chinese characters.
                data = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])", "", data)
                self.out.append(re.sub(r"[ \t\r\n\f]+", " ", data))

    parser = Parser()
    parser.feed(text)
    return "".join(parser.out)


def _html_bytes(data: bytes) -> bytes:
    m = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.I)
    if m:
        try:
            return data.decode(m.group(1).decode()).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass
    return data


def read_docx(data: bytes) -> str:
    """Paragraphs and tables in document order; list items get a bullet, table rows become list items."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError("The Word file is damaged or not a .docx document.") from exc
    parts: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            text = paragraph.text
            if text.strip() and style.startswith("List") and not _LIST_MARK.match(text):
                text = "• " + text
            parts.append(text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [cell.text.strip() for cell in row.cells]
                if any(cells):
                    parts.append("• " + " | ".join(cells))
    return "\n\n".join(parts)


_LIST_MARK = re.compile(r"^\s*(?:[•·●\-–]|\d{1,2}[.、)）])")


def read_pdf(data: bytes) -> tuple[str, int]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentError("The PDF is encrypted. Remove the password and upload it again.") from exc
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise DocumentError("The PDF is encrypted. Remove the password and upload it again.") from exc
        raise DocumentError("The PDF is damaged or incomplete and cannot be read.") from exc
    if not any(p.strip() for p in pages):
        raise DocumentError("This PDF has no text layer: scanned documents need OCR first.")
    return "\n\f\n".join(pages), len(pages)


def read_document(data: bytes, filename: str = "", *, limit: int = DEFAULT_LIMIT) -> RawDocument:
    if not data:
        raise DocumentError("The file is empty.")
    if len(data) > limit:
        raise DocumentError(f"The file is {len(data) / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.")
    kind = sniff(data, filename)
    if kind == "pdf":
        text, pages = read_pdf(data)
        return RawDocument(text, "pdf", pages=pages)
    if kind == "docx":
        return RawDocument(read_docx(data), "docx")
    if kind == "html":
        return RawDocument(read_html(data), "html")
    if kind == "text":
        text, enc = decode_text(data)
        if not text.strip():
            raise DocumentError("The file is empty.")
        controls = sum(1 for c in text if unicodedata.category(c) in ("Cc", "Cn", "Co") and c not in "\n\r\t\f")
        if controls > max(3, len(text) // 100):
            raise DocumentError(
                "The file does not look like text in a known encoding (UTF-8, UTF-16, Big5, "
                "GB18030), or it is a binary file of an unsupported type."
            )
        return RawDocument(text, "text", encoding=enc)
    raise DocumentError(
        "Unsupported file type: upload a PDF with a text layer, a Word .docx, an HTML page or a plain-text file."
    )
