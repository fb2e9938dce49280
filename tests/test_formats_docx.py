"""DOCX: headings become sections, list items keep their numbers, tables become row lines with their column names,
a Korean statute written in Word chunks by article; found by search (fake embedder: plumbing)."""

from __future__ import annotations

import pytest
from fakes import FakeEmbedder, shared_tokenizer

from ingest import chunk_document, load_document
from ingest.settings import ChunkingSettings
from ingest.types import IngestError

docx = pytest.importorskip("docx", reason="python-docx (the [formats] extra) is not installed")

SETTINGS = ChunkingSettings(max_tokens=120, min_tokens=8)


def words(text: str) -> int:
    return len(text.split())


def english_report(path):
    d = docx.Document()
    d.add_heading("Maritime Sanctions Enforcement Review", 0)
    d.add_heading("Findings", 1)
    d.add_paragraph("The panel reviewed ship-to-ship transfers reported during the year and finds the following.")
    d.add_paragraph("Tankers switched off their transponders near Nampo before transfers.", style="List Number")
    d.add_paragraph("Coal was relabelled as Russian origin before sale in third countries.", style="List Number")
    d.add_heading("Designated vessels", 1)
    d.add_paragraph("The following vessels were designated by the committee.")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [
            ["Vessel", "Flag", "Reason"],
            ["Yu Jong 2", "DPRK", "refined petroleum"],
            ["Kum Un San", "Sierra Leone", "coal"],
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_heading("Recommendations", 1)
    d.add_paragraph("Member states should inspect vessels that turned off their transponders for long periods.")
    d.save(path)
    return path


def korean_statute(path):
    d = docx.Document()
    d.add_heading("남북교류협력에 관한 법률", 0)
    d.add_heading("제1장 총칙", 1)
    d.add_paragraph(
        "제1조(목적) 이 법은 군사분계선 이남지역과 그 이북지역 간의 상호 교류와 협력을 촉진하기 위하여 필요한 사항을 규정함을 목적으로 한다."
    )
    d.add_paragraph("제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다.")
    d.add_paragraph('1. "출입장소"란 북한으로 가거나 북한으로부터 오기 위하여 통과하는 곳을 말한다.')
    d.add_paragraph('2. "교역"이란 남한과 북한 간의 물품등의 반출ㆍ반입을 말한다.')
    d.add_heading("제2장 남북교류ㆍ협력", 1)
    d.add_paragraph("제9조(남북한 방문) ① 남한의 주민이 북한을 방문하려면 통일부장관의 방문승인을 받아야 한다.")
    d.add_paragraph("② 통일부장관은 방문승인을 받은 사람에게 방문증명서를 발급하여야 한다.")
    d.save(path)
    return path


def test_headings_lists_and_tables_of_an_english_report(tmp_path):
    doc = load_document(english_report(tmp_path / "review.docx"))
    assert doc.title == "Maritime Sanctions Enforcement Review"
    assert doc.language == "en" and doc.metadata["format"] == "docx"
    assert "## Findings" in doc.text and "## Designated vessels" in doc.text
    assert "1. Tankers switched off" in doc.text and "2. Coal was relabelled" in doc.text
    assert "Vessel: Yu Jong 2; Flag: DPRK; Reason: refined petroleum" in doc.text
    chunks = chunk_document(doc, SETTINGS, words)
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    sections = {c.section for c in chunks}
    assert {"Findings", "Designated vessels", "Recommendations"} <= sections, sections
    table_chunk = next(c for c in chunks if "Kum Un San" in c.text)
    assert table_chunk.section == "Designated vessels"


def test_numbering_formats_follow_the_documents_definitions():
    from ingest.docx_text import format_number

    assert [format_number(n, "decimal") for n in (1, 12)] == ["1", "12"]
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(3, "ganada") == "다"
    assert format_number(2, "decimalEnclosedCircle") == "②"


def test_korean_statute_in_word_chunks_by_article(tmp_path):
    doc = load_document(korean_statute(tmp_path / "교류협력법.docx"))
    assert doc.language == "ko" and doc.doc_type == "law"
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=60, min_tokens=4), words)
    sections = [c.section for c in chunks]
    assert any(s and s.startswith("제1조") for s in sections), sections
    assert any(s and s.startswith("제2조") for s in sections), sections
    assert any(s and s.startswith("제9조") for s in sections), sections
    article_9 = next(c for c in chunks if c.section and c.section.startswith("제9조"))
    assert "방문승인" in article_9.text and "제9조" in article_9.label


def test_search_finds_the_table_row_and_the_korean_article(tmp_path):
    from index.index import Index

    folder = tmp_path / "docs"
    folder.mkdir()
    english_report(folder / "review.docx")
    korean_statute(folder / "교류협력법.docx")
    index = Index.create(tmp_path / "idx", embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    report = index.ingest([folder])
    assert not report.failed, report.failed
    hit = index.search("Kum Un San Sierra Leone coal vessel", k=3)[0]
    assert "Kum Un San" in hit.passage.text and hit.passage.section == "Designated vessels"
    hit = index.search("북한 방문승인 방문증명서", k=3)[0]
    assert "제9조" in hit.passage.label and "방문증명서" in hit.passage.text, hit.passage.label


def test_a_corrupt_docx_is_refused_with_the_fix(tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError) as e:
        load_document(bad)
    assert "save it again as .docx" in e.value.reason
