"""Pure parts of the answer engine: sentence units, question types, follow-up rewriting, abstention text and
LLM reply parsing."""

from __future__ import annotations

import pytest

from app.answer.abstain import is_decline, no_answer_text
from app.answer.followup import content_words, is_followup, standalone_query
from app.answer.llm import build_messages, parse_reply
from app.answer.rules.qtype import answer_shape_score, question_type
from app.answer.sentences import split_units

# ---------------------------------------------------------------- sentence units


def test_units_are_verbatim_and_split_english_sentences():
    text = (
        "Lim Soo Ho spoke in Seoul. He cited the U.S. law, 22 U.S.C. § 9228. This law allows deferral "
        "ranging from one month to one year. Mr. Lee agreed."
    )
    units = split_units(text)
    assert [u.text for u in units] == [
        "Lim Soo Ho spoke in Seoul.",
        "He cited the U.S. law, 22 U.S.C. § 9228.",
        "This law allows deferral ranging from one month to one year.",
        "Mr. Lee agreed.",
    ]
    for u in units:
        assert text[u.start : u.end] == u.text


def test_legal_items_are_units():
    text = (
        "(a) In general\n\nThe President shall designate\n(1) any person that exports luxury goods; and\n"
        "(2) any person that launders money.\n\n§ 9214. Designation of persons"
    )
    units = [u.text for u in split_units(text)]
    assert "(1) any person that exports luxury goods; and" in units
    assert "(2) any person that launders money." in units
    assert "§ 9214. Designation of persons" in units


def test_korean_units_circled_items_and_amendment_notes():
    text = (
        "##### 제5조 (협의회의 구성)\n\n**①** 협의회는 위원장 1명을 포함한 25명 이내의 위원으로 구성한다. <개정 2020.12.8>\n\n"
        "**②** 위원장은 통일부장관이 되며, 협의회의 업무를 총괄한다. ③ 위원은 국무총리가 임명한다.\n"
        "  1\\. 차관 또는 차관급 공무원\n"
    )
    units = split_units(text)
    texts = [u.text for u in units]
    assert texts[0] == "제5조 (협의회의 구성)" and units[0].heading
    assert "협의회는 위원장 1명을 포함한 25명 이내의 위원으로 구성한다." in texts
    assert "위원장은 통일부장관이 되며, 협의회의 업무를 총괄한다." in texts
    assert "③ 위원은 국무총리가 임명한다." in texts
    assert "1\\. 차관 또는 차관급 공무원" in texts  # an item keeps its number
    for u in units:
        assert text[u.start : u.end] == u.text


def test_parenthesis_and_soft_wraps_do_not_split():
    text = "물품등의 이동(단순히 제3국을 거치는 이동을 포함한다. 이하 같다)을 말한다.\nThe Act (50 U.S.C. 1701\net seq.\n) applies."
    texts = [u.text for u in split_units(text)]
    assert texts[0] == "물품등의 이동(단순히 제3국을 거치는 이동을 포함한다. 이하 같다)을 말한다."
    assert len(texts) == 2


# ---------------------------------------------------------------- question types


@pytest.mark.parametrize(
    "question,expected",
    [
        ("How long can sanctions be deferred?", "duration"),
        ("For how many days is the waiver valid?", "duration"),
        ("When did the President sign EO 13687?", "date"),
        ("How many sailors died on the Cheonan?", "quantity"),
        ("Who proposed using the exemption system?", "person"),
        ("Which section requires a report on prison camps?", "section"),
        ("What may the fund be spent on?", "permission"),
        ("Why was the tourist zone closed?", "reason"),
        ("복수방문증명서는 최대 몇 년 동안 유효한가요?", "duration"),
        ("남북협력기금은 누가 운용하나요?", "person"),
        ("북한이탈주민의 날은 언제인가요?", "date"),
        ("전단 살포를 금지하는 조항은 몇 조인가요?", "section"),
        ("Tell me about the seminar.", "other"),
    ],
)
def test_question_type(question, expected):
    assert question_type(question) == expected


