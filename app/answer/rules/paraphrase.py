"""Paraphrase groups of policy language for lexical matching in the answer engine (pure functions).

Questions rarely use the words of the provision they ask about: "When did the treaty take effect?" is answered by
"… entered into force on December 4, 2024", "How often must the minister report?" by "… shall report annually",
"an interim report" by "a midterm report". Stemming does not join these. Each group below names one meaning and
the phrases (English and Korean) that say it (`app/answer/data/paraphrase.yaml`, and the English–Korean
glossary `app/answer/data/glossary.yaml`); matching then works on the meaning:

- `canonical_question(q)` replaces each phrase of a group in the question by the group's token (so "come into
  force" counts as one matched idea, not three words of which two are missing);
- `with_meanings(text)` appends the tokens of the groups a sentence or passage states (its own words stay);
- `expanded_query(q)` adds to the answer engine's retrieval query the words documents use for a few of its
  meanings ("come into force" → "effective"), since lexical retrieval matches words (the `search` API is not expanded).

The token is an ASCII pseudo-word (`zzeffective`), kept by both tokenizers (a Korean text's Latin words are
tokenized as English), so a Korean sentence with "시행" also matches an English question saying "take effect".
Only phrases that mean the same in legal and policy texts are grouped: "end", "return" or "sanction" say too many
things to stand for "expire", "repatriate" or "designate", and a waiver (a government's) is not an exemption (the
Security Council committee's).
"""

from __future__ import annotations

import re

from app.answer.vocabulary import glossary, paraphrase_groups
from ingest.script import HANGUL as _HANGUL

_GROUPS = paraphrase_groups()  # app/answer/data/paraphrase.yaml
# The same idea across languages: an English question about a Korean statute ("Which article requires a yearly
# report to the National Assembly?") shares no word with "매년 … 국회 … 보고하여야 한다". A glossary of the terms
# of inter-Korean and sanctions law gives both sides one token (dictionary-based cross-language matching).
_GLOSSARY = glossary()  # app/answer/data/glossary.yaml
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("zz" + m.name, re.compile(m.pattern, re.IGNORECASE)) for m in (*_GROUPS, *_GLOSSARY)
]
_GLOSSARY_TOKENS = frozenset("zz" + m.name for m in _GLOSSARY)


def meanings(text: str) -> list[str]:
    """The tokens of the paraphrase groups `text` states, in group order."""
    return [token for token, pattern in _PATTERNS if pattern.search(text)]


def with_meanings(text: str) -> str:
    """`text` followed by the tokens of the groups it states (its own words are kept)."""
    found = meanings(text)
    return f"{text} {' '.join(found)}" if found else text


def canonical_question(question: str) -> str:
    """The question with each phrase of a group replaced by the group's token. The cross-language glossary serves
    English questions only: a Korean question shares its own words with Korean sentences (cut out of
    "남북협력기금은", its morphemes would be lost; measured: worse)."""
    korean = bool(_HANGUL.search(question))
    for token, pattern in _PATTERNS:
        if not (korean and token in _GLOSSARY_TOKENS):
            question = pattern.sub(f" {token} ", question)
    return question


# The words a document uses for a group's meaning, added to a retrieval query that says it otherwise ("come into
# force" → "effective"): lexical retrieval matches words, not meanings.
_EXPANSIONS: dict[str, str] = {"zz" + m.name: " ".join(m.expansion) for m in _GROUPS if m.expansion}


def expanded_query(question: str) -> str:
    """`question` with the other words its paraphrase groups are said with (`_EXPANSIONS`), for retrieval; English
    questions only (a Korean question's words are matched by their morphemes)."""
    if _HANGUL.search(question):
        return question
    extra = [
        w
        for t in meanings(question)
        if t in _EXPANSIONS
        for w in _EXPANSIONS[t].split()
        if not re.search(rf"\b{w}", question, re.IGNORECASE)
    ]
    return f"{question} {' '.join(dict.fromkeys(extra))}" if extra else question


def is_meaning_token(token: str) -> bool:
    """True for a paraphrase group's token as a tokenizer returns it ("zzeffective" stems to "zzeffect")."""
    return token.startswith("zz")
