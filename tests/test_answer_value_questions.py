"""Value questions (how long / when / how many): the shape-first choice of the quoted sentence, the "states a
number" check of abstention, question typing of "when", and quoting the list a lead-in sentence introduces
(pure functions, hand-built hits, no model)."""

from __future__ import annotations

from app.answer.abstain import AbstainRule, abstain_reason
from app.answer.extractive import ExtractiveAnswerer, ScoredUnit, introduces_list, shape_first
from app.answer.rules.qtype import question_type, states_number
from app.answer.sentences import Unit, split_units
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


def _hit(p: Passage, rank: int) -> Hit:
    return Hit(passage=p, rank=rank, score=1.0 / rank, dense_score=0.9)


def _unit(hit_index: int, text: str, score: float, *, shape: float, prior: float, index: int = 0) -> ScoredUnit:
    return ScoredUnit(hit_index, Unit(0, len(text), text), index, score, 0.5, 0.9, shape, prior)


# ---------------------------------------------------------------- shape first


def test_a_value_question_prefers_a_sentence_of_its_shape_with_as_much_own_evidence():
    top = _unit(0, "The facility protects residents.", 0.86, shape=0.0, prior=0.2)  # evidence 0.66
    shaped = _unit(3, "Protection lasts 1 year at most.", 0.81, shape=1.0, prior=0.05)  # evidence 0.76
    weak = _unit(4, "Within 2 years a plan is made.", 0.5, shape=1.0, prior=0.04)  # evidence 0.46
    assert shape_first([top, shaped, weak], "duration")[0] is shaped
    assert shape_first([top, weak], "duration")[0] is top  # less own evidence: the rank prior stands
    assert shape_first([top, shaped], "other") == [top, shaped]  # not a value question
    already = _unit(0, "It lasts 5 years.", 0.9, shape=1.0, prior=0.2)
    assert shape_first([already, shaped], "duration") == [already, shaped]


# ---------------------------------------------------------------- numbers


def test_item_markers_references_years_and_dates_are_not_numbers():
    assert not states_number("(1) The number of aliens who applied for political asylum.")
    assert not states_number("(3) measures undertaken to carry out section 7843 of this title")
    assert not states_number("**①** 제8조의2제4항을 위반하여 비밀을 누설한 사람")
    assert not states_number("Executive Order 13466 of June 26, 2008, under 50 U.S.C. 1702(b)(2)")
    assert not states_number("It was enacted in 2016.")
    assert states_number("위원장 1명을 포함한 25명 이내의 위원으로 구성한다.")
    assert states_number("the deaths of 46 sailors in March 2010")
    assert states_number("$2,000,000 for each of fiscal years 2009 through 2022")
    assert states_number("이사장은 한 차례만 중임할 수 있다.")
    assert states_number("twice the amount of the transaction")


def test_a_how_many_question_abstains_when_no_quote_states_a_number():
    p = _passage("a", 1, "(1) The number of aliens who applied for asylum.")
    hits = [_hit(p, 1)]
    rule = AbstainRule(below=0.0, agreed_below=0.0, section_below=0.0)
    unit = [_unit(0, p.text, 1.0, shape=1.0, prior=0.2)]
    q = "How many of them were granted asylum?"  # no counted noun: any stated number will do
    assert question_type(q) == "quantity"
    assert "states a number" in abstain_reason(q, "quantity", unit, hits, unit, rule)
    with_number = [_unit(0, "In 2019, 12 applicants were granted asylum.", 1.0, shape=1.0, prior=0.2)]
    assert abstain_reason(q, "quantity", with_number, hits, with_number, rule) is None
    assert abstain_reason(q, "quantity", unit, hits, unit, AbstainRule(0.0, 0.0, 0.0, check_measure=False)) is None


def test_when_is_a_date_question_only_as_the_question_word():
    assert question_type("When did EO 13570 come into force?") == "date"
    assert question_type("Penalties apply, and when was the order signed?") == "date"
    assert question_type("How many sailors died when the Cheonan was sunk?") == "quantity"
    assert question_type("What danger did the President point to when he declared the emergency?") != "date"


def test_which_things_must_be_is_not_a_permission_question():
    # the answer is the things of that kind (a list item), not a sentence saying "shall"
    assert question_type("Which Russian ports must the inspection report specifically address?") == "other"
    assert question_type("What ports must be covered?") == "other"
    assert question_type("What must the report include?") == "permission"
    assert question_type("May the President waive the sanctions?") == "permission"


# ---------------------------------------------------------------- lists


