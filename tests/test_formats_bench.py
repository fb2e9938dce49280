"""The formats benchmark's own parts: section labels in one spelling, sources read into sections, list numbers as
Word numbers them, the files it writes read back by the product with their text and sections, and the scoring
helpers. No OCR here (the scanned rows are measured by `policyqa eval formats`)."""

from __future__ import annotations

import pytest

from bench.formats import cer, holds
from bench.formats_files import list_marker, write
from bench.formats_source import canonical_label, covered_labels, make_questions, parse_source, plain_text
from ingest import chunk_document, load_document
from ingest.settings import ChunkingSettings

pytest.importorskip("docx", reason="python-docx (the [formats] extra) is not installed")
pytest.importorskip("rapidfuzz", reason="rapidfuzz (the [bench] extra) is not installed")

KOREAN_STATUTE = """---
제목: 시험법
---

# 시험법

##### 제1조 (목적)

이 법은 남북 간의 교류를 지원하기 위하여 필요한 사항을 정함을 목적으로 한다.

##### 제2조 (정의)

이 법에서 사용하는 용어의 뜻은 다음과 같다.

  1\\. "교역"이란 남한과 북한 간의 물품의 반출ㆍ반입을 말한다.
  2\\. "협력사업"이란 남한과 북한의 주민이 공동으로 하는 모든 활동을 말한다.

##### 제2조의2 (기본계획)

① 통일부장관은 기본계획을 세워야 한다.
② 기본계획에는 다음 사항이 포함되어야 한다.
"""

US_CODE = """Title 22 - FOREIGN RELATIONS AND INTERCOURSE

§ 7801. Findings

Congress makes the following findings:

(1) The Government of North Korea attempts to control all information inside North Korea.

(2) The Government of North Korea divides its population into categories of loyalty.

§ 7802. Purposes

The purposes of this chapter are to promote respect for fundamental human rights in North Korea.

§ 7803. Definitions

In this chapter the term humanitarian assistance means assistance to meet humanitarian needs.
"""


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("§ 7801. Findings", "§ 7801"),
        ("§9214(b)", "§ 9214"),
        ("Sec. 3. Blocking", "Sec. 3"),
        ("Section 12. General provisions", "Sec. 12"),
        ("##### 제17조 (벌칙)", "제17조"),
        ("제 3 조의 2 (기본계획)", "제3조의2"),
        ("Findings", None),
        (None, None),
    ],
)
def test_section_labels_have_one_spelling(text, label):
    assert canonical_label(text) == label


@pytest.mark.parametrize(
    ("item", "fmt", "pattern", "number", "rest"),
    [
        ("(3) text", "decimal", "(%1)", 3, "text"),
        ("2. text", "decimal", "%1.", 2, "text"),
        ("(b) text", "lowerLetter", "(%1)", 2, "text"),
        ("(C) text", "upperLetter", "(%1)", 3, "text"),
        ("(ii) text", "lowerRoman", "(%1)", 2, "text"),
        ("나. 내용", "ganada", "%1.", 2, "내용"),
        ("③ 내용", "decimalEnclosedCircle", "%1", 3, "내용"),
    ],
)
def test_list_numbers_are_given_word_number_formats(item, fmt, pattern, number, rest):
    marker, text = list_marker(item)
    assert (marker.fmt, marker.pattern, marker.number, text) == (fmt, pattern, number, rest)


@pytest.mark.parametrize(
    ("section", "labels"),
    [
        ("§ 7801(b)", {"§ 7801"}),
        ("§ 7802–7804", {"§ 7802", "§ 7803", "§ 7804"}),
        ("Sec. 2–3", {"Sec. 2", "Sec. 3"}),
        ("제2조–제4조", {"제2조", "제3조", "제4조"}),
        ("제2조의2–제3조", {"제2조의2", "제3조"}),
        ("제1조–제2조의2", {"제1조", "제2조", "제2조의2"}),
        ("Findings", set()),
    ],
)
def test_a_merged_section_covers_each_label_of_its_range(section, labels):
    assert covered_labels(section) == labels


def test_an_item_number_word_cannot_show_stays_text():
    assert list_marker("1의2. 정부 외의 자의 출연금") is None


def test_sources_are_read_into_labelled_sections(tmp_path):
    path = tmp_path / "test_act.md"
    path.write_text(KOREAN_STATUTE, encoding="utf-8")
    doc = parse_source(path, "kr", "ko", max_chars=10_000)
    assert doc.title == "시험법"
    assert [s.label for s in doc.sections] == ["제1조", "제2조", "제2조의2"]
    assert [b.kind for b in doc.sections[1].body] == ["para", "item", "item"]
    assert doc.sections[1].body[1].text.startswith('1. "교역"')  # markdown escapes removed
    assert doc.table[0] == ["조", "제목"] and doc.table[1] == ["제1조", "목적"]
    questions = make_questions([doc], seed=1)
    assert {q.label for q in questions} <= {"제1조", "제2조", "제2조의2"} and questions
    assert all(q.query in " ".join(s.body_text() for s in doc.sections) for q in questions)


@pytest.mark.parametrize("fmt", ["txt", "docx", "hwpx"])
@pytest.mark.parametrize(("name", "text", "language"), [("us_code", US_CODE, "en"), ("ko_act", KOREAN_STATUTE, "ko")])
def test_written_files_read_back_with_their_text_and_sections(tmp_path, fmt, name, text, language):
    source = tmp_path / f"{name}.md"
    source.write_text(text, encoding="utf-8")
    doc = parse_source(source, "x", language, max_chars=10_000)
    loaded = load_document(write(doc, fmt, tmp_path / "out"))
    body = "\n".join(line.lstrip("# ") for line in loaded.text.splitlines())
    assert cer(plain_text(doc, named_cells=fmt != "txt"), body) < 0.02, body
    if fmt == "docx":  # the list numbers come from Word numbering, not from the text
        assert "(2) The Government" in body or '2. "협력사업"' in body
    chunks = chunk_document(loaded, ChunkingSettings(), lambda s: len(s.split()))
    found = set().union(*(covered_labels(c.section) for c in chunks))
    assert {s.label for s in doc.sections} <= found, [c.section for c in chunks]


def test_cer_and_evidence_tolerate_what_they_should():
    assert cer("제1조 (목적)", "제1조(목적)") == 0.0
    assert cer("abcd", "abed") == 0.25
    sentence = "The Government of North Korea divides its population into categories of loyalty."
    assert holds("(2) The Government of North Korea divldes its popu1ation into categories of loyalty.", sentence)
    assert not holds("The purposes of this chapter are to promote respect for human rights.", sentence)
