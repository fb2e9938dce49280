"""Passage-first quote selection, the evidence signal of abstention, and question-type helpers (pure functions,
hand-built hits, no model)."""

from __future__ import annotations

from answer_fixtures import PASSAGES

from app.answer.abstain import AbstainRule, abstain_reason, evidence_signal
from app.answer.extractive import ScoredUnit, select_units
from app.answer.rules.qtype import answer_shape_score, is_multi_part
from app.answer.rules.slots import asked_slot
from app.answer.sentences import Unit
from index.types import Hit, Passage


def _passage(doc: str, n: int, text: str) -> Passage:
    return Passage(
        chunk_id=f"{doc}#{n}",
        doc_id=doc,
        title=doc,
        source=f"{doc}.txt",
        doc_type="law",
        language="en",
        label=f"{doc} ¶{n}",
        start=1000 * n,
        end=1000 * n + len(text),
        text=text,
    )


def _hit(p: Passage, rank: int, dense_score: float | None = None) -> Hit:
    return Hit(passage=p, rank=rank, score=1.0 / rank, dense_score=dense_score)


def _unit(hit_index: int, text: str, score: float, index: int, prior: float = 0.0) -> ScoredUnit:
    start = 10 * index  # distinct offsets: units of one passage do not overlap
    return ScoredUnit(hit_index, Unit(start, start + len(text), text), index, score, 0.5, 0.5, 0.0, prior)


def test_quotes_come_from_the_best_passage_first():
    a = _passage("a", 1, "One. Two. Three.")
    b = _passage("b", 2, "Four.")
    hits = [_hit(a, 1), _hit(b, 2)]
    scored = [
        _unit(0, "One.", 1.0, 0, prior=0.2),
        _unit(1, "Four.", 0.95, 0, prior=0.1),
        _unit(0, "Three.", 0.9, 2, prior=0.2),
        _unit(0, "Two.", 0.5, 1, prior=0.2),
    ]
    single = select_units(scored, hits, max_sentences=3, closeness=0.85, other_documents=False)
    assert [(s.hit_index, s.unit_index) for s in single] == [(0, 0), (0, 2)]  # not adjacent, same passage: kept
    # another document joins a multi-part answer only when its own evidence (score without the rank prior)
    # is close to the best's: 0.85 vs 0.8 here
    multi = select_units(scored, hits, max_sentences=3, closeness=0.85, other_documents=True)
    assert [(s.hit_index, s.unit_index) for s in multi] == [(0, 0), (0, 2), (1, 0)]
    weak = [_unit(0, "One.", 1.0, 0, prior=0.2), _unit(1, "Four.", 0.7, 0, prior=0.1)]  # evidence 0.6 < 0.9 × 0.8
    assert [s.hit_index for s in select_units(weak, hits, other_documents=True)] == [0]


def test_evidence_signal_adds_the_passage_cosine():
    a, b = _passage("a", 1, "x"), _passage("b", 2, "y")
    best = _unit(1, "y", 0.6, 0)
    hits = [_hit(a, 1, dense_score=0.9), _hit(b, 2, dense_score=0.8)]
    assert evidence_signal(best, hits, 0.0) == 0.6
    assert abs(evidence_signal(best, hits, 1.0) - 1.4) < 1e-9
    lexical_only = [_hit(a, 1, dense_score=0.9), _hit(b, 2)]  # the dense retriever did not return the passage
    assert abs(evidence_signal(best, lexical_only, 1.0) - 1.5) < 1e-9  # the lowest cosine among the hits: 0.9
    rule = AbstainRule(below=1.45, agreed_below=1.45, section_below=1.3, passage_weight=1.0)
    unit = [best]
    assert abstain_reason("What is y?", "other", unit, hits, unit, rule) is not None  # 1.4 < 1.45
    assert abstain_reason("Which section says y?", "section", unit, hits, unit, rule) is None


def test_evidence_signal_counts_only_its_share_of_the_answer_shape_bonus():
    a = _passage("a", 1, "It lasts 30 days.")
    hits = [_hit(a, 1, dense_score=0.8)]
    shaped = ScoredUnit(0, Unit(0, len(a.text), a.text), 0, 0.9, 0.5, 0.8, 1.0, 0.2, shape_bonus=0.3)
    assert abs(evidence_signal(shaped, hits, 1.0) - 1.7) < 1e-9  # default: the whole sentence score
    assert abs(evidence_signal(shaped, hits, 1.0, shape_weight=0.0) - 1.4) < 1e-9  # a stated period is no evidence
    assert abs(evidence_signal(shaped, hits, 2.0, shape_weight=0.5) - 2.35) < 1e-9
    rule = AbstainRule(below=1.5, agreed_below=1.5, section_below=1.5, passage_weight=1.0, shape_weight=0.0)
    assert abstain_reason("How long does it last?", "duration", [shaped], hits, [shaped], rule) is not None
    with_shape = AbstainRule(below=1.5, agreed_below=1.5, section_below=1.5, passage_weight=1.0)
    assert abstain_reason("How long does it last?", "duration", [shaped], hits, [shaped], with_shape) is None


