"""Turn uploaded bytes into text, or refuse them with a message a person can act on."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

DEFAULT_LIMIT = 20 * 1024 * 1024
# Unpacking limits: compressed formats (.docx is a zip; PDF streams are deflated) are checked
# before anything is unpacked for real, so a small upload cannot expand into gigabytes.
MAX_UNPACKED = 64 * 1024 * 1024  # all parts together
MAX_PART = 32 * 1024 * 1024  # one part of a .docx
MAX_RATIO = 100  # uncompressed / compressed size of a part larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
MAX_PARTS = 5000
_MB = 1_048_576


# Why a document cannot be read, and what to do: code -> English wording. Interfaces word the code
# in their reader's language (the product in ``innobridge.documents.errors``).
DOCUMENT_ERRORS: dict[str, str] = {
    "empty": "The file is empty.",
    "too_large": "The file is {size_mb:.1f} MB; the limit is {limit_mb:.0f} MB.",
    "unsupported": "Unsupported file type: upload a PDF with a text layer, a Word .docx, an HTML page or a "
    "plain-text file.",
    "encoding_unknown": "The text encoding could not be recognised (tried UTF-8, UTF-16, Big5 and GB18030). "
    "Save the file as UTF-8 and upload it again.",
    "not_text": "The file does not look like text in a known encoding (UTF-8, UTF-16, Big5, GB18030), or it "
    "is a binary file of an unsupported type.",
    "docx_damaged": "The Word file is damaged or not a .docx document.",
    "docx_bomb": "The Word file would unpack to more than {unpacked_mb} MB (or one part to more than {part_mb} "
    "MB, or a part is compressed more than {ratio} times): it is refused as a possible decompression "
    "bomb. Save it again, without embedded media, and upload it again.",
    "pdf_bomb": "The PDF would unpack to more than {unpacked_mb} MB: it is refused as a possible "
    "decompression bomb. Print it to a new PDF and upload that.",
    "pdf_encrypted": "The PDF is encrypted (password-protected). Remove the password and upload it again.",
    "pdf_damaged": "The PDF is damaged or incomplete and cannot be read.",
    "pdf_no_text": "This PDF has no text layer: scanned documents need OCR first.",
}


class DocumentError(ValueError):
    """A document that cannot be read: ``code`` (a key of DOCUMENT_ERRORS) and its arguments;
    ``str()`` gives the English message, which says why and what to do."""

    def __init__(self, code: str, **args: float | int | str):
        if code not in DOCUMENT_ERRORS:
            raise ValueError(f"unknown document error {code!r}")
        self.code, self.args_ = code, args
        super().__init__(DOCUMENT_ERRORS[code].format(**args))


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
        # UTF-16 without BOM (Chinese text has few NULs, English text one in two bytes);
        # anything else with NULs is binary.
        return _utf16_without_bom(data) is None
    return False


def _textual(c: str) -> bool:
    return (
        c in "\n\r\t\f"
        or " " <= c <= "~"
        or "\u00a0" <= c <= "\u024f"  # Latin accents
        or "\u2000" <= c <= "\u206f"  # general punctuation
        or "\u3000" <= c <= "\u9fff"  # CJK punctuation, kana, ideographs
        or "\uff00" <= c <= "\uffef"  # full-width forms
    )


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark: the byte order in which it reads as text.

    Read in the wrong order, or read from bytes that are not UTF-16, code units land all over
    the code space; real text is almost entirely letters, ideographs, punctuation and spaces.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:4096]
        score = sum(_textual(c) for c in sample) / max(1, len(sample))
        if score >= 0.95 and (best is None or score > best[0]):
            best = (score, text, enc)
    return (best[1], best[2]) if best else None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode plain text in UTF-8, UTF-16, Big5 or GB18030; returns (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    # UTF-8 text has no NULs (English in UTF-16 without a BOM is valid UTF-8, NULs and all).
    utf16 = _utf16_without_bom(data) if b"\x00" in data[:4096] else None
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    candidates = []
    for enc in ("big5", "gb18030"):
        try:
            candidates.append((_plausibility(data.decode(enc)), enc))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise DocumentError("encoding_unknown")
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

    check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError("docx_damaged") from exc
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


def check_archive(data: bytes) -> None:
    """Refuse a zip (.docx) that would unpack to too much, before and while unpacking it.

    The directory's declared sizes and compression ratios are checked first; then every part is
    decompressed in chunks and counted, so a directory that lies is caught with at most
    MAX_UNPACKED bytes produced and never held in memory.
    """
    damaged = "docx_damaged"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DocumentError(damaged) from exc
    too_big = {"unpacked_mb": MAX_UNPACKED // _MB, "part_mb": MAX_PART // _MB, "ratio": MAX_RATIO}
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise DocumentError("docx_bomb", **too_big)
        declared = 0
        for info in infos:
            declared += info.file_size
            ratio = info.file_size / max(1, info.compress_size)
            if (
                info.file_size > MAX_PART
                or declared > MAX_UNPACKED
                or (info.file_size > RATIO_FROM and ratio > MAX_RATIO)
            ):
                raise DocumentError("docx_bomb", **too_big)
        produced = 0
        for info in infos:
            part = 0
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 16):
                        part += len(chunk)
                        produced += len(chunk)
                        if part > max(info.file_size, 0) or part > MAX_PART or produced > MAX_UNPACKED:
                            raise DocumentError("docx_bomb", **too_big)
            except DocumentError:
                raise
            except Exception as exc:  # bad CRC, unsupported method, truncated data
                raise DocumentError(damaged) from exc


_STREAM = re.compile(rb"stream\r?\n")


def check_pdf_streams(data: bytes) -> None:
    """Refuse a PDF whose deflated streams would unpack to more than MAX_UNPACKED bytes.

    Each stream is inflated in bounded steps and counted, never kept; streams that are not
    deflated (images, encrypted data) are skipped, as is anything zlib cannot read.
    """
    produced = 0
    for m in _STREAM.finditer(data):
        end = data.find(b"endstream", m.end())
        chunk = data[m.end() : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            while chunk:
                out = inflater.decompress(chunk, 1 << 20)
                produced += len(out)
                if produced > MAX_UNPACKED:
                    raise DocumentError("pdf_bomb", unpacked_mb=MAX_UNPACKED // _MB)
                chunk = inflater.unconsumed_tail
                if inflater.eof or not out:
                    break
        except zlib.error:
            continue


_ENCRYPTED = "pdf_encrypted"


def _password_protected(data: bytes) -> bool:
    """Whether the PDF needs a password to be opened (an owner password alone does not count)."""
    if b"/Encrypt" not in data:
        return False
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return bool(reader.is_encrypted) and not reader.decrypt("")
    except Exception:
        return True  # an encryption dictionary that cannot even be read


def read_pdf(data: bytes) -> tuple[str, int]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if _password_protected(data):
        raise DocumentError(_ENCRYPTED)
    check_pdf_streams(data)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentError(_ENCRYPTED) from exc
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise DocumentError(_ENCRYPTED) from exc
        raise DocumentError("pdf_damaged") from exc
    if not any(p.strip() for p in pages):
        raise DocumentError("pdf_no_text")
    return "\n\f\n".join(pages), len(pages)


def read_document(data: bytes, filename: str = "", *, limit: int = DEFAULT_LIMIT) -> RawDocument:
    if not data:
        raise DocumentError("empty")
    if len(data) > limit:
        raise DocumentError("too_large", size_mb=len(data) / _MB, limit_mb=limit / _MB)
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
            raise DocumentError("empty")
        controls = sum(1 for c in text if unicodedata.category(c) in ("Cc", "Cn", "Co") and c not in "\n\r\t\f")
        if controls > max(3, len(text) // 100):
            raise DocumentError("not_text")
        return RawDocument(text, "text", encoding=enc)
    raise DocumentError("unsupported")