def test_answer_shape():
    assert answer_shape_score("duration", "ranging from one month to one year") == 1.0
    assert answer_shape_score("duration", "for renewable periods of between 30 days and 1 year") == 1.0
    assert answer_shape_score("duration", "The President shall designate any person.") == 0.0
    assert answer_shape_score("date", "signed on January 2, 2015") == 1.0
    assert answer_shape_score("quantity", "killing 46 of her crew") == 1.0
    assert answer_shape_score("duration", "5년 이내의 범위에서 유효하다") == 1.0
    assert answer_shape_score("other", "anything") == 0.0


# ---------------------------------------------------------------- follow-ups


def test_follow_up_detection():
    assert is_followup("and for how long?")
    assert is_followup("What about Russia?")
    assert is_followup("Who signed it?")
    assert is_followup("그럼 누가 관리하나요?")
    assert is_followup("그것은 언제 시행되나요?")
    assert not is_followup("Which section of the North Korea sanctions chapter lets the U.S. deny visas?")
    assert not is_followup("개성공업지구 지원법의 목적은 무엇인가요?")


def test_standalone_query_carries_the_topic():
    history = [("Which law allows sanctions deferral for humanitarian purposes?", "This law allows … [1]")]
    q = standalone_query("and for how long?", history)
    assert q == "law allows sanctions deferral humanitarian purposes and for how long?"
    assert standalone_query("How many sailors died on the Cheonan?", history) == "How many sailors died on the Cheonan?"
    assert standalone_query("and for how long?", ()) == "and for how long?"
    ko = standalone_query("그럼 누가 관리하나요?", [("남북협력기금의 재원은 무엇인가요?", "…")])
    assert ko.startswith("남북협력기금의 재원은") and ko.endswith("그럼 누가 관리하나요?")


def test_chained_follow_ups_keep_the_first_topic():
    history = [("Which law allows sanctions deferral for humanitarian purposes?", "…"), ("and for how long?", "…")]
    assert "deferral" in standalone_query("who decides that?", history)


def test_content_words_drop_question_words():
    assert content_words("How long can the President waive sanctions?") == ["President", "waive", "sanctions"]
    assert content_words("남북협력기금은 누가 운용하나요?") == ["남북협력기금은", "운용하나요"]


# ---------------------------------------------------------------- abstention text / LLM replies


def test_no_answer_text_follows_the_question_language():
    assert "do not answer" in no_answer_text("What is X?")
    assert "답이 없습니다" in no_answer_text("무엇인가요?")


def test_decline_detection():
    assert is_decline("The indexed documents do not answer this question.")
    assert is_decline("The passages don't mention Japan.")
    assert not is_decline("The President may waive sanctions for up to 1 year [1].")


def test_parse_reply_markers_and_invalid_numbers():
    reply = (
        "The President may waive sanctions for 30 days to 1 year [1]. The seminar said one month to one "
        "year. [2] The moon is made of cheese [7]. Sources: [1]"
    )
    sents = parse_reply(reply, n_passages=3)
    assert [s.text for s in sents] == [
        "The President may waive sanctions for 30 days to 1 year.",
        "The seminar said one month to one year.",
        "The moon is made of cheese.",
    ]
    assert sents[0].sources == [0] and not sents[0].invalid_markers
    assert sents[1].sources == [1]
    assert sents[2].sources == [] and sents[2].invalid_markers


def test_parse_reply_grouped_markers():
    sents = parse_reply("Both texts give a year [1, 2][3].", n_passages=3)
    assert sents[0].sources == [0, 1, 2]


def test_prompt_numbers_passages_with_labels():
    from answer_fixtures import PASSAGES

    from index.types import Hit

    hits = [Hit(passage=p, rank=i + 1, score=1.0) for i, p in enumerate(PASSAGES[:2])]
    (_, system), (_, user) = build_messages("How long?", hits, max_chars=80, max_sentences=3)
    assert "[n]" in system or "[1]" in system
    assert "do not answer" in system
    assert "[1] (Seminar report, ¶3) At the first session" in user and "[2] (22 U.S.C. § 9228(b))" in user
    assert " …" in user  # passages are cut to max_chars
    assert "Question: How long?" in user


def test_is_complete_flags_units_cut_mid_sentence():
    from app.answer.sentences import is_complete

    assert is_complete("The waiver must be reported to Congress.")
    assert is_complete("(A) prohibited arms sales;")
    assert is_complete("위원장은 통일부장관이 된다")
    assert not is_complete("정부는 개성공업지구의 개발과 관리ㆍ운영을 지원하고 남북경제협력을")
