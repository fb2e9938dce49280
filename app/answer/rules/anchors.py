"""Question anchors: the specific names and numbers a question is about ("Japan", "Resolution 2397", "2023",
"World Food Programme", "IEEPA"), which the passage an answer quotes must mention (pure functions).

A policy corpus answers many near-miss questions with a fluent but wrong quote: "What did Japan impose on North
Korean ships?" retrieves the U.S. port sanctions, "How many defectors arrived in 2023?" retrieves a count from
2003. Sentence scores cannot tell these apart (most words match); the missing anchor can. Anchors are
- capitalised words that do not start the question (proper names: Japan, Panel, Experts, Kim …),
- acronyms (IEEPA, UN, EU, U.S.), found either literally or as the initials of capitalised words in the context
  ("International Emergency Economic Powers Act", "United Nations"),
- numbers of three or more digits (years, resolution and order numbers; "2024년도" gives 2024).
Small section numbers ("Section 2") and common words are not anchors. Matching is case-insensitive on the
passage text plus its title, label and date, so "EO 13810" matches a passage labelled "EO 13810 Sec. 2".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.answer.vocabulary import words
from ingest.script import mostly_hangul

_NUMBER = re.compile(r"(?<![\d.,])\d{3,}(?![\d])")
_WORD = re.compile(r"[A-Za-z][A-Za-z.’'-]*")
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z]{2,6}s?$")
_CONNECTORS = r"(?:of|and|the|for|on|in|to|de|&)"
# Capitalised words that only shape a question or are generic in any policy text.
_GENERIC = frozenset(words("anchors", "generic_words"))  # app/answer/data/anchors.yaml


def question_anchors(question: str) -> list[str]:
    """The anchors of `question` in order (deduplicated): proper-name words, acronyms and long numbers."""
    out: list[str] = []
    words = list(_WORD.finditer(question))
    for i, m in enumerate(words):
        w = m.group().rstrip(".’'-") if not _ACRONYM.match(m.group().rstrip("’'")) else m.group().rstrip("’'")
        w = re.sub(r"[’']s$", "", w)
        if not w or not w[0].isupper() or w.lower() in _GENERIC:
            continue
        first = i == 0 or question[: m.start()].rstrip().endswith((".", "?", "!", ":", ";", "\n"))
        if first and not _ACRONYM.match(w):
            continue
        out.append(w)
    out += _NUMBER.findall(question)
    return list({a.lower(): a for a in reversed(out)}.values())[::-1]


def _acronym_pattern(acronym: str) -> re.Pattern[str]:
    letters = [c for c in acronym if c.isalpha()]
    if letters and letters[-1] == "s" and len(letters) > 2:
        letters = letters[:-1]  # "NGOs"
    parts = [rf"{c.upper()}[\w’'-]*" for c in letters]
    return re.compile(r"\b" + rf"(?:\s+{_CONNECTORS})*\s+".join(parts))


def _forms(anchor: str) -> list[str]:
    """The anchor and its bare forms: "Russian" → "Russia", "Chinese" → "Chin(a)", "Experts" → "Expert"."""
    a = anchor.lower()
    forms = [a]
    if len(a) > 5 and a.endswith("ese"):
        forms.append(a[:-3])
    elif len(a) > 5 and a.endswith("n"):
        forms.append(a[:-1])
    if len(a) > 4 and a.endswith("s"):
        forms.append(a[:-1])
    return forms


def anchor_found(anchor: str, context: str) -> bool:
    """True when `anchor` occurs in `context` (case-insensitive, hyphens as spaces), or, for an acronym, its
    expansion does ("IEEPA" ← "International Emergency Economic Powers [Act]")."""
    low = context.lower().replace("-", " ")
    if any(f.replace("-", " ") in low for f in _forms(anchor)):
        return True
    if _ACRONYM.match(anchor):
        plain = anchor.replace(".", "")
        if plain.lower() in low.replace(".", ""):
            return True
        if _acronym_pattern(plain).search(context):
            return True
        # a trailing "Act"/"Agreement"/"Order" is often left out of the name the text uses
        return len(plain) >= 4 and bool(_acronym_pattern(plain[:-1]).search(context))
    return False


def missing_anchors(anchors: Iterable[str], contexts: Iterable[str]) -> list[str]:
    """The anchors that none of `contexts` mentions. A Korean context cannot confirm or deny an English name
    (cross-lingual answers), so when one is among `contexts` only the numbers must be found."""
    contexts = list(contexts)
    joined = "\n".join(contexts)
    korean = any(mostly_hangul(c) for c in contexts)
    return [a for a in anchors if not anchor_found(a, joined) and (a.isdigit() or not korean)]


def passage_context(passage) -> str:
    """What an anchor may be found in: a passage's text, title, label, section and date."""
    return " ".join(
        x for x in (passage.text, passage.title, passage.label, passage.section or "", passage.date or "") if x
    )


def document_anchors(question: str) -> list[str]:
    """The number anchors of a question (order, resolution and section numbers, years): a question naming two
    of them ("When did EO 13570 and EO 13810 each come into force?") is about two documents."""
    return [a for a in question_anchors(question) if a.isdigit()]
