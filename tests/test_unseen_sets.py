"""The five unseen-documents answer sets (`bench.unseen.UNSEEN_SETS`: answers_unseen.jsonl over unseen_docs/,
answers_unseen2.jsonl over unseen_docs2/, answers_unseen3.jsonl over unseen_docs3/, answers_unseen4.jsonl over
unseen_docs4/, answers_unseen5.jsonl over unseen_docs5/): the documents load as a user's upload would (no front matter, no sidecars, PDFs, HTML pages), the
PDF is what its generator makes, and every question's evidence occurs exactly once in the text policyqa extracts
from its document, next to a gold answer."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.evalsets import ANSWER_GROUPS, doc_id_for, load_answer_set
from bench.relevance import normalize_for_match
from bench.unseen import UNSEEN_SETS, unseen_files
from ingest import meta as ingest_meta
from ingest.loaders import load_document

HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Per set: question id prefix and minimum sizes (total and per group).
SPECS = {
    "unseen": ("u-", {"total": 36, "en_factoid": 12, "which_section": 5, "ko": 8, "multi_doc": 3, "unanswerable": 8}),
    "unseen2": ("v-", {"total": 40, "en_factoid": 12, "which_section": 5, "ko": 8, "multi_doc": 3, "unanswerable": 10}),
    "unseen3": (
        "w-",
        {"total": 50, "en_factoid": 15, "which_section": 6, "ko": 10, "multi_doc": 4, "unanswerable": 12},
    ),
    "unseen4": (
        "x-",
        {"total": 50, "en_factoid": 15, "which_section": 6, "ko": 10, "multi_doc": 4, "unanswerable": 12},
    ),
    "unseen5": (
        "y-",
        {"total": 60, "en_factoid": 18, "which_section": 6, "ko": 12, "multi_doc": 5, "unanswerable": 14},
    ),
}
ALL_FILES = [(name, path) for name in UNSEEN_SETS for path in unseen_files(UNSEEN_SETS[name][1])]


@pytest.fixture(scope="module", params=list(UNSEEN_SETS))
def unseen(request):
    """(set name, its questions, doc_id → loaded Document) for each set in turn."""
    name = request.param
    questions_path, folder = UNSEEN_SETS[name]
    documents = {doc_id_for(p): load_document(p) for p in unseen_files(folder)}
    return name, load_answer_set(questions_path), documents


@pytest.fixture(scope="module")
def normalised(unseen) -> dict[str, str]:
    return {d: normalize_for_match(doc.text) for d, doc in unseen[2].items()}


# ---------------------------------------------------------------- the documents


@pytest.mark.parametrize("name,path", ALL_FILES, ids=lambda v: v if isinstance(v, str) else v.name)
def test_every_document_loads_with_text_and_no_metadata_given(name, path):
    doc = load_document(path)
    assert doc.doc_id == doc_id_for(path)
    assert len(doc.text.split()) >= 250 or len(doc.text) >= 1500, "a realistic document, not a stub"
    assert not doc.warnings
    assert ingest_meta.find_sidecar(path) is None, "the sets measure inference: no sidecars"
    if path.suffix != ".pdf":
        assert not path.read_text(encoding="utf-8").lstrip().startswith("---"), "no front matter"


def test_each_folder_has_the_formats_and_languages_it_promises(unseen):
    _, _, documents = unseen
    suffixes = Counter(Path(doc.source).suffix for doc in documents.values())
    assert 9 <= len(documents) <= 12
    assert suffixes[".txt"] >= 2 and suffixes[".html"] >= 2 and suffixes[".pdf"] >= 1 and suffixes[".md"] >= 1
    assert sum(doc.language == "ko" for doc in documents.values()) >= 3
    assert sum(len(doc.text.split()) > 1500 for doc in documents.values()) >= 2, "retrieval has to choose"
    pdf = next(doc for doc in documents.values() if doc.source.endswith(".pdf"))
    assert 2 <= len(pdf.page_spans) <= 4


@pytest.mark.parametrize("name", list(UNSEEN_SETS))
def test_the_pdf_is_what_its_generator_makes(name, tmp_path):
    """The committed PDF is reproducible from make_pdf.py (reportlab in invariant mode)."""
    spec = importlib.util.spec_from_file_location(f"{name}_make_pdf", UNSEEN_SETS[name][1] / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.build(tmp_path / "regenerated.pdf")
    assert out.read_bytes() == module.OUT.read_bytes()


# ---------------------------------------------------------------- the question sets


def test_the_set_loads_with_its_ids_and_group_minima(unseen):
    name, questions, _ = unseen
    prefix, minima = SPECS[name]
    count = Counter(q.group for q in questions)
    assert set(count) <= set(ANSWER_GROUPS)
    assert len(questions) >= minima["total"]
    for group in ANSWER_GROUPS:
        assert count[group] >= minima[group], f"{name} {group}: {count[group]} < {minima[group]}"
    assert all(q.id.startswith(prefix) for q in questions)


def test_every_evidence_occurs_exactly_once_in_its_loaded_document(unseen, normalised):
    problems = []
    for q in unseen[1]:
        for e in q.evidence:
            if e.doc_id not in normalised:
                problems.append(f"{q.id}: unknown doc_id {e.doc_id!r}")
                continue
            assert len(e.text) <= 120, f"{q.id}: evidence longer than 120 characters"
            n = normalised[e.doc_id].count(normalize_for_match(e.text))
            if n != 1:
                problems.append(f"{q.id}: evidence {e.text[:50]!r} occurs {n} times in {e.doc_id}")
    assert not problems, "\n".join(problems)


def test_a_gold_answer_appears_in_the_evidence_documents(unseen, normalised):
    for q in unseen[1]:
        if q.answerable:
            text = " ".join(normalised[e.doc_id] for e in q.evidence)
            assert any(normalize_for_match(a) in text for a in q.answers), f"{q.id}: no gold answer in its documents"


def test_questions_are_not_copies_of_their_evidence(unseen):
    for q in unseen[1]:
        assert not any(normalize_for_match(e.text) in normalize_for_match(q.question) for e in q.evidence), q.id


def test_question_languages_fit_their_groups(unseen):
    _, questions, documents = unseen
    korean_docs = {d for d, doc in documents.items() if doc.language == "ko"}
    for q in questions:
        if q.group == "ko":
            assert HANGUL.search(q.question), q.id
            assert all(e.doc_id in korean_docs for e in q.evidence), q.id
        elif q.group == "en_factoid":
            assert not HANGUL.search(q.question), q.id
    assert any(HANGUL.search(q.question) for q in questions if q.group == "unanswerable")
    assert any(not HANGUL.search(q.question) for q in questions if q.group == "unanswerable")


def test_every_document_is_asked_about_and_questions_are_distinct(unseen):
    _, questions, documents = unseen
    asked = {e.doc_id for q in questions for e in q.evidence}
    assert asked == set(documents), f"documents without a question: {set(documents) - asked}"
    texts = [normalize_for_match(q.question) for q in questions]
    assert len(set(texts)) == len(texts)


def test_evidence_checks_would_catch_a_wrong_record():
    """The checks above can fail: a paraphrased evidence string is not found, and a repeated phrase is not unique."""
    path = UNSEEN_SETS["unseen"][1] / "unsc_resolution_2397_2017.txt"
    resolution = normalize_for_match(load_document(path).text)
    assert resolution.count(normalize_for_match("a cap of 500,000 barrels")) == 0
    assert resolution.count(normalize_for_match("Decides that all Member States shall prohibit")) > 1
