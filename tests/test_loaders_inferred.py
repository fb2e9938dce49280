"""Loading documents nobody described (no front matter, no sidecar): inferred title, type and date, and
explicit metadata always winning over inference."""

from __future__ import annotations

from pathlib import Path

from ingest import load_document
from ingest.chunking import chunk_document
from ingest.settings import ChunkingSettings
from tests.conftest import TEST_DATA


def _words(text: str) -> int:
    return len(text.split())


def test_pdf_without_a_usable_title_takes_its_first_lines_and_is_a_law():
    doc = load_document(TEST_DATA / "public_law.pdf")  # /Title is "Microsoft Word - draft3.docx"
    assert doc.title == "Public Law 999-17 - Example Peninsula Maritime Cooperation and Monitoring Act of 2031"
    assert doc.doc_type == "law"
    assert doc.date is None  # no date is written in it; the file's creation date is not the law's date
    assert doc.metadata["citation_prefix"] == "Pub. L. 999-17"  # its sections are cited as "Pub. L. 999-17 Sec. 101"
    labels = [c.label for c in chunk_document(doc, ChunkingSettings(), _words)]
    assert labels and all(label.startswith("Pub. L. 999-17 Sec. 10") for label in labels)


def test_pdf_with_a_real_title_keeps_it():
    assert load_document(TEST_DATA / "briefing.pdf").title == "Sanctions exemptions briefing"


def test_html_page_h1_over_site_suffix_and_date_from_meta_not_from_the_body():
    doc = load_document(TEST_DATA / "think_tank_page.html")
    assert doc.title == "Maritime monitoring after the panel's end"  # <title> minus "— Example Institute for Peace"
    assert doc.date == "2031-04-08"  # JSON-LD datePublished (local date), not "Updated 12 May 2031" nor the body's
    assert doc.doc_type == "article"  # og:type
    assert doc.language == "en"


def test_html_page_without_meta_tags_is_dated_by_its_byline(tmp_path: Path):
    p = tmp_path / "commentary.html"
    p.write_text(
        "<html><head><title>Talks stalled | Example Center</title></head><body><main>"
        "<h1>Talks stalled</h1><p>By A. Writer | 5 March 2031</p>"
        "<p>The talks of 2 February 2031 ended without a statement.</p></main></body></html>",
        encoding="utf-8",
    )
    doc = load_document(p)
    assert (doc.title, doc.date) == ("Talks stalled", "2031-03-05")


def test_korean_statute_copied_from_law_go_kr():
    doc = load_document(TEST_DATA / "kr_statute_lawgokr.txt")
    assert (doc.title, doc.doc_type, doc.language) == ("예시해양협력법", "law", "ko")
    assert doc.date == "2031-01-05"  # promulgation (공포일자), as the described statutes are dated
    assert doc.metadata["시행일자"] == "2031-07-01" and doc.metadata["공포번호"] == "99017"
    assert doc.metadata["법령구분"] == "법률"


def test_text_documents_dated_by_their_header(tmp_path: Path):
    cases = {
        "statement.md": (
            "# Joint Statement on Example Cooperation\n\nIssued in Seoul, 14 August 2031.\n\n"
            "The two governments agreed to meet again.\n",
            "2031-08-14",
        ),
        "resolution.txt": (
            "Resolution 9999 (2031)\nAdopted by the Security Council at its 9999th meeting, on "
            "3 June 2031\n\n1. Condemns the launch conducted on 28 May 2031;\n",
            "2031-06-03",
        ),
        "order.txt": (
            "Executive Order 99999 of January 15, 2030\nExample Blocking Order\n\nBy the authority vested "
            "in me as President, I hereby order:\n\nSection 1. Policy.\n",
            "2030-01-15",
        ),
        "ko_notice.txt": (
            "예시 공동보도문\n2031년 3월 5일\n\n양측은 2031년 2월 1일 회의 결과를 확인하였다.\n",
            "2031-03-05",
        ),
    }
    for name, (text, iso) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert load_document(tmp_path / name).date == iso, name
    assert load_document(tmp_path / "order.txt").doc_type == "order"


def test_explicit_metadata_always_wins(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_bytes((TEST_DATA / "think_tank_page.html").read_bytes())
    (tmp_path / "page.html.meta.yaml").write_text(
        "title: Described title\ndate: 2020-01-02\ntype: report\n", encoding="utf-8"
    )
    doc = load_document(page)
    assert (doc.title, doc.date, doc.doc_type) == ("Described title", "2020-01-02", "article")

    pdf = tmp_path / "law.pdf"
    pdf.write_bytes((TEST_DATA / "public_law.pdf").read_bytes())
    (tmp_path / "law.pdf.meta.yaml").write_text("title: Example Maritime Act\ntype: other\n", encoding="utf-8")
    doc = load_document(pdf)
    assert (doc.title, doc.doc_type) == ("Example Maritime Act", "other")

    md = tmp_path / "statement.md"
    md.write_text("---\ndate: 2031-09-01\n---\n# Statement\n\nIssued in Seoul, 14 August 2031.\n", encoding="utf-8")
    assert load_document(md).date == "2031-09-01"

    statute = tmp_path / "statute.txt"
    statute.write_bytes((TEST_DATA / "kr_statute_lawgokr.txt").read_bytes())
    (tmp_path / "statute.txt.meta.yaml").write_text("시행일자: 2032-01-01\n", encoding="utf-8")
    doc = load_document(statute)
    assert doc.date == "2032-01-01"  # the sidecar's date beats the header's promulgation date
    assert doc.metadata["시행일자"] == "2032-01-01"  # and its fields are not overwritten by the header's


def test_real_us_code_chapters_stay_undated(shared_data: Path):
    # the U.S. Code chapters carry no date in their header; their body's dates (e.g. the 1953 armistice in
    # § 9201) are events, which the header window keeps out
    for path in sorted((shared_data / "us_law_north_korea").glob("*.txt")):
        doc = load_document(path)
        assert doc.date is None and doc.doc_type == "law", path.name


def test_html_page_metadata_sources():
    from ingest.html_text import html_to_text

    page = html_to_text(
        '<html><head><meta name="DC.date" content="2031-01-02"><meta property="og:site_name" content="Site">'
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", '
        '"datePublished": "2031-01-03"}]}</script><script type="application/ld+json">{broken</script></head>'
        "<body><header><h1>Site logo</h1></header><article><h1>The heading</h1>"
        '<p><span itemprop="datePublished">5 March 2031</span></p></article></body></html>'
    )
    assert page.h1 == "The heading"  # the page header's <h1> is not the content's
    assert page.meta["dc.date"] == "2031-01-02" and page.meta["og:site_name"] == "Site"
    assert page.meta["datepublished"] == "5 March 2031"  # an itemprop element beats JSON-LD for the same key
    assert "5 March 2031" in page.text and "broken" not in page.text
