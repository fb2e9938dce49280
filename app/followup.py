"""Turn a chat follow-up into a standalone retrieval query (pure functions, no model).

"and for how long?" after "Which law allows sanctions deferral for humanitarian purposes?" becomes
"law allows sanctions deferral humanitarian purposes and for how long?": the previous question's content words
(itself rewritten first, so chains of follow-ups keep their topic) followed by the follow-up. A question is a
follow-up when it starts with a connective ("and", "what about", "그럼", "그리고"…), leans on a pronoun ("it",
"they", "that law", "그것", "이 법"…), or is very short. Standalone questions pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_LEADING_EN = re.compile(
    r"^\s*(?:and|but|also|then|so|or|what about|how about|what if|and what about|in that case|same for|"
    r"what else|anything else|why is that|why not)\b",
    re.IGNORECASE,
)
_PRONOUN_EN = re.compile(
    r"\b(?:it|its|it's|they|them|their|theirs|this|that|these|those|he|she|him|her|his|there|such|the same|"
    r"the former|the latter|above|said)\b",
    re.IGNORECASE,
)
_LEADING_KO = re.compile(r"^\s*(?:그럼|그러면|그리고|그런데|그래서|또|또한|그밖에|그 밖에|그렇다면|이어서|아울러)")
_PRONOUN_KO = re.compile(r"(?:그것|그거|그건|그게|이것|이거|이건|저것|그\s+(?:법|조항|기간|기관|경우|사람|돈|기금)|이\s+(?:법|조항|경우)|해당\s+(?:법|조항)|그들|거기)")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.'’§()-]*|[\uac00-\ud7a3]+")
# Function words dropped when carrying a previous question's topic into the follow-up.
_FUNCTION_EN = frozenset(
    """a an the and or but of to in on at by for with from into about as is are was were be been being do does did
    what which who whom whose when where why how long many much can could may might must shall should will would
    has have had it its this that these those there their they them i we you me my our your please tell say
    under according any all some""".split()
)
_FUNCTION_KO_SUFFIX = re.compile(r"(?:은|는|이|가|을|를|의|에|에서|으로|로|와|과|도|만|까지|부터|인가요|나요|입니까|습니까|합니까|인가|요)$")
_FUNCTION_KO = frozenset("무엇 무엇인가요 무엇입니까 무슨 어떤 어느 누구 누가 언제 어디 얼마 얼마나 몇 왜 어떻게".split())
_SHORT_WORDS = 4


def is_followup(question: str) -> bool:
    """True when `question` depends on the conversation before it (connective, pronoun, or very short)."""
    q = question.strip()
    if not q:
        return False
    if _LEADING_EN.search(q) or _LEADING_KO.search(q):
        return True
    if _PRONOUN_EN.search(q) or _PRONOUN_KO.search(q):
        return True
    return len(_WORD.findall(q)) <= (2 if re.search(r"[\uac00-\ud7a3]", q) else _SHORT_WORDS)


def content_words(question: str) -> list[str]:
    """The question's topical words in order, without question/function words (English and Korean)."""
    out: list[str] = []
    for m in _WORD.finditer(question):
        w = m.group()
        if re.match(r"[\uac00-\ud7a3]", w):
            if w in _FUNCTION_KO:
                continue
            stripped = _FUNCTION_KO_SUFFIX.sub("", w) if len(w) > 2 else w
            if stripped in _FUNCTION_KO:
                continue
            out.append(w)
        elif w.lower().strip(".") not in _FUNCTION_EN:
            out.append(w.rstrip("."))
    return out


def standalone_query(question: str, history: Sequence[tuple[str, str]] = ()) -> str:
    """The retrieval query for `question` given earlier (user, assistant) turns; unchanged when standalone."""
    question = question.strip()
    if not history or not is_followup(question):
        return question
    previous = standalone_query(history[-1][0], history[:-1])
    seen = {w.lower() for w in _WORD.findall(question)}
    carried = [w for w in content_words(previous) if w.lower() not in seen]
    if not carried:
        return question
    return " ".join(dict.fromkeys(carried)) + " " + question
