"""Readers refuse decompression bombs without unpacking them, name encrypted PDFs, read BOM-less UTF-16.

The bombs are generated here (a few hundred KB), never committed.
"""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest

from innocore.ingest import readers
from innocore.ingest.readers import DocumentError, read_document

pytest.importorskip("docx")


def _docx_with(parts: dict[str, int]) -> bytes:
    """A real .docx plus parts of the given sizes of zeros, written in chunks (never held whole)."""
    import docx

    base = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("香港科技園公司與濟南高新區簽署合作備忘錄")
    document.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        chunk = b"\0" * (1 << 20)
        for name, size in parts.items():
            with dst.open(name, "w", force_zip64=size > 0xFFFFFFF) as f:
                for _ in range(size // len(chunk)):
                    f.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _docx_with({"word/media/a.bin": 150 * 1024 * 1024, "word/media/b.bin": 150 * 1024 * 1024})


def test_a_docx_bomb_is_refused_before_it_is_unpacked(bomb):
    assert len(bomb) < 1024 * 1024  # the upload is small
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match="decompression bomb"):
            read_document(bomb, "bomb.docx")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"{peak / 1_048_576:.0f} MB while refusing"


def test_a_docx_whose_directory_understates_its_sizes_is_refused_while_unpacking():
    data = bytearray(_docx_with({"word/media/a.bin": 8 * 1024 * 1024}))
    # Declare 1 KB for the 8 MB part in its central-directory entry (the uncompressed-size field).
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/media/a.bin"))
    struct.pack_into("<I", data, entry + 24, 1024)
    with pytest.raises(DocumentError, match="damaged"):
        read_document(bytes(data), "liar.docx")


def test_an_ordinary_docx_is_still_read():
    data = _docx_with({})
    assert "濟南高新區" in read_document(data, "a.docx").text


def test_a_pdf_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNPACKED", 8 * 1024 * 1024)
    inflating = zlib.compressobj()
    stream = b"".join(inflating.compress(b"\0" * (1 << 20)) for _ in range(16)) + inflating.flush()
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
    pdf += stream + b"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n"
    with pytest.raises(DocumentError, match="decompression bomb"):
        read_document(pdf, "bomb.pdf")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_password_protected_pdf_is_reported_as_encrypted(algorithm):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(DocumentError, match="encrypted"):
        read_document(buf.getvalue(), "secret.pdf")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "香港科技園公司與濟南高新區簽署合作備忘錄。科技園公司今日與濟南高新區簽署合作備忘錄。",
        "香港科技園公司與濟南高新區簽署合作備忘錄\n\n（香港，2024 年 3 月 12 日）— HKSTP signed an MoU.\n",
        "InnoBridge connects science parks in Hong Kong and Shandong.\n",
    ],
)
def test_utf16_without_a_byte_order_mark_is_recognised(encoding, text):
    raw = read_document(text.encode(encoding), "release.txt")
    assert raw.text == text
    assert raw.encoding == encoding


def test_big5_and_gb18030_are_not_mistaken_for_utf16():
    text = "香港科技園公司與濟南高新區簽署合作備忘錄，雙方將在創新科技領域合作。"
    assert read_document(text.encode("big5"), "a.txt").encoding == "big5"
    assert read_document(text.replace("與", "与").encode("gb18030"), "a.txt").encoding == "gb18030"
