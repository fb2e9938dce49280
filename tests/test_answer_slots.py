"""The asked slot (app.answer.rules.slots): which value a question asks for, which sentences state one, and how the extractive
answerer uses it — the filling sentence is quoted (also from a lower-ranked passage), and the answer abstains when
no quote fills it (pure functions, hand-built hits, no model)."""

from __future__ import annotations

import pytest

from app.answer.abstain import AbstainRule, abstain_reason
from app.answer.extractive import ScoredUnit, SentenceScorer, question_slot, slot_first
from app.answer.rules.slots import asked_slot, count_nouns, slot_filled
from app.answer.tokens import Tokenizer
from index.types import Hit, Passage


def _passage(doc: str, n: int, text: str, label: str | None = None) -> Passage:
    return Passage(
        chunk_id=f"{doc}#{n}",
        doc_id=doc,
        title=doc,
        source=f"{doc}.txt",
        doc_type="law",
        language="en",
        label=label or f"{doc} ¶{n}",
        start=1000 * n,
        end=1000 * n + len(text),
        text=text,
    )


def _hit(p: Passage, rank: int) -> Hit:
    return Hit(passage=p, rank=rank, score=1.0 / rank, dense_score=0.9)


def _unit(hit_index: int, text: str, score: float, prior: float = 0.0) -> ScoredUnit:
    from app.answer.sentences import Unit

    return ScoredUnit(hit_index, Unit(0, len(text), text), 0, score, 0.5, 0.9, 0.0, prior)


@pytest.mark.parametrize(
    "question, kind",
    [
        ("What annual budget has been agreed for the monitoring team?", "money"),
        ("How large a reward does the program offer?", "money"),
        ("귀환납북자에게 지급되는 정착금은 구체적으로 얼마인가요?", "money"),
        ("제3국에서 가족을 만난 경우 1인당 지원받을 수 있는 경비 한도는?", "money"),
        ("How far did the missile fly before falling into the sea?", "distance"),
        ("북한 신형 미사일의 사거리는 얼마인가?", "distance"),
        ("How many letters did the Panel send?", "count"),
        ("How many South Korean sailors died when the ship was sunk?", "count"),
        ("위원회는 위원을 최대 몇 명까지 둘 수 있나요?", "count"),
        ("위원회는 신청을 받은 뒤 며칠 안에 결정해야 하나요?", "count"),
        ("On what date did the committee hold its first meeting?", "date"),
        ("북한이탈주민의 날은 며칠인가요?", "date"),
        ("In what year was the law enacted?", "year"),
        ("What percentage of the population needs aid?", "percent"),
        ("Under which executive order was the company designated?", "document"),
        ("What sentence did the court impose on the defendant?", "penalty"),
        ("What is the maximum civil penalty for a violation?", "money"),
        ("통일부 승인 없이 북한에 다녀오면 어떤 처벌을 받나요?", "penalty"),
    ],
)
def test_the_kind_of_value_a_question_asks_for(question, kind):
    slot = asked_slot(question)
    assert slot is not None and slot.kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "Who chairs the committee?",
        "How long may the waiver last?",  # a duration: the generic shape, no slot
        "How much time does the President have?",
        "Which illicit money-making activities did the President cite?",  # "money-making" is no amount
        "What may the funds be used for?",  # the funds' use, not their amount
        "Which paragraph of resolution 2397 obliges states to seize ships?",  # a paragraph: the label answers
        "납북피해자 보상금을 받을 권리는 얼마 동안 쓰지 않으면 사라지나요?",  # 얼마 동안: a duration
    ],
)
def test_questions_without_a_slot(question):
    assert asked_slot(question) is None


def test_a_count_needs_a_number_before_the_counted_noun():
    letters = asked_slot("How many letters did the Panel send to governments?")
    assert letters.fills("In my time we sent more than 1,200 letters to governments and companies.")
    assert not letters.fills("I served on the Panel for four years.")
    assert not letters.fills("The Panel had eight experts.")  # a count, of something else
    ships = asked_slot("How many ships have been blacklisted since 2023?")
    assert ships.fills("Since 2023, Treasury and State have blacklisted 17 vessels.")  # same class of noun
    people = asked_slot("How many North Koreans need humanitarian assistance?")
    assert people.fills("10.3 million people who are in need of humanitarian assistance")  # a demonym: people
    sailors = asked_slot("How many sailors died when the ship was sunk?")
    assert sailors.fills("by sinking the warship and killing 46 of her crew")
    workers = asked_slot("How many IT workers made up the delegation?")
    assert not workers.fills("a delegation of IT workers earned more than $1 million")  # money, not a count
    assert not workers.fills("OFAC sanctioned three individuals and two entities")  # another role
    assert not workers.fills("The DPRK maintains a workforce of thousands of IT workers")  # no number
    assert "letters" in count_nouns("letters") and "people" not in count_nouns("letters")


