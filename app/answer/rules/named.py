"""The document a question names ("According to the State Department briefing, …", "광복절 경축사에서 제안된 …"),
found by the words of the indexed documents' names (pure functions).

A researcher who names a source wants that source's answer, not the same topic in another document: "how many
containers, according to the State Department spokesperson?" is answered by the briefing (10,000), not by the
interview (13,000); "how many members, in the Liberation Day address?" is not answered by a statute's committee
of 20. A document's name is its title, its aliases and its file name
("state-department-press-briefing-2024-03-28.txt").
A document is named by a word of its kind ("the interview", "경축사") or by two words of its name standing
together ("State Department"), each in no other document's name and no other retrieved passage (see
`named_documents`); words in the names of several documents ("North Korea", "Act", "법률") or in the other
retrieved passages ("panel", "sanctions") name none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from app.answer.vocabulary import alternation, words
from index.retrieval.routing import document_name

_YEAR = re.compile(r"(?:19|20)\d\d")
# Words that say what kind of document a source is (as the tokenizers give them: English stems, Korean nouns).
_SOURCE_KIND = re.compile(alternation(words("source_kinds", "kinds")))  # app/answer/data/source_kinds.yaml


def named_documents(
    question_tokens: Sequence[str], names: Mapping[str, set[str]], retrieved: Mapping[str, set[str]]
) -> set[str]:
    """The id of the retrieved document the question names (a set of one, or empty). `question_tokens`: in
    question order; `names`: every indexed document → its name's tokens; `retrieved`: each retrieved document →
    the tokens of its retrieved passages. A question token is a naming word of document D when it is in D's name
    and no other document's, is not a year (file names carry dates), and occurs in no retrieved passage of another
    document (a word the passages share — "panel", "sanctions" — tells no source apart). D is named when a naming
    word says what kind of document it is ("the interview", "경축사", `_SOURCE_KIND`), or when two naming words
    stand together in the question, with only other words of D's name between ("State Department", "Pacific
    Policy Forum"): "North … Russia" scattered through a question are its topic, not a source. Empty when no
    document or more than one is named."""
    tokens = list(question_tokens)
    naming: dict[int, str] = {}  # position in the question → the document its token names
    for i, token in enumerate(tokens):
        holders = [doc for doc, toks in names.items() if token in toks]
        if len(holders) != 1 or _YEAR.fullmatch(token):
            continue
        doc = holders[0]
        if doc in retrieved and not any(token in toks for other, toks in retrieved.items() if other != doc):
            naming[i] = doc
    named = {doc for i, doc in naming.items() if _SOURCE_KIND.fullmatch(tokens[i])}
    for i, doc in naming.items():
        j = i + 1
        while j < len(tokens) and tokens[j] in names[doc] and naming.get(j) in (None, doc):
            if naming.get(j) == doc:
                named.add(doc)
                break
            j += 1
    return named if len(named) == 1 else set()


def index_names(documents: Iterable[object], tokenize: Callable[[str], list[str]]) -> dict[str, set[str]]:
    """doc_id → tokens of its name, for `Index.documents()` records (anything with doc_id, title, source and
    optionally aliases)."""
    return {
        d.doc_id: set(tokenize(document_name(d.title, d.source, getattr(d, "aliases", None) or ())))  # type: ignore[attr-defined]
        for d in documents
    }
