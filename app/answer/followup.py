"""Turn a chat follow-up into a standalone retrieval query (pure functions, no model).

"and for how long?" after "Which law allows sanctions deferral for humanitarian purposes?" becomes
"law allows sanctions deferral humanitarian purposes and for how long?": the previous question's content words
(itself rewritten first, so chains of follow-ups keep their topic) followed by the follow-up. A question is a
follow-up when it starts with a connective ("and", "what about", "그럼", "그리고"…), leans on a pronoun ("it",
"they", "that law", "그것", "이 법"…), or is very short. Standalone questions pass through unchanged.

A follow-up that names a new subject and asks nothing new ("What about workers?", "and refined petroleum?",
"그럼 재단은?") swaps the previous subject for its own: it carries only the previous question's *anchors* — the
names and numbers that pick the document ("resolution 2397", "EO 13382", "Otto Warmbier", "북한인권법",
"제10조") — so "What about workers?" after "What does resolution 2397 say about crude oil?" searches for
"resolution 2397 What about workers?", not for crude oil again. With no anchor it carries all content words.

An elliptical follow-up that asks about the previous answer's subject without naming anything ("And for how
long?", "Who decides?", "그 기간은?") also carries the content words of the previous answer's first sentence (the
quoted provision), so it searches the provision that answer came from rather than any passage stating a period.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.answer.vocabulary import alternation, words
from ingest.script import HANGUL_SYLLABLES, has_hangul, is_hangul

# Word lists: app/answer/data/followup.yaml (and the Korean question words of stopwords.yaml).
_LEADING_EN = re.compile(rf"^\s*(?:{alternation(words('followup', 'connectives_en'))})\b", re.IGNORECASE)
_PRONOUN_EN = re.compile(rf"\b(?:{alternation(words('followup', 'pronouns_en'))})\b", re.IGNORECASE)
_LEADING_KO = re.compile(rf"^\s*(?:{alternation(words('followup', 'connectives_ko'))})")
_PRONOUN_KO = re.compile(f"(?:{alternation(words('followup', 'pronouns_ko'))})")
_WORD = re.compile(rf"[A-Za-z0-9][A-Za-z0-9.'’§()-]*|[{HANGUL_SYLLABLES}]+")
# Function words dropped when carrying a previous question's topic into the follow-up.
_FUNCTION_EN = frozenset(words("followup", "function_words_en"))
_FUNCTION_KO_SUFFIX = re.compile(f"(?:{alternation(words('followup', 'particles_ko'))})$")
_FUNCTION_KO = frozenset(words("stopwords", "question_ko"))  # with an ending ("무엇인가요"), stripped first
_SHORT_WORDS = 4
_QUESTION_EN = re.compile(rf"\b(?:{alternation(words('followup', 'question_words_en'))})\b", re.IGNORECASE)
_QUESTION_KO = re.compile(alternation(words("stopwords", "question_ko") + words("followup", "question_endings_ko")))
_SWAP_LEAD_EN = re.compile(rf"^\s*(?:{alternation(words('followup', 'swap_leads_en'))})\b", re.IGNORECASE)
_NAME_SUFFIX_KO = re.compile(f"(?:{alternation(words('followup', 'name_suffixes_ko'))})$")


def is_followup(question: str) -> bool:
    """True when `question` depends on the conversation before it (connective, pronoun, or very short)."""
    q = question.strip()
    if not q:
        return False
    if _LEADING_EN.search(q) or _LEADING_KO.search(q):
        return True
    if _PRONOUN_EN.search(q) or _PRONOUN_KO.search(q):
        return True
    return len(_WORD.findall(q)) <= (2 if has_hangul(q) else _SHORT_WORDS)


def content_words(question: str) -> list[str]:
    """The question's topical words in order, without question/function words (English and Korean)."""
    out: list[str] = []
    for m in _WORD.finditer(question):
        w = m.group()
        if is_hangul(w[0]):
            if w in _FUNCTION_KO:
                continue
            stripped = _FUNCTION_KO_SUFFIX.sub("", w) if len(w) > 2 else w
            if stripped in _FUNCTION_KO:
                continue
            out.append(w)
        elif w.lower().strip(".") not in _FUNCTION_EN:
            out.append(w.rstrip("."))
    return out


