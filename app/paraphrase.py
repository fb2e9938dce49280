"""Paraphrase groups of policy language for lexical matching in the answer engine (pure functions).

Questions rarely use the words of the provision they ask about: "When did the treaty take effect?" is answered by
"… entered into force on December 4, 2024", "How often must the minister report?" by "… shall report annually",
"an interim report" by "a midterm report". Stemming does not join these. Each group below names one meaning and
the phrases (English and Korean) that say it; matching then works on the meaning:

- `canonical_question(q)` replaces each phrase of a group in the question by the group's token (so "come into
  force" counts as one matched idea, not three words of which two are missing);
- `with_meanings(text)` appends the tokens of the groups a sentence or passage states (its own words stay).

The token is an ASCII pseudo-word (`zzeffective`), kept by both tokenizers (a Korean text's Latin words are
tokenized as English), so a Korean sentence with "시행" also matches an English question saying "take effect".
Only phrases that mean the same in legal and policy texts are grouped: "end", "return" or "sanction" say too many
things to stand for "expire", "repatriate" or "designate", and a waiver (a government's) is not an exemption (the
Security Council committee's).
"""

from __future__ import annotations

import re

_GROUPS: dict[str, str] = {
    "effective": r"\b(?:takes?|took|taken|taking) effect\b|\b(?:enter|enters|entered|entering|come|comes|came|coming)"
                 r" into (?:force|effect)\b|\bentry into (?:force|effect)\b|\beffective\b|\bin force\b|시행(?!령|규칙)|발효",
    "expire": r"\b(?:expir(?:e|es|ed|ing|y|ation)|laps(?:e|es|ed|ing)|sunsets?)\b|만료|소멸",
    "interim": r"\b(?:interim|midterm|mid-term)\b|중간보고",
    "annual": r"\b(?:annual(?:ly)?|yearly|per year|a year|each year|every year|per annum|(?:twelve|12)[- ]month)\b"
              r"|매년|연간|해마다",
    "ceiling": r"\b(?:ceilings?|caps?|capped|upper limits?|limits?|maximum|up to|not to exceed|no more than|"
               r"not more than|at most)\b|상한|한도|최대",
    "prohibit": r"\b(?:prohibit(?:s|ed|ing|ion|ions)?|ban|bans|banned|banning|forbid(?:s|den|ding)?)\b|금지",
    "repatriate": r"\b(?:repatriat(?:e|es|ed|ing|ion)|sen[dt](?:ing|s)? (?:\w+ )?home|return(?:ed|ing|s)? home)\b|송환",
    "pledge": r"\b(?:promis(?:e|es|ed|ing)|pledg(?:e|es|ed|ing)|commit(?:s|ted|ting|ment|ments)?|agree(?:s|d)? to)\b"
              r"|약속|공약",
    "penalty": r"\b(?:penalt(?:y|ies)|punish(?:es|ed|ing|ment|ments|able)?|imprison(?:ed|ment)?|prison terms?|jail)\b"
               r"|처벌|형량|징역|벌금|과태료",
    "chair": r"\b(?:chair(?:man|woman|person|s)?|presid(?:e|es|ed|ing) over)\b|위원장|의장",
    "operate": r"\b(?:operat(?:e|es|ed|ing|ion|ional|ionalize|ionalized)|up and running|running|in operation)\b"
               r"|운영|가동",
    "deadline": r"\b(?:deadlines?|no later than|time limits?)\b|시한|기한",
    "establish": r"\b(?:establish(?:es|ed|ing|ment)?|set(?:s|ting)? up|creat(?:e|es|ed|ing|ion))\b|설치|설립|신설",
    "repeal": r"\b(?:repeal(?:s|ed|ing)?|abolish(?:es|ed|ing)?|rescind(?:s|ed|ing)?|revok(?:e|es|ed|ing))\b|폐지",
    "worker": r"\b(?:workers?|labou?r(?:er|ers)?)\b|노동자|근로자",
}
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("zz" + name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _GROUPS.items()
]


def meanings(text: str) -> list[str]:
    """The tokens of the paraphrase groups `text` states, in group order."""
    return [token for token, pattern in _PATTERNS if pattern.search(text)]


def with_meanings(text: str) -> str:
    """`text` followed by the tokens of the groups it states (its own words are kept)."""
    found = meanings(text)
    return f"{text} {' '.join(found)}" if found else text


def canonical_question(question: str) -> str:
    """The question with each phrase of a group replaced by the group's token."""
    for token, pattern in _PATTERNS:
        question = pattern.sub(f" {token} ", question)
    return question
