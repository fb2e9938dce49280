"""The Ask tab's first screen, as pure functions of the library: what it holds (documents by type and language,
the date range) and a few example questions made from its own documents (a titled section of a document becomes
"What does <document> say about <section>?", in the document's language)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from app.services import ServiceError, Services
from app.web.markup import clean
from index.types import DocumentInfo, Passage

LANGUAGE_NAMES = {"en": "English", "ko": "Korean"}
TYPE_NAMES = {
    "law": ("law", "laws"),
    "executive_order": ("executive order", "executive orders"),
    "transcript": ("transcript", "transcripts"),
    "article": ("article", "articles"),
    "other": ("other document", "other documents"),
}
# a section heading's numbering: "Sec. 5.", "§ 9214(b)", "제11조", "Article 3", "(a)", "1."
_NUMBERING = re.compile(
    r"^\s*(?:(?:sec(?:tion)?\.?|§+|article|art\.|chapter|part|title)\s*[\w.()\-]*|제\s*\d+\s*[조장절항]\S*|"
    r"\(?[\divxlcIVXLC]+[.)]|\([a-z]\))\s*[.:—-]?\s*",
    re.IGNORECASE,
)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _count(n: int, kind: str) -> str:
    one, many = TYPE_NAMES.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
    return f"{n} {one if n == 1 else many}"


def library_summary(docs: Sequence[DocumentInfo]) -> str:
    """One short paragraph of Markdown: how many documents of each type and language, and the dates they span."""
    if not docs:
        return "The library is empty: add documents in the **Library** tab."
    types = Counter(d.doc_type for d in docs)
    langs = Counter(d.language for d in docs)
    dates = sorted(d.date for d in docs if d.date)
    parts = [
        f"**The library holds {len(docs)} document{'s' * (len(docs) != 1)}**: "
        + ", ".join(_count(n, t) for t, n in types.most_common())
        + ".",
        "In " + ", ".join(f"{LANGUAGE_NAMES.get(lang, lang)} ({n})" for lang, n in langs.most_common()) + ".",
    ]
    if dates:
        parts.append(f"Dated {dates[0]} to {dates[-1]}." if dates[0] != dates[-1] else f"Dated {dates[0]}.")
    return " ".join(parts)


def topic(section: str | None) -> str | None:
    """A section heading without its numbering, when words are left ("Sec. 5. Designation of persons" ->
    "designation of persons"); None for a bare number or an overly long heading."""
    if not section:
        return None
    text = clean(section)
    text = _NUMBERING.sub("", text, count=1).strip(" .:—-()")
    words = text.split()
    if not (1 <= len(words) <= 8) or not re.search(r"[^\W\d_]{3,}|[\uac00-\ud7a3]{2,}", text):
        return None
    return text if _HANGUL.search(text) else text[0].lower() + text[1:] if not text[:2].isupper() else text


def short_name(title: str, limit: int = 50) -> str:
    """The title before any parenthesis or subtitle, cut at a word within `limit` characters."""
    name = re.split(r" \(|: | — | - ", clean(title))[0].strip()
    if len(name) <= limit:
        return name
    cut = name[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;") + "…"


def example_question(doc: DocumentInfo, passages: Sequence[Passage]) -> str:
    """A question about one document, from its first titled section, in its language."""
    name = short_name(doc.title)
    subject = next((t for t in (topic(p.section) for p in passages) if t), None)
    if doc.language == "ko":
        return (
            f"「{name}」에서 {subject}에 관해 무엇을 정하고 있나요?"
            if subject
            else f"「{name}」의 주요 내용은 무엇인가요?"
        )
    return f"What does “{name}” say about {subject}?" if subject else f"What are the main points of “{name}”?"


def pick_documents(docs: Sequence[DocumentInfo], count: int = 3) -> list[DocumentInfo]:
    """Up to `count` documents, each of a different type or language where the library allows, newest first."""
    ordered = sorted(docs, key=lambda d: (d.date or "", d.doc_id), reverse=True)
    picked: list[DocumentInfo] = []
    seen: set[tuple[str, str]] = set()
    for d in ordered:
        if (d.doc_type, d.language) not in seen and len(picked) < count:
            picked.append(d)
            seen.add((d.doc_type, d.language))
    for d in ordered:
        if len(picked) >= count:
            break
        if d not in picked:
            picked.append(d)
    return picked


LANGUAGE_NOTE = "Ask in English or Korean (한국어로 질문해도 됩니다); every answer quotes and cites its sources."


def first_screen(services: Services, examples: int = 3) -> tuple[str, list[str]]:
    """The first screen's Markdown (library summary and the language note) and example questions; while the
    index is not ready, a plain note and no examples."""
    try:
        docs = services.documents()
    except ServiceError:
        return "The library is being prepared…", []
    questions = []
    for doc in pick_documents(docs, examples):
        try:
            questions.append(example_question(doc, services.passages(doc.doc_id)[:40]))
        except ServiceError:
            continue
    return f"{library_summary(docs)}  \n{LANGUAGE_NOTE}", questions