def test_korean_counts_and_cross_lingual_counts():
    members = asked_slot("위원은 몇 명까지 둘 수 있나요?")
    assert members.fills("위원장 1명을 포함한 11명 이내의 위원으로 구성한다.")
    assert members.fills("약 1만 5천 명으로 추정됩니다.")
    assert not members.fills("회의 개최 3일 전까지 알려야 한다.")
    people = asked_slot("How many people attended the seminar?")
    assert people.fills("세미나에는 약 300명이 참석했다.")  # a Korean answer counts people with 명
    assert not people.fills("306개 법령의 일부개정에 관한 대통령령")  # 개 counts things, not people


def test_money_dates_documents_penalties():
    budget = asked_slot("What annual budget has been agreed for the team?")
    assert budget.fills("The team has an annual budget of $4.5 million.")
    assert not budget.fills("The team will be composed of two elements.")
    assert not budget.fills("Whoever violates this shall be subject to a civil penalty of $250,000.")  # a fine
    won = asked_slot("연간 예산은 얼마인가요?")
    assert won.fills("예산 3억 원을 편성한다.") and won.fills("3,000만원을 지급한다.")
    assert not won.fills("3년 이하의 징역 또는 3천만원 이하의 벌금에 처한다.")  # a fine answers no budget question
    assert not won.fills("최저임금액의 12개월분에 상당하는 금액을 기준으로 산정한다.")  # a formula, no amount
    reward = asked_slot("How large a reward does the program offer for information on the schemes?")
    assert not slot_filled(reward, "IT workers generate between $250 million and $600 million a year.")
    assert slot_filled(
        reward, "It offers up to $5 million.", passage="The program offers a reward. It offers up to $5 million."
    )
    grants = asked_slot("How much money per year was authorized for grants?")  # the money asked has no topic
    assert slot_filled(grants, "There are authorized to be appropriated $2,000,000 for each fiscal year.")
    fine = asked_slot("What is the largest civil fine for a violation?")
    assert fine.fills("(1) $250,000; or")
    date = asked_slot("On what date did the committee hold its first meeting?")
    assert date.fills("The committee met on April 30, 2024.") and date.fills("2019년 12월 22일까지")
    assert not date.fills("It will hold its first meeting before the end of 2024.")
    order = asked_slot("Under which executive order was the company designated?")
    assert order.fills("X is being designated pursuant to E.O. 13810 for operating in the IT industry.")
    assert not order.fills("X is a company that dispatches IT workers to Russia.")
    assert slot_filled(order, "All property of the following persons is blocked.", "EO 13382 Sec. 1")
    sentence = asked_slot("What sentence did the court impose on the woman?")
    assert sentence.fills("She was sentenced to eight years in prison.")
    assert not sentence.fills("The Justice Department charged an Arizona woman with running a laptop farm.")
    assert not sentence.fills("IT workers generate between $250 million and $600 million a year.")  # no fine
    assert sentence.fills("She was ordered to pay a fine of $10,000.")


def test_a_two_part_question_has_no_slot_for_the_whole_answer():
    q = "How long did the Council give states, and on what date did that deadline fall?"
    assert asked_slot(q) is not None and question_slot(q) is None


def test_slot_first_quotes_a_sentence_stating_the_value_from_a_lower_passage():
    a = _passage("hearing", 1, "I served on the Panel for four years.")
    b = _passage("hearing", 2, "In my time we sent more than 1,200 letters to governments.")
    hits = [_hit(a, 1), _hit(b, 2)]
    top, filled = _unit(0, a.text, 0.9, prior=0.2), _unit(1, b.text, 0.7, prior=0.1)
    slot = asked_slot("How many letters did the Panel send?")
    assert slot_first([top, filled], slot, hits)[0] is filled
    assert slot_first([top, filled], slot, hits, share=0.9)[0] is top  # 0.6 own evidence < 0.9 × 0.7
    assert slot_first([top], slot, hits) == [top]  # nothing fills: unchanged (the abstention check refuses)


def test_the_scorer_prefers_the_filling_sentence():
    p = _passage(
        "hearing",
        1,
        "I served on the Panel for four years and the Panel sent letters. In my time we sent more than 1,200 letters.",
    )
    scored = SentenceScorer(Tokenizer().tokens).score("How many letters did the Panel send?", [_hit(p, 1)])
    assert "1,200 letters" in scored[0].unit.text


