"""Pure functions that turn answers, reports and documents into the HTML/markdown the Gradio app shows.
All document text is escaped; only the tags built here reach the page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from app.answer.sentences import unescape_markdown
from app.answer.types import Answer, AnswerSentence, Citation, Scope
from app.web import cards
from index.types import DocumentInfo, Filters, IngestReport

_MARKERS = re.compile(r"(?:\s*\[\d+\])+\s*$")
_UNSUPPORTED_TAG = re.compile(r"\s*\[unsupported\]\s*", re.IGNORECASE)
DOCUMENT_COLUMNS: tuple[str, ...] = ("doc_id", "title", "type", "date", "language", "chunks", "indexed at")


def esc(text: object) -> str:
    """Escape for HTML text and attributes; newlines become <br> so a chat message never holds a blank line
    (a blank line would end the HTML block inside the chat's markdown)."""
    escaped = html.escape(str(text), quote=True)
    escaped = escaped.replace("$", "&#36;").replace("*", "&#42;").replace("_", "&#95;").replace("`", "&#96;")
    return re.sub(r"\r?\n", "<br>", escaped)


def highlight(text: str, start: int, end: int) -> str:
    """The passage with its supporting span in <mark>; a span outside the text is ignored."""
    if not (0 <= start < end <= len(text)):
        return esc(text)
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def snippet(text: str, start: int, end: int, context: int = 160) -> str:
    """The span with up to `context` characters either side (cut at spaces, '…' marks the cuts), highlighted."""
    if not (0 <= start < end <= len(text)):
        start, end = 0, 0
    left = max(0, start - context)
    right = min(len(text), max(end, start) + context)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", max(end, left), right)
        right = space if space != -1 else right
    piece = highlight(text[left:right], start - left, end - left) if end > start else esc(text[left:right])
    return ("… " if left > 0 else "") + piece + (" …" if right < len(text) else "")


def citation_meta(c: Citation) -> str:
    parts = [c.doc_type]
    if c.date:
        parts.append(c.date)
    if c.page is not None:
        parts.append(f"p. {c.page}")
    if c.section and c.section not in c.label:
        parts.append(c.section)
    if c.ocr:
        parts.append("text read by OCR from a scanned page")
    return " · ".join(parts)


def sentence_html(s: AnswerSentence) -> str:
    text = unescape_markdown(_UNSUPPORTED_TAG.sub(" ", _MARKERS.sub("", s.text)).strip())
    markers = "".join(f'<sup class="pqa-ref">[{n}]</sup>' for n in s.citations)
    if s.omitted_items:
        more = f"… {s.omitted_items} more item{'s' if s.omitted_items != 1 else ''}"
        markers = f' <span class="pqa-more">{esc(more)}</span>{markers}'
    if s.supported:
        return f'<span class="pqa-sent">{esc(text)}{markers}</span>'
    return (
        f'<span class="pqa-sent pqa-unsupported" title="No cited passage supports this sentence">'
        f'{esc(text)}{markers} <span class="pqa-flag">⚠ unsupported</span></span>'
    )


LOW_FRAME = "Closest passages; the documents may not answer this."


def filters_text(filters: Filters | None) -> str:
    """The active filters in words ("type law, en · from 2020-01-01"); "none" when nothing is filtered."""
    if filters is None or filters.is_empty():
        return "none"
    parts = []
    for name, value in (("type", filters.doc_type), ("document", filters.doc_id), ("language", filters.language)):
        if value:
            parts.append(f"{name} {', '.join(value)}")
    if filters.date_from:
        parts.append(f"from {filters.date_from}")
    if filters.date_to:
        parts.append(f"to {filters.date_to}")
    return " · ".join(parts)


def scope_html(scope: Scope | None) -> str:
    """One line under an answer: the query searched, the active filters and how many documents were searched."""
    if scope is None:
        return ""
    documents = f"{scope.documents} document{'s' if scope.documents != 1 else ''}"
    return (
        '<div class="pqa-scope">'
        f'Searched <span class="pqa-scope-query">“{esc(scope.query)}”</span> in {documents}; '
        f"filters: {esc(filters_text(scope.filters))}</div>"
    )


def confidence_html(answer: Answer) -> str:
    """The framing line of an answer: a high one reads as an answer, a medium one says what is missing, a low one
    says the passages may not answer the question."""
    if answer.confidence == "high":
        return '<div class="pqa-confidence pqa-high">High confidence</div>'
    if answer.confidence == "medium":
        missing = "; ".join(answer.missing) or "some of the evidence is weak"
        return f'<div class="pqa-confidence pqa-medium">Medium confidence — {esc(missing)}</div>'
    return f'<div class="pqa-confidence pqa-low">{esc(LOW_FRAME)}</div>'


def answer_html(answer: Answer) -> str:
    """The chat message for one answer: its confidence framing, the text (unsupported sentences flagged) and
    numbered citation cards, or, when abstaining, the statement and the closest passages (folded, marked as not an
    answer); then the searched scope and a button that copies the answer with its references."""
    tools = f'<div class="pqa-tools">{cards.copy_button(answer)}</div>'
    scope = scope_html(answer.scope)
    if answer.abstained:
        body = f'<div class="pqa-answer pqa-abstained">{esc(answer.text)}</div>{cards.closest_html(answer)}'
        return f'<div class="pqa-msg">{body}{scope}{tools}</div>'
    if answer.sentences:
        text = " ".join(sentence_html(s) for s in answer.sentences)
    else:
        text = esc(answer.text)
    low = answer.confidence == "low"
    sources = cards.sources_html(answer, "Closest passages" if low else "Sources")
    kind = "pqa-answer pqa-answer-low" if low else "pqa-answer"
    frame = confidence_html(answer)
    return f'<div class="pqa-msg">{frame}<div class="{kind}">{text}</div>{sources}{scope}{tools}</div>'


def streaming_html(partial: str) -> str:
    return f'<div class="pqa-msg"><div class="pqa-answer pqa-streaming">{esc(partial)}</div></div>'


def error_html(message: str) -> str:
    return f'<div class="pqa-msg pqa-error">⚠ {esc(message)}</div>'


def report_markdown(report: IngestReport) -> str:
    """A plain summary of an ingest: counts, then one line per file: failures with their reason first, then what
    was inferred for each added or replaced document (title, type, date, language), skipped files and duplicates."""
    statuses = ("added", "replaced", "unchanged", "removed", "skipped", "duplicate", "failed")
    counts = [f"{report.count(status)} {status}" for status in statuses if report.count(status)]
    lines = [f"**Indexed:** {', '.join(counts) or 'nothing to do'} ({report.seconds:.1f} s)", ""]
    for outcome in sorted(report.outcomes, key=lambda o: o.status != "failed"):
        name = esc(Path(outcome.path).name or outcome.path)
        if outcome.status == "failed":
            message = outcome.message or "failed"
            if outcome.path and message.startswith(outcome.path):  # loader messages start with the full path
                message = message[len(outcome.path) :].lstrip(": ")
            lines.append(f"- **FAILED** {name}: {esc(message)}")
        elif outcome.status in ("skipped", "duplicate"):
            lines.append(f"- {outcome.status}: {name}: {esc(outcome.message or '')}")
        else:
            chunks = f", {outcome.chunks} chunks" if outcome.chunks else ""
            line = f"- {outcome.status}: {name} → {esc(outcome.doc_id or '')}{chunks}"
            if outcome.title is not None:
                found = ", ".join(x for x in (outcome.doc_type, outcome.date or "no date", outcome.language) if x)
                line += f" — “{esc(outcome.title)}” ({esc(found)})"
            if outcome.message:
                line += f" ({esc(outcome.message)})"
            lines.append(line)
    return "\n".join(lines)


def document_rows(docs: Iterable[DocumentInfo]) -> list[list[object]]:
    return [
        [d.doc_id, d.title, d.doc_type, d.date or "", d.language, d.chunks, d.indexed_at.replace("T", " ")[:19]]
        for d in sorted(docs, key=lambda d: d.title.lower())
    ]
