"""The unseen-documents answer set (tests/qa/answers_unseen.jsonl over tests/qa/unseen_docs/): the documents load
as a user's upload would (no front matter, no sidecars, a PDF, HTML pages), and every question's evidence really
occurs once in the text policyqa extracts from its document."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from index.evalsets import ANSWER_GROUPS, doc_id_for, load_answer_set
from index.relevance import normalize_for_match
from ingest import meta as ingest_meta
from ingest.loaders import load_document

QA_DIR = Path(__file__).resolve().parent / "qa"
DOCS_DIR = QA_DIR / "unseen_docs"
UNSEEN = QA_DIR / "answers_unseen.jsonl"
DOC_SUFFIXES = (".txt", ".md", ".html", ".pdf")
NOT_DOCUMENTS = {"README.md"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Minimum sizes: total, and per group.
MINIMA = {"total": 36, "en_factoid": 12, "which_section": 5, "ko": 8, "multi_doc": 3, "unanswerable": 8}


def document_paths() -> list[Path]:
    return sorted(p for p in DOCS_DIR.iterdir() if p.suffix in DOC_SUFFIXES and p.name not in NOT_DOCUMENTS)


@pytest.fixture(scope="module")
def questions():
    return load_answer_set(UNSEEN)


@pytest.fixture(scope="module")
def documents():
    """doc_id → the loaded Document (the text policyqa indexes: HTML without markup, the PDF's extracted text)."""
    return {doc_id_for(p): load_document(p) for p in document_paths()}


@pytest.fixture(scope="module")
def normalised(documents) -> dict[str, str]:
    return {d: normalize_for_match(doc.text) for d, doc in documents.items()}


# ---------------------------------------------------------------- the documents


@pytest.mark.parametrize("path", document_paths(), ids=lambda p: p.name)
def test_every_document_loads_with_text_and_no_metadata_given(path):
    doc = load_document(path)
    assert doc.doc_id == doc_id_for(path)
    assert len(doc.text.split()) >= 250 or len(doc.text) >= 1500, "a realistic document, not a stub"
    assert ingest_meta.find_sidecar(path) is None, "the set measures inference: no sidecars"
    if path.suffix in (".txt", ".md"):
        assert not path.read_text(encoding="utf-8").lstrip().startswith("---"), "no front matter"


def test_the_folder_has_the_formats_and_languages_the_set_promises(documents):
    paths = document_paths()
    suffixes = Counter(p.suffix for p in paths)
    assert 9 <= len(paths) <= 12
    assert suffixes[".txt"] >= 2 and suffixes[".html"] >= 2 and suffixes[".pdf"] >= 1 and suffixes[".md"] >= 1
    korean = [d for d, doc in documents.items() if HANGUL.search(doc.text[:2000])]
    assert len(korean) >= 3
    long_docs = [d for d, doc in documents.items() if len(doc.text.split()) > 1500]
    assert len(long_docs) >= 2, "at least two long documents, so that retrieval has to choose"
    pdf = next(doc for doc in documents.values() if doc.source.endswith(".pdf"))
    assert 2 <= len(pdf.page_spans) <= 4


def test_the_pdf_is_what_its_generator_makes(tmp_path):
    """The committed PDF is reproducible from make_pdf.py (reportlab in invariant mode)."""
    spec = importlib.util.spec_from_file_location("unseen_make_pdf", DOCS_DIR / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.build(tmp_path / "regenerated.pdf")
    assert out.read_bytes() == module.OUT.read_bytes()


# ---------------------------------------------------------------- the question set


def test_the_set_loads_with_its_group_minima(questions):
    count = Counter(q.group for q in questions)
    assert set(count) <= set(ANSWER_GROUPS)
    assert len(questions) >= MINIMA["total"]
    for group in ANSWER_GROUPS:
        assert count[group] >= MINIMA[group], f"{group}: {count[group]} < {MINIMA[group]}"


def test_every_evidence_occurs_exactly_once_in_its_loaded_document(questions, normalised):
    problems = []
    for q in questions:
        for e in q.evidence:
            if e.doc_id not in normalised:
                problems.append(f"{q.id}: unknown doc_id {e.doc_id!r}")
                continue
            assert len(e.text) <= 120, f"{q.id}: evidence longer than 120 characters"
            n = normalised[e.doc_id].count(normalize_for_match(e.text))
            if n != 1:
                problems.append(f"{q.id}: evidence {e.text[:50]!r} occurs {n} times in {e.doc_id}")
    assert not problems, "\n".join(problems)


def test_a_gold_answer_appears_in_the_evidence_documents(questions, normalised):
    for q in questions:
        if q.answerable:
            text = " ".join(normalised[e.doc_id] for e in q.evidence)
            assert any(normalize_for_match(a) in text for a in q.answers), f"{q.id}: no gold answer in its documents"


def test_questions_are_not_copies_of_their_evidence(questions):
    for q in questions:
        assert not any(normalize_for_match(e.text) in normalize_for_match(q.question) for e in q.evidence), q.id


def test_question_languages_fit_their_groups(questions, documents):
    korean_docs = {d for d, doc in documents.items() if doc.language == "ko"}
    for q in questions:
        if q.group == "ko":
            assert HANGUL.search(q.question), q.id
            assert all(e.doc_id in korean_docs for e in q.evidence), q.id
        elif q.group in ("en_factoid", "which_section", "multi_doc"):
            assert not HANGUL.search(q.question), q.id


def test_every_document_is_asked_about_and_questions_are_distinct(questions, documents):
    asked = {e.doc_id for q in questions for e in q.evidence}
    assert asked == set(documents), f"documents without a question: {set(documents) - asked}"
    texts = [normalize_for_match(q.question) for q in questions]
    assert len(set(texts)) == len(texts)


def test_evidence_checks_would_catch_a_wrong_record(normalised):
    """The checks above can fail: a paraphrased evidence string is not found, and a repeated phrase is not unique."""
    resolution = normalised["unsc_resolution_2397_2017"]
    assert resolution.count(normalize_for_match("a cap of 500,000 barrels")) == 0
    assert resolution.count(normalize_for_match("Decides that all Member States shall prohibit")) > 1
