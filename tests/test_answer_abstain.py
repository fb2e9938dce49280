"""Regression tests for the answer engine's abstention and quoting defects (hand-built hits, no model):
retrieval agreement and "which section" questions lower the threshold, missing anchors (names, numbers) abstain,
addenda boilerplate does not answer, overlapping chunks are quoted once, Korean sub-item markers are not quoted."""

from __future__ import annotations

from answer_fixtures import PASSAGES, TinyIndex, passage

from app.answer.abstain import AbstainRule, abstain_reason
from app.answer.extractive import ScoredUnit, SentenceScorer, select_units
from app.answer.pipeline import answer, make_tools
from app.answer.rules.anchors import anchor_found, missing_anchors, question_anchors
from app.answer.sentences import Unit, split_units
from app.settings import Settings
from index.types import Hit, Passage


def _hit(p: Passage, rank: int, dense: int | None = None, lexical: int | None = None) -> Hit:
    return Hit(passage=p, rank=rank, score=1.0 / rank, dense_rank=dense, lexical_rank=lexical)


def _unit(hit_index: int, text: str, score: float, start: int = 0, index: int = 0) -> ScoredUnit:
    return ScoredUnit(hit_index, Unit(start, start + len(text), text), index, score, 0.5, 0.5, 0.0)


RULE = AbstainRule(below=0.6, agreed_below=0.4, section_below=0.35, agree_rank=3)


def test_retriever_agreement_lowers_the_threshold():
    p = PASSAGES[1]
    unit = [_unit(0, "The President may waive the application of the sanctions.", 0.5)]
    agreed = [_hit(p, 1, dense=1, lexical=2)]
    alone = [_hit(p, 1, dense=1, lexical=40)]
    q = "Can the sanctions be waived?"
    assert abstain_reason(q, "permission", unit, agreed, unit, RULE) is None
    assert abstain_reason(q, "permission", unit, alone, unit, RULE) is not None


def test_which_section_question_uses_its_own_threshold():
    p = PASSAGES[1]
    unit = [_unit(0, "The President may waive the application of the sanctions.", 0.38)]
    hits = [_hit(p, 1, dense=9, lexical=9)]
    assert abstain_reason("Which section allows waivers?", "section", unit, hits, unit, RULE) is None
    assert abstain_reason("What allows waivers?", "other", unit, hits, unit, RULE) is not None


def test_anchors_are_names_acronyms_and_long_numbers():
    assert question_anchors("What sanctions has Japan imposed on North Korean ships in 2023?") == [
        "Japan",
        "North",
        "Korean",
        "2023",
    ]
    assert question_anchors("Which section of EO 13810 closes U.S. ports?") == ["EO", "U.S.", "13810"]
    assert question_anchors("2024년도 남북협력기금 예산은 얼마였나요?") == ["2024"]
    assert anchor_found("IEEPA", "CHAPTER 35 - INTERNATIONAL EMERGENCY ECONOMIC POWERS (50 U.S.C. 1701)")
    assert anchor_found("Russian", "the ports of Nakhodka and Vanino in Russia")
    assert anchor_found("Jong-un", "Kim Jong Un")
    assert not anchor_found("EU", "the United Nations Security Council")
    # a Korean passage cannot confirm an English name, but it must state the number
    assert missing_anchors(["Japan", "2024"], ["통일부장관은 2024년 예산을 편성한다."]) == []
    assert missing_anchors(["2023"], ["Between 1994 and 2003, South Korea admitted 3,800 refugees."]) == ["2023"]


def test_question_about_an_absent_name_abstains_when_names_are_checked():
    # The waiver passage answers "how long" for the U.S. — not for Japan.
    names = Settings(answer={"abstain_anchor_names": True})
    result = answer(
        "For how long may Japan waive its sanctions for humanitarian assistance?", index=TinyIndex(), settings=names
    )
    assert result.abstained
    assert (
        answer(
            "For how long may the President waive sanctions for humanitarian assistance?",
            index=TinyIndex(),
            settings=names,
        ).abstained
        is False
    )


def test_question_about_an_absent_number_abstains_by_default():
    result = answer(
        "For how long could the President waive sanctions for humanitarian assistance in 2031?",
        index=TinyIndex(),
        settings=Settings(),
    )
    assert result.abstained
    assert (
        answer(
            "For how long could the President waive sanctions for humanitarian assistance?",
            index=TinyIndex(),
            settings=Settings(),
        ).abstained
        is False
    )


