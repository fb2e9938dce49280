"""Question types and the answer shapes they prefer (pure functions).

`question_type("How long can sanctions be deferred?")` -> "duration"; `answer_shape_score("duration", sentence)`
-> 1.0 when the sentence states a duration ("one month to one year", "3개월 이내"), else 0.0. The extractive
answerer adds this as a bonus so a "how long" question prefers the sentence that actually gives a period.
"""

from __future__ import annotations

import re
from typing import Literal

from app.answer.rules.slots import Slot
from app.answer.vocabulary import alternation, words
from ingest.dates import MONTH_NAMES

QuestionType = Literal[
    "duration", "date", "quantity", "person", "section", "permission", "definition", "reason", "place", "other"
]

# Word lists: app/answer/data/answer_shapes.yaml.
_NUM_WORD = rf"(?:\d+(?:[.,]\d+)*|{alternation(words('answer_shapes', 'duration_numbers'))})"
_DURATION = re.compile(
    rf"\b{_NUM_WORD}[\s-]+(?:calendar\s+|business\s+|consecutive\s+)?(?:day|week|month|year|hour|minute|decade)s?\b"
    rf"|\bperiod of\b|\bnot (?:later|more) than\b|\bwithin\s+(?:the\s+)?(?:\d|{_NUM_WORD}\b)|\buntil\b|\bexpire|\bterminat"
    r"|\d+\s*(?:일|개월|년|주|시간|월)\s*(?:이내|이상|동안|간|까지|전|후|마다|以內)?|기간|이내|까지",
    re.IGNORECASE,
)
_MONTHS = rf"(?:{alternation(MONTH_NAMES)})\.?"
_DATE = re.compile(
    rf"\b{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\b\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\b{_MONTHS}\s+\d{{4}}"
    r"|\b(?:1[89]|20)\d{2}\b|\d{4}[.\-/]\s?\d{1,2}[.\-/]\s?\d{1,2}|\d{4}년|\d{1,2}월\s*\d{1,2}일"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\beffective\b|\bdate\b|시행|공포",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    rf"\b\d[\d,.]*\b|\b(?:{alternation(words('answer_shapes', 'quantity_words'))})\b|%|"
    r"\d+\s*(?:명|개|원|인|건|회|곳|퍼센트|년|개월|일|주|시간|세|배|차례|분의)|[일이삼사오육칠팔구십백천만]+\s*명",
    re.IGNORECASE,
)
_PERSON = re.compile(
    rf"\b(?:{alternation(words('answer_shapes', 'person_titles_en'))})s?\b"
    rf"|{alternation(words('answer_shapes', 'person_bodies_ko'))}"
    r"|\b[A-Z][a-z]+ [A-Z][a-z]+(?: [A-Z][a-z]+)?\b",
)
_PERMISSION = re.compile(
    r"\b(?:may|shall|must|authori[sz]ed|prohibit\w*|permit\w*|allow\w*|required|exempt\w*|waive\w*)\b"
    r"|할 수 있다|하여야 한다|해야 한다|아니 된다|금지|허가|승인",
    re.IGNORECASE,
)
_DEFINITION = re.compile(r"\bmeans\b|\brefers? to\b|\bthe term\b|\bdefined\b|이란|란\s|말한다|정의", re.IGNORECASE)
_REASON = re.compile(r"\bbecause\b|\bin order to\b|\bpurpose\b|\bso that\b|\bdue to\b|목적|위하여|때문", re.IGNORECASE)
_PLACE = re.compile(
    rf"\b(?:in|at)\s+[A-Z][a-z]+|\b(?:{alternation(words('answer_shapes', 'places_en'))})\b"
    rf"|{alternation(words('answer_shapes', 'places_ko'))}",
    re.IGNORECASE,
)

_SHAPES: dict[str, re.Pattern[str]] = {
    "duration": _DURATION,
    "date": _DATE,
    "quantity": _QUANTITY,
    "person": _PERSON,
    "permission": _PERMISSION,
    "definition": _DEFINITION,
    "reason": _REASON,
    "place": _PLACE,
}

