"""Scanned PDFs: pages without a text layer are OCR'd (English and Korean), page numbers kept, only the scanned
pages of a mixed PDF are OCR'd, the chunks, passages and citations say the text came from OCR, and without
Tesseract the error says what to install. The scans are rendered by the tests (`format_files`)."""

from __future__ import annotations

import shutil

import pytest
from fakes import FakeEmbedder, shared_tokenizer
from format_files import KOREAN_FONT, make_mixed_pdf, make_scanned_pdf

from ingest import chunk_document, load_document
from ingest.ocr import INSTALL_HINT, tsv_confidence
from ingest.pdf_text import read_pdf
from ingest.settings import ChunkingSettings
from ingest.types import IngestError
from tests.conftest import TEST_DATA

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason=f"tesseract is not installed ({INSTALL_HINT})"
)
needs_font = pytest.mark.skipif(not KOREAN_FONT.is_file(), reason="the Hangul font of Debian fonts-nanum is missing")
pytest.importorskip("pypdfium2", reason="pypdfium2 (the [ocr] extra) is not installed")

ENGLISH_PAGE = [
    "Sec. 3. Blocking of property of shipping companies.",
    "All property of any person determined to operate in the",
    "shipping sector of North Korea is blocked and may not be",
    "transferred, paid, exported or withdrawn.",
]
KOREAN_PAGE = [
    "제5조(선박의 입항 금지) 통일부장관은 북한 선박의",
    "입항을 금지할 수 있다. 이 경우 관계 중앙행정기관의",
    "장과 미리 협의하여야 한다.",
]


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length, whitespace removed from both."""
    ref, hyp = "".join(reference.split()), "".join(hypothesis.split())
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[len(hyp)] / max(len(ref), 1)


def words(text: str) -> int:
    return len(text.split())


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    if not KOREAN_FONT.is_file():
        pytest.skip("the Hangul font of Debian fonts-nanum is missing")
    return make_scanned_pdf(tmp_path_factory.mktemp("scan") / "scanned_law.pdf", [ENGLISH_PAGE, KOREAN_PAGE])


@pytest.fixture(scope="module")
def scanned_doc(scanned):
    if shutil.which("tesseract") is None:
        pytest.skip(f"tesseract is not installed ({INSTALL_HINT})")
    return load_document(scanned)


@needs_tesseract
@needs_font
def test_image_only_pdf_is_ocrd_page_by_page(scanned, scanned_doc):
    assert read_pdf(scanned, image_only_ok=True)[0] == ["", ""]  # no text layer at all
    doc = scanned_doc
    assert doc.ocr_pages == (1, 2) and doc.metadata["ocr_pages"] == [1, 2]
    assert len(doc.page_spans) == 2
    page_1, page_2 = (doc.text[s:e] for s, e in doc.page_spans)
    assert cer(" ".join(ENGLISH_PAGE), page_1) < 0.05, page_1
    assert cer(" ".join(KOREAN_PAGE), page_2) < 0.10, page_2
    assert "shipping sector" in page_1 and "통일부장관" in page_2


@needs_tesseract
@needs_font
def test_ocr_chunks_keep_pages_and_say_they_came_from_ocr(scanned_doc):
    doc = scanned_doc
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=40, min_tokens=4), words)
    assert chunks and all(c.ocr for c in chunks)
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    korean = next(c for c in chunks if "통일부장관" in c.text)
    assert korean.page == 2 and korean.section and korean.section.startswith("제5조"), korean


@needs_tesseract
@needs_font
def test_a_mixed_pdf_ocrs_only_its_scanned_pages(tmp_path):
    path = make_mixed_pdf(tmp_path / "mixed.pdf", TEST_DATA / "briefing.pdf", [KOREAN_PAGE])
    text_pages, _ = read_pdf(TEST_DATA / "briefing.pdf")
    doc = load_document(path)
    assert doc.ocr_pages == (4,) and len(doc.page_spans) == 4
    s, e = doc.page_spans[0]
    assert doc.text[s:e] == text_pages[0].strip()  # a text page keeps its text layer
    s, e = doc.page_spans[3]
    assert "통일부장관" in doc.text[s:e]
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=60, min_tokens=4), words)
    assert {c.page for c in chunks if c.ocr} == {4}
    assert all(not c.ocr for c in chunks if c.page and c.page < 4 and c.end <= doc.page_spans[2][1])


@needs_tesseract
@needs_font
def test_search_finds_the_ocr_passage_and_marks_it(scanned, tmp_path):
    from app.answer.pipeline import to_citation
    from app.web.render import citation_meta
    from index.index import Index

    index = Index.create(tmp_path / "idx", embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert not index.ingest([scanned, TEST_DATA / "briefing.pdf"]).failed
    hit = index.search("북한 선박의 입항 금지 통일부장관", k=3)[0]
    assert hit.passage.doc_id == "scanned_law" and "통일부장관" in hit.passage.text
    assert hit.passage.ocr and hit.passage.page in (1, 2)
    other = index.search("humanitarian exemptions committee secretariat", k=1)[0]
    assert other.passage.doc_id == "briefing" and not other.passage.ocr
    citation = to_citation(1, hit, (0, 5))
    assert citation.ocr and "OCR" in citation_meta(citation)
    reopened = Index.open(tmp_path / "idx", embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert reopened.search("북한 선박의 입항 금지 통일부장관", k=1)[0].passage.ocr


def test_a_row_written_before_the_ocr_field_still_loads():
    from index.storage.table import row_passage

    row = {
        "chunk_id": "a@0",
        "doc_id": "a",
        "title": "A",
        "source": "a.txt",
        "doc_type": "law",
        "date": None,
        "language": "en",
        "section": None,
        "label": "A",
        "page": None,
        "start": 0,
        "end": 4,
        "text": "text",
    }
    assert row_passage(row).ocr is False


def test_without_tesseract_a_scanned_pdf_says_what_to_install(tmp_path, monkeypatch):
    if not KOREAN_FONT.is_file():
        pytest.skip("the Hangul font of Debian fonts-nanum is missing")
    scan = make_scanned_pdf(tmp_path / "scan.pdf", [ENGLISH_PAGE])
    mixed = make_mixed_pdf(tmp_path / "mixed.pdf", TEST_DATA / "briefing.pdf", [KOREAN_PAGE])
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(IngestError) as e:
        load_document(scan)
    assert "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor" in e.value.reason
    doc = load_document(mixed)  # the text pages are still indexed, with a warning naming the page and the fix
    assert len(doc.page_spans) == 4 and not doc.ocr_pages
    assert any("page(s) 4" in w and "tesseract-ocr-kor" in w for w in doc.warnings), doc.warnings


def test_tsv_confidence_weights_words_by_length():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tabcd\n"
        "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t30\tx\n"
    )
    assert tsv_confidence(tsv) == pytest.approx((90 * 4 + 30) / 5)
    assert tsv_confidence("") == 0.0


def test_ocr_text_clean_up_keeps_lines_and_normalises_forms():
    from ingest.ocr import clean_ocr_text

    assert clean_ocr_text("반출 ㆍ 반입 및  매매\n（ＵＮ）　결의 ") == "반출ㆍ반입 및 매매\n(UN) 결의"
    assert clean_ocr_text("A · B") == "A · B"  # a Latin middle dot keeps its spaces


def test_hangul_share_tells_korean_pages_from_english_ones():
    from ingest.ocr import HANGUL_PAGE_SHARE, hangul_share

    assert hangul_share("제5조(선박의 입항 금지) 통일부장관은 SS 북한 선박의") >= HANGUL_PAGE_SHARE
    assert hangul_share("Sec. 3. Blocking of property of 북한 shipping companies.") < HANGUL_PAGE_SHARE
    assert hangul_share("123 456") == 0.0