def test_scorer_records_the_shape_bonus_it_added():
    from app.answer.extractive import ScoreWeights, SentenceScorer
    from app.answer.tokens import Tokenizer

    a = _passage("a", 1, "The waiver lasts 30 days. The waiver is renewable.")
    scored = SentenceScorer(Tokenizer().tokens).score("How long does the waiver last?", [_hit(a, 1)])
    by_text = {s.unit.text: s for s in scored}
    w = ScoreWeights()
    assert by_text["The waiver lasts 30 days."].shape_bonus == w.shape  # a duration, no named unit
    assert by_text["The waiver is renewable."].shape_bonus == 0.0
    days = SentenceScorer(Tokenizer().tokens).score("How many days does the waiver last?", [_hit(a, 1)])
    assert max(s.shape_bonus for s in days) == w.shape + w.unit_shape  # "30 days" states the named measure


def test_numbers_are_anchors_by_default_names_only_when_asked():
    p = PASSAGES[1]
    unit = [_unit(0, "The President may waive the application of the sanctions.", 0.9, 0)]
    hits = [_hit(p, 1)]
    names_off = AbstainRule(below=0.5, agreed_below=0.5, section_below=0.5)
    names_on = AbstainRule(below=0.5, agreed_below=0.5, section_below=0.5, anchor_names=True)
    assert abstain_reason("May Japan waive the sanctions?", "permission", unit, hits, unit, names_off) is None
    assert abstain_reason("May Japan waive the sanctions?", "permission", unit, hits, unit, names_on) is not None
    assert (
        abstain_reason("May the President waive the sanctions in 2031?", "permission", unit, hits, unit, names_off)
        is not None
    )


def test_asked_slot_prefers_the_measure_the_question_names():
    unit = asked_slot("남북교류협력 추진협의회 위원은 몇 명까지 둘 수 있나요?")
    assert unit is not None
    assert answer_shape_score("quantity", "협의회는 위원장 1명을 포함한 25명 이내의 위원으로 구성한다.", unit) == 1.0
    assert answer_shape_score("quantity", "회의 개최 3일 전까지 알려야 한다.", unit) == 0.5
    money = asked_slot("How much money per year was authorized for grants?")
    assert (
        answer_shape_score("quantity", "There are authorized to be appropriated $2,000,000 for each year.", money)
        == 1.0
    )
    assert answer_shape_score("quantity", "The President may provide 3 grants.", money) == 0.5
    days = asked_slot("How many days may the waiver last?")
    assert days is not None and days.search("for a period of 180 days") and not days.search("section 180")
    assert asked_slot("Who manages the fund?") is None
    assert answer_shape_score("quantity", "It has 3 members.") == 1.0  # no unit asked: the generic shape


def test_multi_part_questions():
    assert is_multi_part("What penalties apply, and how high can the civil penalty go?")
    assert is_multi_part("How does the waiver period compare with the period cited at the seminar?")
    assert is_multi_part("IEEPA protects donations; how did EO 13687 deal with them?")
    assert not is_multi_part("Under EO 13810, how long is an aircraft barred from landing?")
    assert not is_multi_part("How much money was authorized for human rights and democracy programs?")


def test_another_documents_copy_of_a_kept_sentence_is_not_quoted():
    boiler = (
        "I hereby determine that the making of donations of the type of articles specified would impair my ability."
    )
    a, b, c = _passage("eo1", 1, boiler), _passage("eo2", 2, "(d) " + boiler), _passage("law", 3, "Donations are free.")
    hits = [_hit(a, 1), _hit(b, 2), _hit(c, 3)]
    scored = [
        _unit(0, boiler, 1.0, 0, prior=0.2),
        _unit(1, "(d) " + boiler, 0.9, 0, prior=0.1),
        _unit(2, "Donations are free.", 0.85, 0, prior=0.05),
    ]
    kept = select_units(scored, hits, other_documents=True)
    assert [s.hit_index for s in kept] == [0, 2]