REPORT = (
    "The Secretary shall submit a report that describes, with respect to each camp, to the extent information "
    "is available\n\n(1) the camp's estimated prisoner population;\n\n(2) the camp's geographical coordinates;"
    "\n\n(3) the reasons for confinement;\n\n(4) the camp's primary industries."
)


def test_a_lead_in_that_stops_before_enumerated_items_introduces_a_list():
    units = split_units(REPORT)
    assert introduces_list(units[0], REPORT)
    assert not any(introduces_list(u, REPORT) for u in units[1:])
    ended = "The Secretary shall submit a report.\n\n(1) the camp's population;"
    assert not introduces_list(split_units(ended)[0], ended)  # a complete sentence does not lead into the items
    colon = "The report shall cover the following ports:\n\n(1) Dandong;"
    assert introduces_list(split_units(colon)[0], colon)


def test_the_extractive_answer_quotes_the_lead_in_with_its_items_verbatim():
    p = _passage("law", 1, REPORT)
    hits = [_hit(p, 1)]
    lead = split_units(REPORT)[0]
    scored = [ScoredUnit(0, lead, 0, 1.0, 0.5, 0.9, 0.0, 0.2)]
    answerer = ExtractiveAnswerer(scorer=None, max_sentences=1)  # scored is given: the scorer is not used
    draft = answerer.draft("What must the report say about each camp?", hits, scored)
    (sentence,) = draft.sentences
    start, end = sentence.span
    assert sentence.text == REPORT[start:end]
    assert sentence.text.startswith("The Secretary") and "(2) the camp's geographical coordinates;" in sentence.text
    assert "(4)" not in sentence.text  # up to list_items (3) items


def test_within_is_a_period_only_with_one():
    from app.answer.rules.qtype import answer_shape_score

    assert answer_shape_score("duration", "within 30 days of the request") == 1.0
    assert answer_shape_score("duration", "within a year") == 1.0
    assert answer_shape_score("duration", "property that comes within the United States") == 0.0


def test_a_value_from_the_document_the_question_numbers_comes_first():
    from app.answer.extractive import ScoredUnit, shape_first
    from app.answer.sentences import Unit
    from index.types import Hit, Passage

    def hit(doc, text):
        p = Passage(
            chunk_id=f"{doc}#1",
            doc_id=doc,
            title=doc,
            source=f"{doc}.txt",
            doc_type="law",
            language="en",
            label=f"{doc} ¶1",
            start=0,
            end=len(text),
            text=text,
        )
        return Hit(passage=p, rank=1, score=1.0)

    hits = [
        hit("bill", "H.R. 4127 Sec. 4. The President shall impose sanctions."),
        hit("podcast", "A week ago the Treasury sanctioned a company."),
    ]
    top = ScoredUnit(0, Unit(0, 10, "The President shall impose sanctions."), 0, 0.8, 0.3, 0.9, 0.0, 0.2)
    podcast = ScoredUnit(1, Unit(0, 10, "A week ago the Treasury sanctioned a company."), 0, 0.79, 0.3, 0.9, 1.0, 0.1)
    bill = ScoredUnit(0, Unit(20, 40, "Not later than 180 days after enactment, …"), 1, 0.75, 0.3, 0.9, 1.0, 0.2)
    ranked = [top, podcast, bill]
    assert shape_first(ranked, "duration")[0] is podcast
    assert (
        shape_first(ranked, "duration", hits, ["4127"])[0] is podcast
    )  # its evidence is the best's, the bill's is not
    bill = ScoredUnit(0, Unit(20, 40, "Not later than 180 days after enactment, …"), 1, 0.81, 0.3, 0.9, 1.0, 0.2)
    assert shape_first([top, podcast, bill], "duration", hits, ["4127"])[0] is bill


def test_list_items_are_not_lead_ins_and_no_text_is_quoted_twice():
    from app.answer.extractive import introduces_list, merge_spans
    from app.answer.sentences import split_units

    text = (
        "① 지원할 수 있는 경비는 다음 각 호와 같다.\n1. 생사확인 경비: 가족의 생사를 확인하는 데 드는 경비\n"
        "2. 상봉 경비: 가족을 만나는 데 드는 경비\n"
    )
    units = split_units(text)
    item = next(u for u in units if u.text.startswith("1."))
    assert not introduces_list(item, text)  # an item followed by the next item is no lead-in
    assert merge_spans([(0, 0, 50), (0, 40, 80), (1, 0, 10), (0, 100, 120)]) == [(0, 0, 80), (1, 0, 10), (0, 100, 120)]
    assert merge_spans([(0, 0, 10), (0, 20, 30), (0, 5, 25)]) == [(0, 0, 30)]