# Order matters: the first matching rule wins ("how long" before "how", "which section" before "which").
_RULES: list[tuple[QuestionType, re.Pattern[str]]] = [
    (
        "section",
        re.compile(
            r"\b(?:which|what)\s+(?:(?!(?:do|does|did|is|are|was|were|can|could|may|must|shall|should|will|would)\b)[\w.-]+\s+){0,2}?(?:section|article|provision|subsection|paragraph|clause|law|statute|executive order|order)\b"
            r"|\bunder what (?:section|authority|law)\b|\bwhere (?:in the law|is it (?:stated|provided))\b"
            r"|어느\s*(?:조|조항|법|법률|규정)|몇\s*조|무슨\s*(?:조|법)|어떤\s*(?:조항|법률|규정)|근거\s*조항",
            re.IGNORECASE,
        ),
    ),
    (
        "duration",
        re.compile(
            r"\bhow long\b|\bfor how many (?:days|months|years|weeks)\b|\bwhat (?:is the )?(?:period|duration|term)\b"
            r"|\bhow many (?:days|months|years|weeks)\b|\bdeadline\b|\bwithin what\b"
            r"|얼마\s*동안|얼마나\s*오래|기간|몇\s*(?:일|개월|년|주)\s*(?:이내|동안|안에)?|언제까지|기한",
            re.IGNORECASE,
        ),
    ),
    # "when" asks for a date as the question word ("When did …", "…, and when was …"), not as a conjunction
    # ("How many sailors died when the Cheonan was sunk?", "… point to when he declared …").
    (
        "date",
        re.compile(
            r"^\W*(?:and\s+)?when\b|\bwhen (?:did|does|do|is|was|were|will|would|can|could|should|must|may|has|have|had|are)\b|\bwhat (?:date|year|day|month)\b|\bin which year\b|언제|몇\s*년도|날짜|시행일|공포일",
            re.IGNORECASE,
        ),
    ),
    (
        "quantity",
        re.compile(
            r"\bhow (?:many|much)\b|\bwhat (?:number|amount|percentage|share)\b|몇|얼마|금액|인원|수는", re.IGNORECASE
        ),
    ),
    (
        "person",
        re.compile(
            r"\bwho\b|\bwhom\b|\bwhose\b|\bwhich (?:official|agency|person|minister|body|organization)\b|누가|누구|어느 기관|주체",
            re.IGNORECASE,
        ),
    ),
    (
        "definition",
        re.compile(
            r"\bwhat (?:is|are|does)\b.*\b(?:mean|defined|definition)\b|\bdefin|\bmeaning of\b|\bwhat is meant\b|뜻|정의|이란\s*무엇|란\s*무엇",
            re.IGNORECASE,
        ),
    ),
    # "Which ports must the report address?" asks for things of a kind (no sentence shape), not whether one must
    (
        "other",
        re.compile(
            r"^\W*(?:which|what)\s+(?!(?:do|does|did|is|are|was|were|must|may|can|shall)\b)\w+"
            r"(?:\s+\w+)?\s+(?:must|may|can|shall)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "permission",
        re.compile(
            r"\b(?:may|can|must|shall)\b.*\?|\bis (?:it )?(?:allowed|permitted|prohibited|required)\b|\bwhat may\b|할 수 있|해야 하|하여야|금지|허가",
            re.IGNORECASE,
        ),
    ),
    (
        "reason",
        re.compile(r"\bwhy\b|\bfor what purpose\b|\bwhat is the purpose\b|\breason\b|왜|목적|이유", re.IGNORECASE),
    ),
    ("place", re.compile(r"\bwhere\b|어디", re.IGNORECASE)),
]


def question_type(question: str) -> QuestionType:
    """The expected answer type of a question (English or Korean); "other" when no rule applies."""
    for qtype, pattern in _RULES:
        if pattern.search(question):
            return qtype
    return "other"


# Numbers that do not count anything: item markers ("(1)", "2.", "①"), references to other provisions ("section
# 7843", "§ 1702(b)", "제8조의2제4항", "Executive Order 13466", "UNSCR 2270", "Public Law 114-122"), years and dates.
_NOT_A_COUNT = re.compile(
    r"^\s*(?:\(\w{1,4}\)|\d{1,3}(?:의\d+)?\\?\.|\*\*[" + "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳" + r"]\*\*|[①-⑳])\s*"
    r"|\b(?:sections?|subsections?|paragraphs?|subparagraphs?|clauses?|titles?|chapters?|subchapters?|parts?|§+"
    r"|(?:\d+\s+)?U\.S\.C\.|(?:\d+\s+)?C\.F\.R\.|Executive Orders?|EO|UNSCRs?|Resolutions?|Public Law|Proclamation|Stat\.|FR)\s*[\d(][\w().\-/]*"
    r"(?:\s*(?:,|and|or|through)\s*[\d(][\w().\-/]*)*"
    r"|(?:제\d+(?:조|항|호|장|절|관|목)(?:의\d+)?)+|\(\w{1,4}\)"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\b(?:1[89]|20)\d{{2}}\b|\d{{4}}[.\-/]\s?\d{{1,2}}[.\-/]\s?\d{{1,2}}\.?|\d{{4}}년",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"\d|\b(?:{alternation(words('answer_shapes', 'count_words'))})\b|"
    r"(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(?:명|번|차례|개|곳|해|가지)",
    re.IGNORECASE,
)


def states_number(sentence: str) -> bool:
    """True when `sentence` states a number that can answer "how many / how much" — not only item markers,
    references to other provisions, years or dates ("(1) The number of aliens who applied …" states none)."""
    return bool(_COUNT.search(_NOT_A_COUNT.sub(" ", sentence)))


def answer_shape_score(
    qtype: QuestionType, sentence: str, slot: Slot | None = None, filled: bool | None = None
) -> float:
    """1.0 when `sentence` has the shape the question type asks for (a duration for "how long"…), else 0.0.
    With `slot` (`app.answer.rules.slots.asked_slot` of the question), 1.0 only when the sentence fills it ("25명" for "몇 명";
    `filled` when the caller already knows, e.g. from the passage label), 0.5 when it has only the generic shape.
    "section" and "other" questions have no sentence shape (the section answer is the passage's label)."""
    if slot is not None and (slot.fills(sentence) if filled is None else filled):
        return 1.0
    pattern = _SHAPES.get(qtype)
    if pattern is None:
        return 0.0
    generic = 1.0 if pattern.search(sentence) else 0.0
    return generic / 2 if slot is not None else generic


_MULTI_PART = re.compile(
    r"(?:,\s*and|;)\s*(?:(?:on|in|at|by|for|from|under|to|with)\s+)?(?:what|which|who|whom|how|when|where|why|is|are|was|"
    r"were|does|do|did|can|may|must)\b"
    r"|\band\s+(?:what|which|who|how|when|where|why)\b|\bcompare[sd]?\b|\bcomparison\b|\bdiffer(?:s|ent|ence)?\b"
    r"|\bboth\b|[?？].+[?？]|비교|차이|각각|그리고|또한|,\s*(?:무엇|어떤|누가|언제|얼마)",
    re.IGNORECASE,
)


def is_multi_part(question: str) -> bool:
    """True when the question asks two things at once ("…, and which …", "How does X compare with Y", "both",
    two question marks): its answer may need quotes from more than one document."""
    return bool(_MULTI_PART.search(question))
