"""Paraphrase groups of policy language (app.answer.rules.paraphrase) and their use by the sentence scorer: "take effect" finds
"entered into force", "interim" finds "midterm", across English and Korean wording (pure, no model)."""

from __future__ import annotations

from app.answer.extractive import SentenceScorer, is_interrogative
from app.answer.rules.paraphrase import canonical_question, meanings, with_meanings
from app.answer.tokens import Tokenizer
from index.types import Hit, Passage


def _hit(text: str) -> Hit:
    p = Passage(
        chunk_id="d#1",
        doc_id="d",
        title="Treaty",
        source="d.txt",
        doc_type="article",
        language="en",
        label="Treaty ¶1",
        start=0,
        end=len(text),
        text=text,
    )
    return Hit(passage=p, rank=1, score=1.0, dense_score=0.9)


def test_phrases_of_one_meaning_share_a_token():
    for phrase in ("took effect", "entered into force", "comes into effect", "is effective", "시행한다", "발효"):
        assert meanings(phrase) == ["zzeffective"], phrase
    assert meanings("시행령 제3조") == []  # an enforcement decree is a kind of document, not "taking effect"
    assert meanings("a midterm report") == meanings("an interim report") == ["zzinterim", "zzreport"]
    assert "zzannual" in meanings("shall report annually") and "zzannual" in meanings("매년 9월 30일까지")
    assert meanings("the end of the meeting") == []  # "end" says too many things to mean "expire"


def test_question_phrases_are_replaced_sentence_words_are_kept():
    assert canonical_question("When did the treaty come into force?").split() == [
        "When",
        "did",
        "the",
        "treaty",
        "zzeffective",
        "?",
    ]
    assert with_meanings("It entered into force on December 4.") == "It entered into force on December 4. zzeffective"
    assert with_meanings("No group here.") == "No group here."


def test_the_scorer_matches_a_paraphrase_of_the_question():
    text = (
        "The treaty was signed in Pyongyang on June 19, 2024. "
        "Both sides ratified it in November, so the treaty entered into force on December 4, 2024."
    )
    scored = SentenceScorer(Tokenizer().tokens).score("On what date did the treaty take effect?", [_hit(text)])
    assert "December 4" in scored[0].unit.text


def test_a_question_in_a_transcript_is_not_an_answer():
    assert is_interrogative("집행되지 않는 예산을 매년 1조원 넘게 편성하는 이유가 무엇입니까?")
    assert is_interrogative("Do we know how much is actually reaching North Korea? ")
    assert not is_interrogative("The cap is 500,000 barrels a year.")
    text = "Why is the budget over 1 trillion won every year? The budget for 2024 is 900 billion won."
    scored = SentenceScorer(Tokenizer().tokens).score("What is the budget for 2024?", [_hit(text)])
    assert scored[0].unit.text.startswith("The budget for 2024")


def test_an_english_question_matches_a_korean_provision_through_the_glossary():
    assert "zzassembly" in canonical_question("Which article requires a yearly report to the National Assembly?")
    assert {"zzassembly", "zzreport", "zzannual"} <= set(
        meanings("통일부장관은 매년 9월 30일까지 국회 소관 상임위원회에 보고하여야 한다.")
    )
    # a Korean question keeps its own words: the glossary would only count them twice
    assert canonical_question("남북협력기금은 누가 운용하나요?") == "남북협력기금은 누가 운용하나요?"
    english = _hit("The Act authorized up to $20 million a year for assistance to North Koreans outside North Korea.")
    korean = _hit(
        "제14조(국회 보고) 통일부장관은 매년 9월 30일까지 협력 사업의 추진 현황을 국회 소관 상임위원회에 보고하여야 한다."
    )
    scored = SentenceScorer(Tokenizer().tokens).score(
        "Which article of the act requires a yearly report to the National Assembly?", [english, korean]
    )
    assert scored[0].hit_index == 1


def test_it_workers_are_information_technology_workers_and_a_law_that_terminates_expires():
    assert "zzinfotech" in meanings("North Korean IT workers") and "zzinfotech" in meanings("information technology")
    assert "zzinfotech" not in meanings("it is what it is")
    assert meanings("This Act shall terminate 7 years after enactment") == meanings("when does the Act expire")


def test_the_retrieval_query_gets_the_words_documents_use_for_its_meaning():
    from app.answer.rules.paraphrase import expanded_query

    assert expanded_query("When did EO 13382 come into force?") == "When did EO 13382 come into force? effective"
    assert expanded_query("When is the order effective?") == "When is the order effective? force"
    assert expanded_query("Who chairs the committee?") == "Who chairs the committee?"  # no expansion for that group
    assert expanded_query("협정은 언제 발효되었나?") == "협정은 언제 발효되었나?"  # Korean: morphemes match
