"""The evaluation question sets in bench/qa/: schema, group counts, and that every gold evidence string really
occurs (once) in the named document, inside the section its citation label names, next to a gold answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.evalsets import (
    ANSWER_GROUPS,
    corpus_files,
    doc_id_for,
    en_en_from_answers,
    load_answer_set,
    load_retrieval_set,
)
from bench.paths import CALIBRATION_DIR, QA_DIR
from bench.relevance import normalize_for_match

REPO = Path(__file__).resolve().parents[1]
ANSWERS = QA_DIR / "answers.jsonl"
HELDOUT = QA_DIR / "answers_heldout.jsonl"
BILINGUAL = QA_DIR / "bilingual.jsonl"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


# Minimum sizes per answer set: (questions, unanswerable, en_factoid, which_section, ko, multi_doc).
ANSWER_SET_MINIMA = {"answers.jsonl": (40, 8, 8, 5, 8, 5), "answers_heldout.jsonl": (30, 6, 8, 4, 6, 3)}


@pytest.fixture(scope="module", params=[ANSWERS, HELDOUT], ids=lambda p: p.stem)
def answers(request):
    """Each answer set in turn (the main set and the held-out set): every check below holds for both."""
    return load_answer_set(request.param)


@pytest.fixture(scope="module")
def main_answers():
    return load_answer_set(ANSWERS)


@pytest.fixture(scope="module")
def bilingual():
    return load_retrieval_set(BILINGUAL)


@pytest.fixture(scope="module")
def corpus(shared_data) -> dict[str, str]:
    """doc_id → raw file text of the benchmark corpus."""
    return {d: p.read_text(encoding="utf-8") for d, p in corpus_files(shared_data, REPO / "corpus").items()}


@pytest.fixture(scope="module")
def korean_docs(shared_data) -> set[str]:
    return {doc_id_for(p) for p in (shared_data / "kr_law_inter_korean").glob("*.md") if p.name != "SOURCE.md"}


# ---------------------------------------------------------------- counts


@pytest.mark.parametrize("path", [ANSWERS, HELDOUT], ids=lambda p: p.stem)
def test_answer_set_counts(path):
    answers = load_answer_set(path)
    total, none, en, sec, ko, multi = ANSWER_SET_MINIMA[path.name]
    by = {g: [q for q in answers if q.group == g] for g in ANSWER_GROUPS}
    assert len(answers) >= total
    assert len(by["unanswerable"]) >= none
    assert len(by["en_factoid"]) >= en and len(by["which_section"]) >= sec
    assert len(by["ko"]) >= ko and len(by["multi_doc"]) >= multi
    assert all(not q.answerable for q in by["unanswerable"])


def test_bilingual_set_counts(bilingual, main_answers):
    count = {g: sum(q.group == g for q in bilingual) for g in ("en_ko", "ko_ko", "ko_en")}
    assert count["en_ko"] >= 20 and count["ko_ko"] >= 20 and count["ko_en"] >= 10
    assert not any(q.group == "en_en" for q in bilingual), "en_en is derived from answers.jsonl at run time"
    en_en = en_en_from_answers(main_answers)
    assert len(en_en) >= 20 and all(q.group == "en_en" and not HANGUL.search(q.query) for q in en_en)


# ---------------------------------------------------------------- languages


def test_question_languages(answers, bilingual, korean_docs):
    for q in answers:
        if q.group == "ko":
            assert HANGUL.search(q.question), q.id
            assert all(e.doc_id in korean_docs for e in q.evidence), q.id
        elif q.group in ("en_factoid", "which_section"):
            assert not HANGUL.search(q.question), q.id
    for q in bilingual:
        korean_query = bool(HANGUL.search(q.query))
        korean_answer = all(r.doc_id in korean_docs for r in q.relevant)
        english_answer = not any(r.doc_id in korean_docs for r in q.relevant)
        expected = {"en_ko": (False, korean_answer), "ko_ko": (True, korean_answer), "ko_en": (True, english_answer)}
        want_korean_query, answer_side_ok = expected[q.group]
        assert korean_query == want_korean_query, f"{q.id}: query language does not fit group {q.group}"
        assert answer_side_ok, f"{q.id}: relevant documents do not fit group {q.group}"


# ---------------------------------------------------------------- evidence is real


def _all_units(answers, bilingual):
    for q in answers:
        for e in q.evidence:
            yield q.id, e.doc_id, e.text, e.label
    for q in bilingual:
        for r in q.relevant:
            yield q.id, r.doc_id, r.evidence, r.label


def test_every_evidence_occurs_once_in_its_document(answers, bilingual, corpus):
    normalised = {d: normalize_for_match(t) for d, t in corpus.items()}
    problems = []
    for qid, doc_id, text, _ in _all_units(answers, bilingual):
        if doc_id not in corpus:
            problems.append(f"{qid}: unknown doc_id {doc_id!r}")
            continue
        n = normalised[doc_id].count(normalize_for_match(text))
        if n != 1:
            problems.append(f"{qid}: evidence {text[:50]!r} occurs {n} times in {doc_id}")
    assert not problems, "\n".join(problems)


def _section_before(raw: str, pos: int, doc_id: str) -> str | None:
    """The citation unit (section number) whose heading precedes character `pos` of a corpus file."""
    if re.match(r"\d{2}usc_", doc_id):
        heads = list(re.finditer(r"^§\s*(\d+[a-z]?)\.\s", raw[:pos], re.M))  # § + U+202F in the source
    elif "executive-order" in doc_id:
        heads = list(re.finditer(r"^### Section (\d+)\.", raw[:pos], re.M))
    else:
        heads = list(re.finditer(r"^##### (제\d+조(?:의\d+)?)", raw[:pos], re.M))
    return heads[-1].group(1) if heads else None


def _label_unit(label: str) -> str | None:
    """'22 U.S.C. § 9228(b)' → '9228'; 'EO 13810 Sec. 2' → '2'; '남북협력기금법 제12조의2' → '제12조의2'."""
    for pattern in (r"§ (\d+[a-z]?)", r"Sec\. (\d+)", r"(제\d+조(?:의\d+)?)$"):
        m = re.search(pattern, label)
        if m:
            return m.group(1)
    return None


def test_labels_name_the_section_that_holds_the_evidence(answers, bilingual, corpus):
    problems, checked = [], 0
    for qid, doc_id, text, label in _all_units(answers, bilingual):
        unit = _label_unit(label)
        if unit is None or doc_id not in corpus:
            continue  # whole-document labels ("FPRI article", "EO 13687") name no section
        raw = corpus[doc_id]
        # Locate the evidence in the raw file (tolerating markdown emphasis/escapes between words).
        pattern = r"[\s*\\]*".join(re.escape(w) for w in text.split())
        m = re.search(pattern, raw)
        if m is None:
            problems.append(f"{qid}: evidence not found verbatim in {doc_id}")
            continue
        found = _section_before(raw, m.start(), doc_id)
        checked += 1
        if found != unit:
            problems.append(f"{qid}: label {label!r} but the evidence sits in {found!r} of {doc_id}")
    assert checked >= 80
    assert not problems, "\n".join(problems)


def test_korean_labels_use_the_statute_title(answers, bilingual, corpus):
    for qid, doc_id, _, label in _all_units(answers, bilingual):
        m = re.search(r"^제목: (.+)$", corpus.get(doc_id, ""), re.M)
        if m:
            assert label.startswith(m.group(1).strip() + " 제"), f"{qid}: {label!r} vs title {m.group(1)!r}"


def test_a_gold_answer_appears_in_the_evidence_documents(answers, corpus):
    for q in answers:
        if not q.answerable:
            continue
        text = " ".join(normalize_for_match(corpus[e.doc_id]) for e in q.evidence)
        assert any(normalize_for_match(a) in text for a in q.answers), f"{q.id}: no gold answer in its documents"


def test_questions_are_not_copies_of_their_evidence(answers, bilingual):
    """Questions paraphrase: no question contains its own evidence string verbatim."""
    for q in answers:
        assert not any(normalize_for_match(e.text) in normalize_for_match(q.question) for e in q.evidence), q.id
    for q in bilingual:
        assert not any(normalize_for_match(r.evidence) in normalize_for_match(q.query) for r in q.relevant), q.id


def test_unanswerable_questions_have_distinct_text(answers):
    texts = [normalize_for_match(q.question) for q in answers]
    assert len(set(texts)) == len(texts)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", normalize_for_match(text)))


def _near_duplicate(a: str, b: str, share: float = 0.5) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= share


def test_heldout_questions_are_not_calibration_or_main_questions_reworded(main_answers):
    """The held-out set measures questions nobody tuned on: none of its questions is a near copy (half or more of
    the words shared) of a question of the calibration set (which fits the abstention thresholds) or the main set."""
    calibration = [
        json.loads(line)["question"]
        for line in (CALIBRATION_DIR / "abstain_questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    others = calibration + [q.question for q in main_answers]
    for q in load_answer_set(HELDOUT):
        assert not [o for o in others if _near_duplicate(q.question, o)], q.id
    assert _near_duplicate(
        "평화경제특구로 처음 지정된 지역은 어디인가요?", "평화경제특구로 처음 지정된 지역은 어디인가요"
    )


def test_heldout_set_is_disjoint_from_the_main_set(main_answers):
    """The held-out set asks new questions about different facts: no shared id, question or evidence string."""
    heldout = load_answer_set(HELDOUT)
    assert not {q.id for q in heldout} & {q.id for q in main_answers}
    assert not {normalize_for_match(q.question) for q in heldout} & {
        normalize_for_match(q.question) for q in main_answers
    }
    main_evidence = {normalize_for_match(e.text) for q in main_answers for e in q.evidence}
    for q in heldout:
        for e in q.evidence:
            norm = normalize_for_match(e.text)
            assert not any(norm in m or m in norm for m in main_evidence), f"{q.id}: evidence overlaps the main set"


# ---------------------------------------------------------------- the loader refuses bad records


def _write(tmp_path, records) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


GOOD = {
    "id": "a",
    "question": "How long is the waiver?",
    "group": "en_factoid",
    "answers": ["30 days"],
    "evidence": [{"doc_id": "d", "text": "30 days", "label": "§ 1"}],
    "answerable": True,
}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"group": "unanswerable"}, "answerable must be False"),
        ({"group": "unanswerable", "answerable": False}, "has no answers"),
        ({"answers": []}, "needs answers and evidence"),
        ({"group": "multi_doc"}, "at least two documents"),
        ({"group": "nonsense"}, "group"),
        ({"extra": 1}, "extra"),
    ],
)
def test_answer_loader_rejects_inconsistent_records(tmp_path, change, message):
    with pytest.raises(ValueError, match=message) as err:
        load_answer_set(_write(tmp_path, [{**GOOD, **change}]))
    assert "set.jsonl:1" in str(err.value)


def test_loaders_reject_duplicates_and_bad_json(tmp_path):
    assert len(load_answer_set(_write(tmp_path, [GOOD]))) == 1
    with pytest.raises(ValueError, match="duplicate id 'a'"):
        load_answer_set(_write(tmp_path, [GOOD, GOOD]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", \n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1: not valid JSON"):
        load_retrieval_set(bad)
    with pytest.raises(ValueError, match="relevant"):
        load_retrieval_set(_write(tmp_path, [{"id": "r", "query": "기금의 용도는?", "group": "ko_ko", "relevant": []}]))


def test_doc_id_is_the_slug_of_the_stem():
    assert doc_id_for(Path("x/2015-01-02-executive-order-13687.md")) == "2015-01-02-executive-order-13687"
    assert doc_id_for(Path("x/Inter_Korean Fund Act.MD")) == "inter_korean-fund-act"