def test_addenda_dates_do_not_answer_an_unrelated_when_question():
    addenda = passage(
        "fund-rule#26",
        "fund_rule",
        "이 규칙은 2024년 7월 10일부터 시행한다.",
        "남북협력기금법 시행규칙 부칙 ¶26",
        language="ko",
        doc_type="law",
    )
    body = passage(
        "fund-rule#3",
        "fund_rule",
        "기금의 예산은 매년 7월 10일까지 통일부장관이 편성한다.",
        "남북협력기금법 시행규칙 제3조",
        language="ko",
        doc_type="law",
    )
    tools = make_tools(TinyIndex([addenda, body]), Settings())
    hits = [_hit(addenda, 1), _hit(body, 2)]
    scored = tools.scorer.score("기금 예산은 언제 편성하나요?", hits)
    best = [s for s in scored if not s.unit.heading][0]
    assert best.hit_index == 1
    asks = tools.scorer.score("이 규칙은 언제부터 시행되나요?", hits)
    assert [s for s in asks if not s.unit.heading][0].hit_index == 0


def test_overlapping_chunks_of_one_document_are_quoted_once():
    text = "The President may waive the sanctions for 30 days. The waiver may be renewed for 1 year."
    first = Passage(
        chunk_id="d#1",
        doc_id="d",
        title="d",
        source="d.txt",
        doc_type="law",
        language="en",
        label="§ 1(a)",
        start=100,
        end=100 + len(text),
        text=text,
    )
    cut = text.index("The waiver")
    tail = text[cut:-1] + ", if needed."  # the same document text in the next (overlapping) chunk, cut otherwise
    second = Passage(
        chunk_id="d#2",
        doc_id="d",
        title="d",
        source="d.txt",
        doc_type="law",
        language="en",
        label="§ 1(b)",
        start=100 + cut,
        end=100 + cut + len(tail),
        text=tail,
    )
    hits = [_hit(first, 1), _hit(second, 2)]
    u1 = _unit(0, text[cut:], 0.9, start=cut, index=1)
    u2 = _unit(1, tail, 0.89)
    u0 = _unit(0, text[: cut - 1], 0.5)
    kept = select_units([u1, u2, u0], hits, max_sentences=3, closeness=0.5)
    assert [k.hit_index for k in kept].count(1) == 0
    assert len(kept) == 2


def test_korean_sub_item_markers_stay_with_their_items():
    text = (
        "남북인권대화 등 북한인권증진을 위한 다음 각 목의 사업\n    가\\. 북한인권 실태에 관한 조사ㆍ연구\n"
        "    나\\. 북한인권증진을 위한 교육 및 홍보"
    )
    units = split_units(text)
    assert [u.text for u in units][1:] == [
        "가\\. 북한인권 실태에 관한 조사ㆍ연구",
        "나\\. 북한인권증진을 위한 교육 및 홍보",
    ]
    flat = text.replace("\n    ", "     ")  # a chunk whose line breaks were collapsed
    assert [u.text for u in split_units(flat)][1:] == [
        "가\\. 북한인권 실태에 관한 조사ㆍ연구",
        "나\\. 북한인권증진을 위한 교육 및 홍보",
    ]
    for u in units:
        assert text[u.start : u.end] == u.text


def test_provision_title_is_a_heading_not_an_answer():
    units = split_units(
        "§ 7813. Radio broadcasting to North Korea\n\n(a) Sense of Congress\n\nIt is the sense of "
        "Congress that the United States should increase broadcasts to North Korea."
    )
    assert units[0].heading
    scorer = SentenceScorer(lambda text, question=False: text.lower().split())
    assert scorer  # the scorer skips headings when selecting (select_units drops heading units)
    kept = select_units(
        [ScoredUnit(0, units[0], 0, 1.0, 1, None, 0), ScoredUnit(0, units[-1], 2, 0.6, 0.6, None, 0)],
        [_hit(PASSAGES[0], 1)],
        max_sentences=1,
    )
    assert [k.unit.text for k in kept] == [units[-1].text]


def test_which_section_questions_may_name_the_act_first():
    from app.answer.rules.qtype import question_type

    assert question_type("Which IEEPA provision lists what the President cannot regulate?") == "section"
    assert question_type("Which EO 13810 section closes ports?") == "section"
    assert question_type("What does the law require of exporters?") != "section"


def test_the_embedders_settings_choose_the_signal_parts():
    """e5-small's abstention signal leaves the answer-shape bonus out (`shape` 0) and weighs the passage cosine;
    an embedder without its own entry keeps the whole sentence score and no cosine."""
    from fakes import FakeEmbedder

    settings = Settings()
    e5 = make_tools(TinyIndex(), settings, embedder=FakeEmbedder(name="e5-small")).abstain
    own = settings.answer.abstain_by_embedder["e5-small"]
    assert (e5.shape_weight, e5.passage_weight, e5.below) == (own.shape, own.passage, own.below)
    assert e5.shape_weight == 0.0
    other = make_tools(TinyIndex(), settings, embedder=FakeEmbedder(name="fake")).abstain
    assert (other.shape_weight, other.passage_weight) == (1.0, 0.0)
