import io
from pathlib import Path

import pytest

from innocore.ingest.clean import clean
from innocore.ingest.extract import extract
from innocore.ingest.pipeline import analyse
from innocore.ingest.readers import DocumentError, read_document

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "hkstp-shandong-press-release.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="the seed press release is not beside the checkout")

RELEASE = (
    "香港科技園公司與濟南高新區簽署合作備忘錄\n\n"
    "（香港，2024 年 3 月 12 日）— 香港科技園公司（科技園公司）今日與"
    "濟南高新技術產業開發區（濟南高新區）簽署合作備忘錄，\n"
    "由科技園公司行政總裁黃克強及濟南市副市長王大明見證。\n\n"
    "關於香港科技園公司\n\n香港科技園公司成立於 2001 年。\n\n"
    "傳媒查詢，請聯絡：\n\n香港科技園公司\n\n陳美玲\n\n電話：+852 2629 0000\n\n電郵：mei@example.org\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "big5", "gb18030"])
def test_text_in_every_supported_encoding_is_decoded(encoding):
    text = RELEASE if encoding != "gb18030" else RELEASE.replace("與", "与")
    raw = read_document(text.encode(encoding), "release.txt")
    assert raw.text.replace("\r", "")[:20] == text[:20]
    assert raw.encoding.startswith(encoding.split("-")[0].replace("utf", "utf"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n garbage that is not a pdf", "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Unsupported file type"),
        (b"PK\x03\x04 not a docx", "Unsupported file type"),
        (bytes(range(1, 32)) * 40, "does not look like text"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(data, message):
    with pytest.raises(DocumentError, match=message):
        read_document(data, "upload.bin")


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(DocumentError, match="limit is 1 MB"):
        read_document(b"x" * (1024 * 1024 + 1), "big.txt", limit=1024 * 1024)


def test_a_pdf_without_text_layer_asks_for_ocr():
    pytest.importorskip("pdfplumber")
    from pypdf import PdfWriter

    buf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(buf)
    with pytest.raises(DocumentError, match="OCR"):
        read_document(buf.getvalue(), "scan.pdf")


def test_docx_and_html_are_read():
    import docx

    document = docx.Document()
    document.add_paragraph("香港科技園公司與濟南高新區簽署合作備忘錄")
    buf = io.BytesIO()
    document.save(buf)
    assert "濟南高新區" in read_document(buf.getvalue(), "a.docx").text
    html = "<html><body><nav>Menu</nav><h1>Launch</h1><p>InnoBridge launched.</p><script>x()</script></body></html>"
    text = read_document(html.encode(), "a.html").text
    assert "InnoBridge launched." in text and "Menu" not in text and "x()" not in text


def test_broken_lines_are_rejoined_without_spaces_between_chinese_characters():
    text = (
        "這是一段很長的新聞稿內容，用來測試換行重新連接的功能是否正常運作，並且不會在中文字\n\n"
        "之間加入空格。第二句話也在這一段裡面，同樣需要被正確地連接起來才行，這樣才對。 \n\n \n\n"
        "第二段開始了，這一段比較短。 \n"
    )
    doc = clean(text)
    assert doc.paragraphs[0].text.endswith(
        "不會在中文字之間加入空格。第二句話也在這一段裡面，同樣需要被正確地連接起來才行，這樣才對。"
    )
    assert doc.paragraphs[1].text == "第二段開始了，這一段比較短。"


def test_the_parts_of_a_release_are_recognised():
    doc = clean(RELEASE)
    kinds = [p.kind for p in doc.paragraphs]
    assert kinds[0] == "headline" and "dateline" in kinds and "about" in kinds and kinds[-1] == "contacts"
    assert doc.dateline == ("香港", "2024-03-12")


def test_a_small_release_yields_aliases_people_signing_and_contacts():
    result = extract(clean(RELEASE))
    orgs = {o["name"]: o for o in result["organizations"]}
    assert orgs["香港科技園公司"]["aliases"] == ["科技園公司"]
    assert orgs["濟南高新技術產業開發區"]["aliases"] == ["濟南高新區"]
    people = {p["name"]: p for p in result["people"]}
    assert people["黃克強"]["organization"] == "香港科技園公司" and people["黃克強"]["title"] == "行政總裁"
    assert people["王大明"]["title"] == "濟南市副市長"
    agreement = result["agreements"][0]
    assert agreement["kind"] == "mou"
    assert set(agreement["parties"]) == {"香港科技園公司", "濟南高新技術產業開發區"}
    assert set(agreement["witnesses"]) == {"黃克強", "王大明"}
    assert result["contacts"] == [
        {
            "name": "陳美玲",
            "organization": "香港科技園公司",
            "phone": "+852 2629 0000",
            "email": "mei@example.org",
            "evidence": result["contacts"][0]["evidence"],
        }
    ]


def test_every_evidence_span_points_into_the_cleaned_text():
    doc = clean(RELEASE)
    result = extract(doc)
    for field in ("organizations", "people", "places", "events", "agreements", "contacts"):
        for item in result[field]:
            start, end = item["evidence"]
            assert 0 <= start < end <= len(doc.text)
    org = result["organizations"][0]
    assert doc.text[org["evidence"][0] : org["evidence"][1]] == org["name"]


@needs_seed
def test_the_seed_release_gives_the_delegation_its_leaders_officials_and_the_signing():
    result = analyse(SEED.read_bytes(), SEED.name)
    assert (result["language"], result["published"]) == ("zh-Hant", "2023-10-24")
    assert result["delegation_members"] == [
        "中國科學院香港創新研究院人工智慧與機器人創新中心",
        "佳兆集團有限公司",
        "澤浩高純金屬有限公司",
        "奧泰爾科技有限公司",
        "創冷科技有限公司",
        "信山實業有限公司",
        "香港葦渡控股有限公司",
    ]
    people = {p["name"]: (p["title"], p["organization"]) for p in result["people"]}
    assert people["黃克強"] == ("行政總裁", "香港科技園公司")
    assert people["黃家裕"] == ("業務發展總監", "香港科技園公司")
    assert people["柯志成"] == ("策略夥伴總監", "香港科技園公司")
    assert people["周乃翔"][0] == "山東省省長" and people["宋軍繼"][0] == "山東省副省長"
    [agreement] = result["agreements"]
    assert set(agreement["parties"]) == {
        "澤浩高純金屬有限公司",
        "創冷科技有限公司",
        "信山實業有限公司",
        "綠色產業與環境安全創新創業共同體",
    }
    cities = {p["name"] for p in result["places"] if p["kind"] == "city"}
    assert {"煙台", "青島", "濟南"} <= cities
    orgs = {o["name"]: o for o in result["organizations"]}
    assert orgs["華魯控股集團有限公司"]["aliases"] == ["華魯集團"]
    assert orgs["山東省環科院"]["parent"] == "華魯控股集團有限公司"
    assert {c["name"] for c in result["contacts"]} == {"溫安怡", "梁爽爽"}
    site_visits = [e for e in result["events"] if e["kind"] == "site_visit"]
    assert {"青島市上合示範區", "濟南市高新區"} <= set(site_visits[0]["places"])