def swaps_subject(question: str) -> bool:
    """True for a follow-up that only names a new subject ("What about workers?", "and refined petroleum?",
    "그럼 재단은?"): after its connective it has content words and no question word of its own."""
    rest = _SWAP_LEAD_EN.sub("", question.strip(), count=1)
    rest = _LEADING_KO.sub("", rest, count=1)
    if _QUESTION_EN.search(rest) or _QUESTION_KO.search(rest) or _PRONOUN_EN.search(rest) or _PRONOUN_KO.search(rest):
        return False
    return bool(content_words(rest))


_UNIT_ANCHOR = re.compile(
    rf"[{HANGUL_SYLLABLES}]+에\s*관한\s*(?:특별\s*)?법률|제\s*\d+\s*(?:조|장|절|항|호)(?:의\s*\d+)?|§+\s*\d+[\w()-]*"
    r"|\b(?:resolution|section|sec\.|article|order|EO|UNSCR|act|title|chapter|part|paragraph|para\.|Pub\.\s*L\.)"
    r"\s+(?:no\.\s*)?\d+[\w()-]*",
    re.IGNORECASE,
)


def anchors(query: str) -> list[str]:
    """The words of `query` that name what it is about rather than ask, in order: numbered units with their
    designator ("resolution 2397", "EO 13382", "§ 9214", "제10조"), "…에 관한 법률" law names, other words holding
    a digit, capitalised words (not the first word) and acronyms ("Otto", "Warmbier", "DPRK"), and Korean names of
    laws and agreements ("북한인권법")."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _UNIT_ANCHOR.finditer(query):
        found.append((m.start(), " ".join(m.group().split())))
        taken.append(m.span())
    content = set(content_words(query))
    for m in _WORD.finditer(query):
        if any(a <= m.start() < b for a, b in taken):
            continue
        w = m.group()
        bare = w.rstrip(".")
        if bare not in content and w not in content:
            continue
        if is_hangul(w[0]):
            stem = _FUNCTION_KO_SUFFIX.sub("", w) if len(w) > 2 else w
            if _NAME_SUFFIX_KO.search(stem):
                found.append((m.start(), stem))
        elif any(ch.isdigit() for ch in w) or (bare[:1].isupper() and (m.start() > 0 or bare.isupper())):
            found.append((m.start(), bare))  # the first word is capitalised anyway, unless an acronym
    return list(dict.fromkeys(w for _, w in sorted(found)))


_MARKER = re.compile(r"\[\d+\]|\[unsupported\]")
_PRONOUN_WORD = re.compile(r"^(?:그|이|저|그것|이것|해당)$")
ANSWER_WORDS = 12  # most words of the previous answer carried into an elliptical follow-up


def is_elliptical(question: str) -> bool:
    """True for a follow-up that names nothing of its own: at most one content word besides pronouns ("And for
    how long?", "Who decides?", "그 기간은?")."""
    words = [w for w in content_words(question) if not _PRONOUN_WORD.match(w) and not _PRONOUN_EN.fullmatch(w)]
    words = [w for w in words if not _LEADING_EN.fullmatch(w)]
    return len(words) <= 1


def answer_subject(answer: str, most: int = ANSWER_WORDS) -> list[str]:
    """Content words of an answer's first sentence (citation markers dropped), at most `most`."""
    text = _MARKER.sub(" ", answer or "").strip()
    first = re.split(r"(?<=[.!?。])\s+|\n", text, maxsplit=1)[0]
    return content_words(first)[:most]


def standalone_query(question: str, history: Sequence[tuple[str, str]] = (), *, swap: bool = True) -> str:
    """The retrieval query for `question` given earlier (user, assistant) turns; unchanged when standalone.
    `swap=False` carries the whole previous topic even into a follow-up that names a new subject (the behaviour
    before subject swaps; `policyqa eval followups` compares the two)."""
    question = question.strip()
    if not history or not is_followup(question):
        return question
    previous = standalone_query(history[-1][0], history[:-1], swap=swap)
    seen = {w.lower() for w in _WORD.findall(question)}
    swapped = swaps_subject(question)
    topic = (anchors(previous) if swap and swapped else []) or content_words(previous)
    if is_elliptical(question) and not swapped:
        topic = topic + answer_subject(history[-1][1])
    carried = [w for w in topic if w.lower() not in seen]
    if not carried:
        return question
    return " ".join(dict.fromkeys(carried)) + " " + question