def test_a_named_measure_weighs_its_shape_more():
    from app.answer.extractive import ScoreWeights, SentenceScorer
    from app.answer.tokens import Tokenizer

    a = _passage("law", 1, "The President is authorized to provide grants to organizations that promote human rights.")
    b = _passage("law", 2, "There are authorized to be appropriated $2,000,000 for these grants for each fiscal year.")
    hits = [_hit(a, 1), _hit(b, 2)]

    def scores(question: str, unit_shape: float) -> dict[int, float]:
        scorer = SentenceScorer(Tokenizer().tokens, weights=ScoreWeights(unit_shape=unit_shape))
        return {s.hit_index: s.score for s in scorer.score(question, hits)}

    money = "How much money per year was authorized for grants promoting human rights?"
    base, named = scores(money, 0.0), scores(money, 0.15)
    assert abs(named[1] - base[1] - 0.15) < 1e-6  # the sentence stating an amount of money
    assert named[0] == base[0]  # no amount: unchanged
    who = "Who was authorized to provide grants promoting human rights?"
    assert scores(who, 0.0) == scores(who, 0.15)  # no measure named: the plain shape weight


def test_a_question_naming_a_measure_abstains_when_no_quote_states_one():
    p = _passage(
        "act",
        1,
        "국가 및 지방자치단체는 통일교육주간을 기념하기 위하여 행사를 실시할 수 있다. 위원회는 25명 이내의 위원으로 구성한다.",
    )
    hits = [_hit(p, 1, dense_score=0.9)]
    event = [_unit(0, "국가 및 지방자치단체는 통일교육주간을 기념하기 위하여 행사를 실시할 수 있다.", 1.0, 0)]
    members = [_unit(0, "위원회는 25명 이내의 위원으로 구성한다.", 1.0, 1)]
    rule = AbstainRule(below=0.5, agreed_below=0.5, section_below=0.5)
    assert (
        abstain_reason("통일교육주간 행사에는 매년 몇 명이 참여하나요?", "quantity", event, hits, event, rule)
        is not None
    )
    assert abstain_reason("위원회는 몇 명으로 구성되나요?", "quantity", members, hits, members, rule) is None
    assert abstain_reason("통일교육주간은 무엇을 하나요?", "other", event, hits, event, rule) is None  # no measure
    off = AbstainRule(below=0.5, agreed_below=0.5, section_below=0.5, check_measure=False)
    assert abstain_reason("통일교육주간 행사에는 매년 몇 명이 참여하나요?", "quantity", event, hits, event, off) is None


def test_money_questions_ask_for_an_amount():
    assert asked_slot("What is the maximum civil penalty for a violation?") is not None
    assert asked_slot("2024년도 남북협력기금 예산은 얼마였나요?") is not None
    assert asked_slot("How much time does the President have?") is None


class _NoCalls:
    """An embedder that must not be called: with embed_top 0 the answer needs no model call."""

    name, dim = "fake", 3

    def encode_queries(self, texts):
        raise AssertionError("the question was embedded again")

    def encode_passages(self, texts):
        raise AssertionError("a sentence was embedded")


def test_without_sentence_embeddings_each_sentence_takes_its_passage_cosine():
    from app.answer.extractive import SentenceScorer, passage_cosines
    from app.answer.support import VectorCache
    from app.answer.tokens import Tokenizer

    a = _passage("law", 1, "The President may waive the sanctions for 30 days.")
    b = _passage("law", 2, "The Secretary shall report to Congress.")
    hits = [_hit(a, 1, dense_score=0.9), _hit(b, 2)]  # b came from the lexical retriever only
    assert passage_cosines(hits) == [0.9, 0.9]
    assert passage_cosines([_hit(a, 1)]) is None
    scorer = SentenceScorer(Tokenizer().tokens, VectorCache(_NoCalls()), embed_top=0)
    scored = scorer.score("How long may the President waive the sanctions?", hits)
    assert {s.semantic for s in scored} == {0.9}
    assert scored[0].hit_index == 0


def test_a_decree_is_not_a_person():
    # "대통령령" (presidential decree) and "통일부령" (ministry ordinance) name rules, not who does something
    assert answer_shape_score("person", "기금은 통일부장관이 운용ㆍ관리한다.") == 1.0
    assert answer_shape_score("person", "그 밖에 필요한 사항은 대통령령으로 정한다.") == 0.0
    assert answer_shape_score("person", "신청서는 통일부령으로 정하는 서식에 따른다.") == 0.0


def test_a_question_about_two_numbered_documents_quotes_both():
    from app.answer.extractive import choose_units, cover_anchors

    eo1 = _passage("eo-13570", 1, "Executive Order 13570 takes effect on April 19, 2011.")
    eo1b = _passage("eo-13570", 2, "Section 3. Definitions of terms.")
    eo2 = _passage("eo-13810", 3, "Executive Order 13810 is effective at 12:01 a.m. on September 21, 2017.")
    hits = [_hit(eo1, 1), _hit(eo1b, 2), _hit(eo2, 3)]
    scored = [_unit(0, eo1.text, 1.0, 0), _unit(1, eo1b.text, 0.6, 0), _unit(2, eo2.text, 0.5, 0)]
    question = "When did EO 13570 and EO 13810 each come into force?"
    chosen = choose_units(question, scored, hits, max_sentences=3, closeness=0.85)
    assert [s.hit_index for s in chosen] == [0, 2]  # the second order's passage joins, though it scores lower
    # one anchor, or every anchor already quoted: the selection is left alone
    assert [s.hit_index for s in cover_anchors(chosen[:1], scored, hits, ["13570"], 3)] == [0]
    assert cover_anchors(chosen, scored, hits, ["13570", "13810"], 3) == chosen
    # an anchor no retrieved document mentions adds nothing; the selection never exceeds max_sentences
    assert [s.hit_index for s in cover_anchors(chosen[:1], scored, hits, ["13570", "99999"], 3)] == [0]
    assert len(cover_anchors(chosen[:1], scored, hits, ["13570", "13810"], 1)) == 1


