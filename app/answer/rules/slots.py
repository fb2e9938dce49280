"""The asked slot: the kind of value a question asks for, and whether a sentence states one (pure functions).

`asked_slot("How many letters did the Panel send?")` -> a "count" slot that "we sent more than 1,200 letters"
fills and "I served on the Panel for four years" does not. The extractive answerer prefers a sentence that fills
the slot (`app.answer.extractive.slot_first`, also from a lower-ranked passage) and abstains when no quote does
(`app.answer.abstain.abstain_reason`): an on-topic sentence without the asked value ("… is offering a reward for
information …" for "How large a reward …?") is not an answer.

Slot kinds, each recognised only from unambiguous question forms (a slot that cannot be recognised reliably is
left unchecked, and the question keeps the generic shape of its type, `app.answer.rules.qtype.answer_shape_score`):
- money: "how much money / funding", "what amount", "what budget / reward / fine / salary / cost / income …",
  "how large a reward", "예산은 얼마", "보상금은 얼마" -> "$2,000,000", "5 million dollars", "1억 원";
- count: "how many <noun>" -> a number before the noun, its head word or a synonym of its class ("17 vessels" for
  "how many ships", "10.3 million people" for "how many North Koreans"); "몇 명/곳/개/척/회 …" -> "25명", "1만 5천 명";
- date: "on what date", "what day", "몇 월 며칠" -> "April 30", "30 April 2024", "2024. 4. 30.", "12월 22일";
- year: "in what year", "which year", "몇 년도" -> "2019", "2019년";
- percent: "what percentage / proportion", "몇 퍼센트" -> "45%", "half";
- document: "which executive order / resolution / public law / proclamation" -> a numbered one ("E.O. 13810");
- penalty: "what sentence / penalty / punishment", "형량" -> a prison term or a fine ("five years in prison");
- distance: "how far", "what range", "사거리", "몇 km" -> "800 kilometres", "1,000km", "12해리".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from app.answer.vocabulary import alternation, entries, words
from ingest.dates import MONTH_NAMES

SlotKind = Literal["money", "count", "date", "year", "percent", "document", "penalty", "distance"]
SLOT_KINDS: tuple[str, ...] = ("money", "count", "date", "year", "percent", "document", "penalty", "distance")

_NUM_WORDS = alternation(words("number_words", "number_words"))  # app/answer/data/number_words.yaml
_NUMBER = rf"(?:\d[\d,.]*(?:\s+(?:million|billion|thousand|hundred))?|(?:{_NUM_WORDS})(?:[\s-]+(?:{_NUM_WORDS}))*)"


@dataclass(frozen=True)
class Slot:
    """A value a question asks for: its kind and the pattern a sentence stating such a value contains."""

    kind: SlotKind
    pattern: re.Pattern[str]
    not_this: re.Pattern[str] | None = None  # values of the kind that answer another question (a fine for a budget)
    topic: re.Pattern[str] | None = None  # what the value is of: the passage stating it must mention it
    years: frozenset[str] = frozenset()  # the years the question is about: a sentence dated only otherwise misses

    def fills(self, text: str) -> bool:
        """True when `text` states a value of this slot."""
        return self.search(text) is not None

    def search(self, text: str) -> re.Match[str] | None:
        if self.not_this is not None:
            text = self.not_this.sub(" ", text)
        return self.pattern.search(text)


# --- money -----------------------------------------------------------------------------------------------------
_MONEY_NOUN = alternation(words("money", "nouns_en"))  # app/answer/data/money.yaml
_MONEY_NOUN_KO = alternation(words("money", "nouns_ko"))
_AUX = r"is|was|are|were|do|does|did|may|can|could|will|would|must|shall|should|has|have|had|might"
_ASKED_MONEY = re.compile(
    r"\bhow much (?:\w+\s+)?(?:money|funding|funds|revenue|income|profit)\b"
    rf"|\bhow (?:large|big|high|much) (?:an? |of an? )?(?:\w+\s+)?(?:{_MONEY_NOUN})s?\b"
    r"|\b(?:largest|maximum|highest|max)\s+(?:\w+\s+)?(?:amount|sum|grant|fine|penalty)s?\b"
    rf"|\b(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:(?!(?:of|the|{_AUX})\b)[\w-]+\s+){{0,2}}?"
    rf"(?:{_MONEY_NOUN})s?\b(?!-)"
    r"|\bhow much (?:did|does|do|is|was|will|would)\b.*\b(?:cost|pay|paid|spend|spent|earn|earned|receive|raise)\b"
    rf"|(?:{_MONEY_NOUN_KO})"
    r"(?:은|는|이|가|을|를)?\s*(?:\S+\s+){0,2}?얼마(?!\s*(?:동안|나|간))|얼마의\s*(?:돈|금액|벌금)"
    r"|(?:경비|비용|금액|예산|지원금)\s*(?:의\s*)?(?:한도액?|상한액?|총액)(?:은|는)?\s*[?？]?\s*$",  # "경비 한도는?"
    re.IGNORECASE,
)
# "$2,000,000", "US$ 5 million", "5 million dollars", "₩1억", "1억 원", "3,000만원", "1조 2천억 원".
_MONEY = re.compile(
    r"(?:US|U\.S\.)?\$\s?\d|[€£¥₩]\s?\d|\b(?:USD|KRW|EUR)\s?\d|\d[\d,.]*\s*(?:million|billion|thousand)?\s*"
    r"(?:dollars|won|euros|yuan|yen)\b|\bdollars?\b.{0,20}\d|(?:\d[\d,.]*\s*(?:조|억|천만|만|천)\s*)*\d[\d,.]*\s*"
    r"(?:조|억|천만|만|천)?\s*원(?!칙)",
    re.IGNORECASE,
)

# What an amount is of: the question's money noun -> the words a passage stating such an amount uses. Nouns that
# say nothing of what the money is for (amount, sum, money) have no topic.
_MONEY_TOPICS: list[tuple[str, str]] = [(t["nouns"], t["words"]) for t in entries("money", "topics")]


def _money_topic(question: str) -> re.Pattern[str] | None:
    """The topic of the asked part of a money question (see `_MONEY_TOPICS`): the first money noun it names."""
    found = [
        (m.start(), words)
        for nouns, words in _MONEY_TOPICS
        if (m := re.search(rf"(?<![\w-])(?:{nouns})(?![\w-])" if nouns.isascii() else nouns, question, re.I))
    ]
    return re.compile(min(found)[1], re.IGNORECASE) if found else None


# Amounts that are penalties: they answer "what fine / penalty", not "what budget / reward / cost".
_ASKS_PENALTY_MONEY = re.compile(r"\bfines?\b|\bpenalt|벌금|과태료|과징금", re.IGNORECASE)
_PENALTY_MONEY = re.compile(
    r"\b(?:fined?|(?:civil |criminal )?penalty|penalties)\b[^.;]{0,60}?(?:\$\s?[\d,.]+(?:\s*(?:million|billion))?|[\d,.]+\s*"
    r"(?:million |billion )?dollars)|(?:\$\s?[\d,.]+(?:\s*(?:million|billion))?)[^.;]{0,30}?\b(?:fine|penalty)\b"
    r"|[\d,.]+\s*(?:조|억|천만|만|천)?\s*원\s*(?:이하|이상|미만)?의?\s*(?:벌금|과태료|과징금)",
    re.IGNORECASE,
)

# --- count ------------------------------------------------------------------------------------------------------
# The noun phrase after "how many" ends at the first verb, preposition or question word.
_HOW_MANY = re.compile(
    r"\bhow many\s+((?:(?!(?:did|does|do|have|has|had|are|were|is|was|will|would|can|could|should|"
    r"may|might|must|of|in|on|at|for|from|to|that|which|who|per|a|an|the|and|or|been|being)(?![\w’'-]))"
    r"[\w’'.-]+\s*){1,4})",
    re.IGNORECASE,
)
# Nouns that count things: app/answer/data/count_nouns.yaml.
_IRREGULAR_PLURAL = frozenset(words("count_nouns", "irregular_plurals"))
# Words that count the same things (a general vocabulary of policy texts, not of any one question).
_CLASSES: list[frozenset[str]] = [frozenset(c["words"]) for c in entries("count_nouns", "classes")]
_PEOPLE = _CLASSES[0]
_ROLE_PEOPLE = frozenset(words("count_nouns", "role_people"))
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ans|ese|is)$")  # Koreans, Americans, Chinese, Iraqis
# Nouns of people by their ending (sailors, workers, defectors, refugees, activists, civilians, migrants, students)
_PERSON_NOUN = re.compile(
    r"^[a-z]+(?:ors|ers|ists|ees|ians|ants|ents)$|^(?:children|women|men|experts|officials|troops)$"
)
_NOT_PERSON = frozenset(words("count_nouns", "not_person"))
# Korean counters, native numbers and number units: app/answer/data/korean_counters.yaml.
_KO_COUNTER = alternation(words("korean_counters", "asked"))
_ASKED_KO = re.compile(rf"몇\s*({_KO_COUNTER})|며칠\s*(?=안에|이내|동안|만에|내에|까지)")
_KO_NATIVE = f"(?:{alternation(words('korean_counters', 'native_numbers'))})"
_KO_UNIT = f"(?:{alternation(words('korean_counters', 'units'))})"
# "112", "1만 5천", "3,000만": digits, each further group of digits after a unit (no nested repetition: a long digit
# string must not be split in every possible way when no counter follows)
_KO_NUMBER = rf"(?:\d[\d,.]*(?:\s*{_KO_UNIT}\s*\d[\d,.]*)*(?:\s*{_KO_UNIT})?\s*)"


def _plural_forms(word: str) -> list[str]:
    w = word.lower()
    if w.endswith("ies"):
        return [w, w[:-3] + "y"]
    if w.endswith(("sses", "ches", "shes", "xes")):
        return [w, w[:-2]]
    if w.endswith("s") and not w.endswith("ss"):
        return [w, w[:-1]]
    return [w, w + "s"]


def count_nouns(head: str) -> list[str]:
    """The words a count of `head` may use: its own forms, its class ("vessels" for "ships"), for a demonym
    ("Koreans") the people class ("10.3 million people", "citizens"), for a role ("sailors", "refugees") people in
    general or a crew ("46 of her crew")."""
    forms = set(_plural_forms(head))
    classed = False
    for cls in _CLASSES:
        if forms & cls:
            forms |= {f for w in cls for f in _plural_forms(w)}
            classed = True
    if _DEMONYM.match(head):
        forms |= {f for w in _PEOPLE for f in _plural_forms(w)}
    elif not classed and _PERSON_NOUN.match(head.lower()) and head.lower() not in _NOT_PERSON:
        # a role ("sailors", "workers"): a count of people in general or of a crew, not of other roles
        # ("three individuals" were sanctioned, not three workers)
        forms |= {f for w in _ROLE_PEOPLE for f in _plural_forms(w)}
    return sorted(forms, key=len, reverse=True)


_KO_COUNTERS = {c["words"][0]: c["korean_counters"] for c in entries("count_nouns", "classes")}


def korean_counter(head: str) -> str | None:
    """The Korean counters a count of `head` takes in a Korean sentence (cross-lingual answers): 명 for people,
    척 for ships …; None when the noun has no class (a bare "개" counts anything)."""
    nouns = set(count_nouns(head))
    return next((c for word, c in _KO_COUNTERS.items() if word in nouns), None)


def _count_slot(question: str) -> re.Pattern[str] | None:
    if m := _ASKED_KO.search(question):
        counter = m.group(1) or "일"
        return re.compile(rf"(?:{_KO_NUMBER}|{_KO_NATIVE}\s*){re.escape(counter)}")
    m = _HOW_MANY.search(question)
    if m is None:
        return None
    words = [w.strip("’'-.") for w in m.group(1).split()]
    # the head is the first plural noun ("South Korean sailors died …" -> sailors, "U.S. laws make up" -> laws)
    head = next(
        (
            w
            for w in words
            if w.isalpha()
            and (w.lower() in _IRREGULAR_PLURAL or (len(w) > 2 and w.endswith("s") and not w.endswith("ss")))
        ),
        "",
    )
    if not head:
        return None
    nouns = "|".join(re.escape(n) for n in count_nouns(head))
    counter = korean_counter(head)
    korean = rf"|{_KO_NUMBER}(?:{counter})" if counter else ""
    # a number, at most three words (modifiers: "24 oil tankers", "eight independent experts"), then the noun
    # or "of" and a determiner ("46 of her crew"); a Korean sentence answers with a counter ("1만 5천 명")
    return re.compile(
        rf"\b{_NUMBER}\+?[\s-]+(?:of\s+(?:the|her|his|its|their)\s+)?(?:(?!of\b)[\w’'-]+[\s-]+){{0,3}}?"
        rf"(?:{nouns})\b{korean}",
        re.IGNORECASE,
    )


# --- dates, years, percentages ---------------------------------------------------------------------------------
_MONTHS = f"(?:{alternation(MONTH_NAMES)})\\.?"
_ASKED_DATE = re.compile(
    r"\bon what (?:date|day)\b|\bwhat (?:is the |was the )?(?:exact )?date\b|\b(?:what|which) day\b"
    r"|몇\s*월\s*며칠|며칠(?!\s*(?:안에|이내|동안|만에|내에|까지|간))|날짜|날은\s*언제",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"\b{_MONTHS}\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}|\b\d{{4}}[.\-/]\s?\d{{1,2}}[.\-/]\s?\d{{1,2}}"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\d{1,2}\s*월\s*\d{1,2}\s*일|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday)\b",
    re.IGNORECASE,
)
_ASKED_YEAR = re.compile(r"\b(?:in )?(?:what|which) year\b|몇\s*년도|어느\s*해", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b|\d{4}\s*년")
_ASKED_PERCENT = re.compile(
    r"\bwhat (?:percentage|percent|proportion|fraction)\b|\bhow many percent\b"
    r"|몇\s*(?:퍼센트|%|프로)|비율은\s*(?:\S+\s+)?(?:얼마|몇)",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    r"\d[\d.,]*\s*(?:%|percent\b|per cent\b|퍼센트|프로)|\bhalf\b|\b(?:one|two|three)[- ](?:thirds?|"
    r"quarters?|fifths?)\b|\d+\s*분의\s*\d+|절반|과반",
    re.IGNORECASE,
)

# distance: "how far did the missile fly", "what range", "사거리는", "몇 km" -> "800 kilometres", "1,000km", "12해리"
_ASKED_DISTANCE = re.compile(
    r"\bhow far\b(?!\s+(?:back|ahead|in advance|along|into)\b)|\bwhat (?:distance|range)\b|\bhow (?:long|wide) (?:a |is the )?(?:range|"
    r"distance)\b|사거리|비행\s*거리|몇\s*(?:km|킬로미터|㎞|해리|마일)|거리는\s*(?:얼마|몇)",
    re.IGNORECASE,
)
_DISTANCE = re.compile(
    rf"{_NUMBER}\s*(?:-\s*)?(?:(?:km|kilomet(?:re|er)s?|(?:nautical )?miles?|metres?|meters?|m)"
    r"(?![A-Za-z])|킬로미터|㎞|해리|마일|미터)",
    re.IGNORECASE,
)

# --- numbered documents, penalties ------------------------------------------------------------------------------
_ASKED_DOCUMENT = re.compile(
    r"\b(?:which|what)\s+(?:(?!of\b)[\w.-]+\s+){0,2}?(?:executive orders?|resolutions?|public laws?|proclamations?)\b"
    r"|어느\s*(?:행정명령|결의)|몇\s*호",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"\b(?:Executive Orders?|E\.\s?O\.|EO|Resolutions?|UNSCRs?|Public Laws?|Pub\.\s?L\.|P\.\s?L\.|Proclamations?)"
    r"\s*(?:No\.\s*)?\(?\d{2,}|(?:행정명령|결의|제)\s*\d{2,}\s*호?",
    re.IGNORECASE,
)
_ASKED_PENALTY = re.compile(
    r"\bwhat (?:(?:is|was|are|were) the )?(?:\w+\s+){0,2}?(?:sentence|penalty|penalties|punishment|prison term|jail term)\b"
    r"(?!\s+of\s+the\s+(?:law|act))"
    r"|\bhow long (?:\w+\s+){0,6}(?:prison|jail|imprison\w*|sentenced)\b|형량|어떤\s*(?:처벌|형)|처벌은",
    re.IGNORECASE,
)
_PENALTY = re.compile(
    rf"\b{_NUMBER}[\s-]+(?:years?|months?)\b.{{0,40}}\b(?:prison|imprison\w*|jail|incarcerat\w*|sentence)"
    rf"|\b(?:prison|imprison\w*|jail|sentenced?)\b.{{0,40}}\b{_NUMBER}[\s-]+(?:years?|months?)\b"
    r"|\blife (?:imprisonment|in prison)\b|\bdeath penalty\b|\bfined\b|\b(?:fine|penalty) of\b"
    r"|징역|금고|벌금|과태료|사형|무기|" + _PENALTY_MONEY.pattern,  # an amount only as a fine ("a $5,000 fine")
    re.IGNORECASE,
)


def slot_filled(slot: Slot, sentence: str, label: str = "", passage: str = "") -> bool:
    """True when `sentence` states the slot's value; a numbered document may also be named by the passage label
    the answer shows ("EO 13382 Sec. 5: …"). A slot with a topic (an amount of a reward, of a budget) also needs
    the topic in the sentence, its passage or label: "$250 million a year" of revenue answers no reward question."""
    if not (slot.fills(sentence) or (slot.kind == "document" and bool(label) and slot.fills(label))):
        return False
    if other_years(slot.years, sentence):
        return False
    return slot.topic is None or bool(slot.topic.search(" ".join((sentence, passage, label))))


def asked_slot(question: str, kinds: frozenset[str] | None = None) -> Slot | None:
    """The value `question` asks for (see the module doc), or None when it asks for none the rules recognise.
    The most specific form wins: "the maximum fine / penalty" asks for an amount, any other penalty question for
    a prison term or a fine (before money), a date before a count ("몇 월 며칠"). `kinds`: only these kinds are
    recognised (None: all). The slot carries the years the question names (`years_of`; not for a question asking
    for a year or a numbered document, whose answer is itself a year or names one)."""
    slot = _asked_slot(question)
    if slot is None or (kinds is not None and slot.kind not in kinds):
        return None
    if slot.kind not in ("year", "document") and (years := years_of(question)):
        slot = replace(slot, years=years)
    return slot


_YEAR_NUMBER = re.compile(r"(?<![\d.,§-])(?<!§ )(?:19|20)\d\d(?!\d|,\d)")


def years_of(text: str) -> frozenset[str]:
    """The years (1900–2099) `text` names: "in 2024", "2024년", "FY2024" (not "§ 2019", "1,998", "20123")."""
    return frozenset(_YEAR_NUMBER.findall(text))


def other_years(asked: frozenset[str], sentence: str) -> bool:
    """True when the question is about `asked` years and `sentence` is dated, but only by other years: "2023년
    예산은 약 1조 1,000억원" states no budget of 2025, "14 March 2019" no date of February 2024. A sentence naming
    no year at all, or speaking of "this year" / "올해", may still be about the asked one (its passage or document
    gives the year)."""
    if not asked or _RELATIVE_YEAR.search(sentence):
        return False
    named = years_of(sentence)
    return bool(named) and not (named & asked)


# "so far this year", "올해": the sentence may be about the asked year while naming only another ("11 missiles so far
# this year, compared with some 40 in the whole of 2024")
_RELATIVE_YEAR = re.compile(
    r"\bthis (?:fiscal |calendar )?year\b|\bso far\b|\byear to date\b|올해|금년|올\s?들어", re.IGNORECASE
)


_ASKED_MAX_AMOUNT = re.compile(r"\b(?:largest|maximum|highest|max)\s+(?:\w+\s+)?(?:fine|penalty)\b", re.IGNORECASE)


def _asked_slot(question: str) -> Slot | None:
    if _ASKED_MAX_AMOUNT.search(question):  # "the maximum civil penalty": an amount, not a prison term
        return Slot("money", _MONEY)
    if _ASKED_PENALTY.search(question):
        return Slot("penalty", _PENALTY)
    if _ASKED_DATE.search(question):
        return Slot("date", _DATE)
    if _ASKED_YEAR.search(question):
        return Slot("year", _YEAR)
    if _ASKED_DISTANCE.search(question):
        return Slot("distance", _DISTANCE)
    if _ASKED_PERCENT.search(question):
        return Slot("percent", _PERCENT)
    if _ASKED_DOCUMENT.search(question):
        return Slot("document", _DOCUMENT)
    if (pattern := _count_slot(question)) is not None:
        return Slot("count", pattern)
    if m := _ASKED_MONEY.search(question):  # the topic from the asked noun ("how much money … for grants": none)
        return Slot(
            "money", _MONEY, None if _ASKS_PENALTY_MONEY.search(question) else _PENALTY_MONEY, _money_topic(m.group())
        )
    return None
