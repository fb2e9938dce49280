"""The second unseen-documents answer set (tests/qa/answers_unseen2.jsonl over tests/qa/unseen_docs2/): schema and
group minima, every evidence string exactly once in the text `ingest.load_document` extracts, gold answers next to
their evidence, no question containing its evidence, and documents that load as users upload them (no front
matter, no sidecars; the PDF is what make_pdf.py generates)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from index.evalsets import ANSWER_GROUPS, doc_id_for, load_answer_set
from index.relevance import normalize_for_match
from ingest.loaders import load_document

QA_DIR = Path(__file__).resolve().parent / "qa"
DOCS_DIR = QA_DIR / "unseen_docs2"
SET = QA_DIR / "answers_unseen2.jsonl"
NOT_DOCUMENTS = {"README.md", "make_pdf.py"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Minimum sizes: total, unanswerable, en_factoid, which_section, ko, multi_doc.
MINIMA = (40, 10, 12, 5, 8, 3)


def document_files() -> list[Path]:
    return sorted(p for p in DOCS_DIR.iterdir() if p.is_file() and p.name not in NOT_DOCUMENTS)


@pytest.fixture(scope="module")
def questions():
    return load_answer_set(SET)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """doc_id → normalised text as policyqa extracts it (PDF text layer, HTML without markup)."""
    return {doc_id_for(p): normalize_for_match(load_document(p).text) for p in document_files()}


def test_counts_and_ids(questions):
    total, none, en, sec, ko, multi = MINIMA
    by = {g: [q for q in questions if q.group == g] for g in ANSWER_GROUPS}
    assert len(questions) >= total
    assert len(by["unanswerable"]) >= none
    assert len(by["en_factoid"]) >= en and len(by["which_section"]) >= sec
    assert len(by["ko"]) >= ko and len(by["multi_doc"]) >= multi
    assert all(q.id.startswith("v-") for q in questions)


def test_document_mix():
    files = document_files()
    assert 9 <= len(files) <= 12
    suffixes = [p.suffix for p in files]
    assert suffixes.count(".txt") >= 2 and suffixes.count(".html") >= 2
    assert suffixes.count(".pdf") >= 1 and suffixes.count(".md") >= 1
    docs = [load_document(p) for p in files]
    assert sum(d.language == "ko" for d in docs) >= 3
    assert sum(len(d.text.split()) > 1500 for d in docs) >= 2


@pytest.mark.parametrize("path", document_files(), ids=lambda p: p.name)
def test_document_loads_without_front_matter_or_sidecar(path):
    doc = load_document(path)
    assert doc.doc_id == doc_id_for(path)
    assert len(doc.text.split()) >= 300, "documents are realistic in length"
    assert not doc.warnings
    if path.suffix != ".pdf":
        assert not path.read_text(encoding="utf-8").lstrip().startswith("---"), "no front matter"
    assert not any(s.stem == path.stem and s != path for s in DOCS_DIR.iterdir()), "no sidecar"


def test_pdf_is_generated_by_make_pdf(tmp_path):
    spec = importlib.util.spec_from_file_location("unseen2_make_pdf", DOCS_DIR / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "out.pdf")
    assert built.read_bytes() == module.OUT.read_bytes()
    assert 2 <= len(load_document(module.OUT).page_spans) <= 4


def test_evidence_occurs_exactly_once(questions, texts):
    for q in questions:
        for e in q.evidence:
            assert e.doc_id in texts, f"{q.id}: unknown document {e.doc_id}"
            assert len(e.text) <= 120, f"{q.id}: evidence longer than 120 characters"
            count = texts[e.doc_id].count(normalize_for_match(e.text))
            assert count == 1, f"{q.id}: evidence {e.text!r} occurs {count} times in {e.doc_id}"


def test_gold_answer_in_evidence_documents(questions, texts):
    for q in questions:
        if q.answerable:
            docs = {e.doc_id for e in q.evidence}
            assert any(normalize_for_match(a) in texts[d] for a in q.answers for d in docs), q.id


def test_no_question_contains_its_evidence(questions):
    for q in questions:
        for e in q.evidence:
            assert normalize_for_match(e.text) not in normalize_for_match(q.question), q.id


def test_question_language_fits_group(questions):
    for q in questions:
        if q.group == "ko":
            assert HANGUL.search(q.question), q.id
        if q.group == "en_factoid":
            assert not HANGUL.search(q.question), q.id
    assert any(HANGUL.search(q.question) for q in questions if q.group == "unanswerable")
    assert any(not HANGUL.search(q.question) for q in questions if q.group == "unanswerable")