def test_abstains_when_no_quote_fills_the_slot():
    p = _passage("release", 1, "The program is offering a reward for information on the schemes.")
    hits = [_hit(p, 1)]
    rule = AbstainRule(below=0.0, agreed_below=0.0, section_below=0.0)
    quote = [_unit(0, p.text, 1.0)]
    q = "How large a reward does the program offer for information on the schemes?"
    assert "(money)" in abstain_reason(q, "other", quote, hits, quote, rule)
    amount = [_unit(0, "The program offers a reward of up to $5 million for information on the schemes.", 1.0)]
    assert abstain_reason(q, "other", amount, hits, amount, rule) is None
    only_counts = AbstainRule(below=0.0, agreed_below=0.0, section_below=0.0, slot_kinds=frozenset({"count"}))
    assert abstain_reason(q, "other", quote, hits, quote, only_counts) is None  # money not checked


def test_slot_patterns_stay_linear_on_long_digit_runs():
    import time

    texts = ["1" * 60 + " x", "1," * 60 + " x", "1 " * 60 + "x", "1만 " * 40 + "x", "12." * 40 + " 원x"]
    slots = [
        asked_slot(q)
        for q in (
            "임기는 몇 년인가요?",
            "How many ships?",
            "연간 예산은 얼마인가요?",
            "On what date?",
            "What sentence did the court impose?",
        )
    ]
    started = time.perf_counter()
    for slot in slots:
        for text in texts:
            slot.fills(text)
    assert time.perf_counter() - started < 0.5  # nested repetition made one of these take a minute


def test_slot_first_prefers_a_filling_unit_from_a_document_with_the_question_numbers():
    order = _passage("eo2005", 1, "By the authority vested in me, including Executive Order 12938, I order:")
    release = _passage("release2025", 1, "Myong Chol is being designated pursuant to E.O. 13810.")
    dated = _passage("release2025", 2, "Today, in July 2025, OFAC designated the network.")
    hits = [_hit(order, 1), _hit(release, 2), _hit(dated, 3)]
    top, other = _unit(0, order.text, 0.9, prior=0.2), _unit(1, release.text, 0.85, prior=0.1)
    slot = asked_slot("Under which executive order was the representative designated in July 2025?")
    assert slot_first([top, other], slot, hits)[0] is top  # both fill: no numbers to prefer by
    assert slot_first([top, other], slot, hits, anchors=["2025"])[0] is other  # only the release mentions 2025
    assert slot_first([top, other], slot, hits, anchors=["1999"])[0] is top  # neither does: the best filling


def test_years_and_percentages():
    year = asked_slot("In what year was the registry established?")
    assert year.fills("The registry was established in 2019.") and year.fills("2019년에 설치되었다.")
    assert not year.fills("The registry is voluntary.")
    share = asked_slot("What percentage of the population needs food aid?")
    assert share.fills("About 43% of the population needs food aid.") and share.fills("well over half of the people")
    assert not share.fills("Many people need food aid.")


def test_years_the_question_names_are_part_of_the_slot():
    from app.answer.rules.slots import other_years, years_of

    assert years_of("In 2024, FY2025 and 2019년") == {"2024", "2025", "2019"}
    assert years_of("§ 2019, 1,998 people, bill 20123, 2,019,000 barrels") == frozenset()
    slot = asked_slot("2025년 남북협력기금 사업비 예산안의 금액은 얼마인가?")
    assert slot.kind == "money" and slot.years == {"2025"}
    assert not slot_filled(slot, "2023년 남북협력기금 사업비 예산은 약 1조 1,000억원이었다.")  # another year's
    assert slot_filled(slot, "2025년 사업비 예산안은 약 9,000억원이다.")
    assert slot_filled(slot, "사업비 예산안은 약 9,000억원이다.")  # undated: its passage may give the year
    assert not other_years(frozenset(), "In 2019 it cost $5.")
    # a question asking for a year or a numbered order keeps no years: its answer is one
    assert asked_slot("In what year after 2015 did the Panel first report this?").years == frozenset()


def test_how_much_aid_is_not_only_money():
    # "how much aid" is answered in tons as often as in dollars: no money slot, the quantity shape decides
    assert asked_slot("How much nutrition aid did Washington promise under the 2012 deal?") is None
    assert asked_slot("How much money did Washington promise under the 2012 deal?").kind == "money"


def test_a_sentence_about_this_year_may_answer_for_the_asked_year():
    slot = asked_slot("How many ballistic missiles had North Korea fired in 2025 before June?")
    assert slot.years == {"2025"}
    assert slot_filled(slot, "It has launched 11 ballistic missiles so far this year, compared with some 40 in 2024.")
    assert not slot_filled(slot, "It launched some 40 ballistic missiles in 2024.")


def test_distances():
    slot = asked_slot("How far did the missiles launched on 8 May fly?")
    assert slot_filled(slot, "The missiles flew up to 800 kilometres before falling into the sea.")
    assert slot_filled(asked_slot("사거리는 얼마인가?"), "사거리는 약 1,000km로 추정된다.")
    assert not slot_filled(slot, "The missiles launched on 8 May are a threat to the region.")
    assert asked_slot("How far back should the travel warnings go?") is None  # time, not distance
