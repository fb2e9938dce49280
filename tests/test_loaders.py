"""Loaders: formats, metadata (front matter, sidecars, detection), ids, languages, discovery, load_text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import discover, load_document, load_text
from ingest.meta import parse_date, slugify
from tests.conftest import TEST_DATA


def test_markdown_front_matter_becomes_metadata():
    doc = load_document(TEST_DATA / "article.md")
    assert doc.doc_id == "article"
    assert doc.title == "Sanctions relief, explained"
    assert doc.doc_type == "article"
    assert doc.date == "2019-02-20"
    assert doc.language == "en"
    assert doc.metadata["tags"] == ["sanctions", "relief"]
    assert doc.metadata["short_title"] == "Explainer"
    assert not doc.text.startswith("---")  # front matter is metadata, not text
    assert doc.text.lstrip().startswith("# Sanctions relief, explained")
    assert len(doc.content_hash) == 64


def test_korean_statute_keys_map_to_fields():
    doc = load_document(TEST_DATA / "kr_statute_synthetic.md")
    assert doc.title == "예시협력기금법"
    assert doc.doc_type == "law"
    assert doc.date == "2030-03-01"  # 공포일자 first
    assert doc.metadata["시행일자"] == "2030-09-01"
    assert doc.language == "ko"
    assert doc.metadata["synthetic"] is True


def test_executive_order_and_us_code_metadata():
    eo = load_document(TEST_DATA / "eo_synthetic.md")
    assert eo.doc_type == "order" and eo.date == "2030-01-15"
    assert eo.metadata["citation_prefix"] == "EO 99999"
    usc = load_document(TEST_DATA / "usc_synthetic.txt")
    assert usc.doc_type == "law"
    assert usc.title == "22 U.S.C. Chapter 990 — Example Sanctions Enforcement"
    assert usc.metadata["citation_prefix"] == "22 U.S.C."
    assert usc.metadata["synthetic"] is True


def test_sidecar_describes_a_text_file():
    doc = load_document(TEST_DATA / "notes.txt")
    assert doc.title == "Field notes on humanitarian exemptions"
    assert doc.doc_type == "article"  # "report" maps to article
    assert doc.date == "2024-05-02"
    assert doc.metadata["author"] == "Example NGO"


def test_sidecar_json_and_doc_id_override(tmp_path):
    (tmp_path / "Report 2024 (Final).txt").write_text("A short report about exemptions.\n", encoding="utf-8")
    (tmp_path / "Report 2024 (Final).txt.meta.json").write_text('{"title": "Final report", "type": "order"}')
    doc = load_document(tmp_path / "Report 2024 (Final).txt")
    assert doc.doc_id == "report-2024-final"
    assert doc.title == "Final report" and doc.doc_type == "order"
    assert load_document(tmp_path / "Report 2024 (Final).txt", doc_id="custom").doc_id == "custom"


def test_html_main_text_only_with_headings():
    doc = load_document(TEST_DATA / "page.html")
    assert doc.title == "Seminar on the peace economy"
    for noise in (
        "SCRIPT_SHOULD_NOT_APPEAR",
        "NAVIGATION_SHOULD_NOT_APPEAR",
        "NEWSSITE HEADER",
        "RELATED_SHOULD_NOT_APPEAR",
        "FOOTER_SHOULD_NOT_APPEAR",
        "font-family",
    ):
        assert noise not in doc.text
    assert "# Experts discuss sanctions exemptions" in doc.text
    assert "## Humanitarian clause" in doc.text
    assert "ranging from one month to one year" in doc.text
    assert doc.language == "en"


def test_pdf_pages_and_spans():
    doc = load_document(TEST_DATA / "briefing.pdf")
    assert doc.metadata["pages"] == 3 and len(doc.page_spans) == 3
    assert doc.title == "Sanctions exemptions briefing"
    for (s, e), needle in zip(doc.page_spans, ("first page", "second page", "third page")):
        assert needle in doc.text[s:e]
    assert doc.page_spans[0][0] == 0 and doc.page_spans[-1][1] == len(doc.text)


def test_cp949_text_is_converted_with_a_warning():
    doc = load_document(TEST_DATA / "korean_cp949.txt")
    assert "남북협력기금의 용도" in doc.text
    assert doc.language == "ko"
    assert any("cp949" in w and "UTF-8" in w for w in doc.warnings)


def test_latin1_text_is_converted(tmp_path):
    p = tmp_path / "old.txt"
    p.write_bytes("The café committee’s résumé of the naïve proposal was reviewed.\n".encode("cp1252") * 5)
    doc = load_document(p)
    assert "café" in doc.text and "résumé" in doc.text
    assert doc.warnings and "UTF-8" in doc.warnings[0]


def test_utf8_has_no_warning():
    assert load_document(TEST_DATA / "article.md").warnings == ()


def test_transcript_and_article_detection():
    assert load_document(TEST_DATA / "transcript.txt").doc_type == "transcript"
    assert load_text("word " * 10, doc_id="x").doc_type == "other"


def test_invalid_front_matter_is_kept_as_text_with_warning(tmp_path):
    p = tmp_path / "bad.md"
    p.write_text("---\ntitle: [unclosed\n---\nBody text here.\n", encoding="utf-8")
    doc = load_document(p)
    assert "Body text here." in doc.text
    assert any("front matter" in w for w in doc.warnings)


def test_load_text_builds_a_document():
    doc = load_text(
        "Alpha beta. Gamma delta.", doc_id="4983", title="A title", metadata={"source": "beir"}, doc_type="article"
    )
    assert (doc.doc_id, doc.title, doc.doc_type, doc.language) == ("4983", "A title", "article", "en")
    assert doc.metadata["source"] == "beir"
    assert doc.text == "Alpha beta. Gamma delta."
    assert doc.content_hash == load_text("Alpha beta. Gamma delta.", doc_id="other").content_hash
    ko = load_text("남북협력기금은 통일부장관이 운용한다.", doc_id="k")
    assert ko.language == "ko"


def test_discover_expands_folders_and_skips_hidden_and_sidecars(tmp_path):
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.PDF").write_bytes(b"%PDF")
    (tmp_path / "sub" / "c.htm").write_text("<p>x</p>")
    (tmp_path / "sub" / "c.htm.meta.yaml").write_text("title: C")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text("x")
    (tmp_path / ".e.txt").write_text("x")
    (tmp_path / "f.xlsx").write_bytes(b"x")
    (tmp_path / "g.markdown").write_text("x")
    found = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.md", "g.markdown", "sub/b.PDF", "sub/c.htm"]
    # a file named explicitly is kept (load_document then explains why it is refused)
    assert discover([tmp_path / "f.xlsx", tmp_path / "a.md"]) == sorted([tmp_path / "f.xlsx", tmp_path / "a.md"])


@pytest.mark.parametrize(
    ("stem", "slug"),
    [
        ("2015-01-02-executive-order-13687", "2015-01-02-executive-order-13687"),
        ("Report 2024 (Final)", "report-2024-final"),
        ("남북협력기금법 시행령", "남북협력기금법-시행령"),
        ("...", "document"),
    ],
)
def test_slugify(stem, slug):
    assert slugify(stem) == slug


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("January 02, 2015", "2015-01-02"),
        ("Friday, December 5, 2025", "2025-12-05"),
        ("2025.10.1", "2025-10-01"),
        ("20260102", "2026-01-02"),
        ("2019-02", "2019-02"),
        ("not a date", None),
    ],
)
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


def test_real_shared_metadata(shared_data: Path):
    kr = load_document(shared_data / "kr_law_inter_korean" / "inter_korean_cooperation_fund_act__enforcement_decree.md")
    assert (kr.title, kr.doc_type, kr.language) == ("남북협력기금법 시행령", "law", "ko")
    assert kr.date and kr.date[:4].isdigit()
    eo = load_document(shared_data / "us_executive_orders_north_korea" / "2015-01-02-executive-order-13687.md")
    assert eo.doc_type == "order" and eo.date == "2015-01-02"
    assert eo.title.startswith("Executive Order 13687")
    usc = load_document(shared_data / "us_law_north_korea" / "50usc_ch35_international_emergency_economic_powers.txt")
    assert usc.doc_type == "law" and usc.title.startswith("50 U.S.C. Chapter 35")