def test_a_retrieved_list_item_brings_in_the_chunk_holding_its_lead_in():
    from app.answer.pipeline import with_lead_ins

    lead = _passage("act", 1, "Whoever does any of the following shall be imprisoned for not more than 3 years:")
    item = _passage("act", 2, "(6) visits North Korea without approval.")
    other = _passage("other", 3, "Unrelated text.")

    class ListIndex:
        def lead_in(self, chunk_id):
            return lead if chunk_id == item.chunk_id else None

    hits = [_hit(item, 1, dense_score=0.8), _hit(other, 2)]
    expanded = with_lead_ins(hits, ListIndex())
    assert [h.passage.chunk_id for h in expanded] == [item.chunk_id, lead.chunk_id, other.chunk_id]
    assert expanded[1].dense_score == 0.8  # it carries the item's retrieval scores
    # already retrieved: not added twice; an index without lead-ins leaves the hits alone
    assert len(with_lead_ins([_hit(lead, 1), *hits], ListIndex())) == 3
    assert with_lead_ins(hits, object()) == hits
    assert len(with_lead_ins(hits, ListIndex(), most=0)) == 2


def test_one_unit_between_two_quotes_of_a_passage_joins_them():
    import dataclasses

    from app.answer.extractive import fill_gaps
    from app.answer.sentences import split_units

    text = "Russia vetoed the draft. Thirteen members voted in favor. China abstained. The veto ends the Panel's work."
    units = split_units(text)
    scored = [ScoredUnit(0, u, i, 1.0, 0.5, 0.5, 0.0) for i, u in enumerate(units)]

    def chosen(*indices):
        return [scored[i] for i in indices]

    assert [s.unit.text for s in fill_gaps(chosen(1, 3), scored)] == [
        "Thirteen members voted in favor.",
        "China abstained.",
        "The veto ends the Panel's work.",
    ]
    assert [s.unit_index for s in fill_gaps(chosen(0, 3), scored)] == [0, 3]  # two between: not one stretch
    assert [s.unit_index for s in fill_gaps(chosen(0, 1), scored)] == [0, 1]
    # a unit the scorer took for a heading (a masthead run into the text) never joins
    headed = [*scored[:2], dataclasses.replace(scored[2], unit=dataclasses.replace(units[2], heading=True)), scored[3]]
    assert [s.unit_index for s in fill_gaps(chosen(1, 3), headed)] == [1, 3]


def test_a_masthead_run_into_the_text_is_a_heading_not_a_quote():
    from app.answer.extractive import SentenceScorer, repeats_title
    from app.answer.tokens import Tokenizer

    tok = Tokenizer().tokens
    title = set(tok("Of Course North Korea Wants Sanctions Relief, But What Kind? (Foreign Policy Research Institute)"))
    masthead = set(
        tok(
            "Foreign Policy Research Institute A Nation Must Think Before it Acts Of Course North Korea "
            "Wants Sanctions Relief, But What Kind?"
        )
    )
    assert repeats_title(masthead, title)
    assert repeats_title(set(tok("Of Course North Korea Wants Sanctions Relief, But What Kind?")), title)
    assert not repeats_title(set(tok("North Korea wants relief from the sanctions on its coal exports.")), title)
    text = (
        "Foreign Policy Research Institute A Nation Must Think Before it Acts Of Course North Korea Wants Sanctions "
        "Relief, But What Kind? North Korea wants relief from the sanctions on its coal and textile exports."
    )
    p = Passage(
        chunk_id="fpri#1",
        doc_id="fpri",
        title="Of Course North Korea Wants Sanctions Relief, But What Kind? (Foreign Policy Research Institute)",
        source="fpri.md",
        doc_type="article",
        language="en",
        label="FPRI ¶1",
        start=0,
        end=len(text),
        text=text,
    )
    scored = SentenceScorer(tok).score("What kind of sanctions relief does North Korea want?", [_hit(p, 1)])
    best = next(s for s in scored if not s.unit.heading)
    assert best.unit.text.startswith("North Korea wants relief")
