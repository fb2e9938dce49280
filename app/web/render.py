"""Pure functions that turn answers, reports and documents into the HTML/markdown the Gradio app shows.
All document text is escaped; only the tags built here reach the page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from app.answer.types import Answer, AnswerSentence, Citation
from app.web import cards
from index.types import DocumentInfo, IngestReport

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


def citation_card(c: Citation, *, closest: bool = False) -> str:
    number = "" if closest else f'<span class="pqa-n">[{c.n}]</span> '
    # labels of untitled units (articles, transcripts) already start with the title: do not repeat it
    repeated = c.label.startswith(c.title[:40].rstrip())
    passage = snippet(c.text, c.span_start, c.span_end) if closest else highlight(c.text, c.span_start, c.span_end)
    title = "" if repeated else f'<div class="pqa-card-title">{esc(c.title)}</div>'
    return (
        '<div class="pqa-card">'
        f'<div class="pqa-card-head">{number}<span class="pqa-label">{esc(c.label)}</span></div>'
        f"{title}"
        f'<div class="pqa-card-meta">{esc(citation_meta(c))}</div>'
        f'<div class="pqa-passage">{passage}</div>'
        "</div>"
    )


def sentence_html(s: AnswerSentence) -> str:
    text = _UNSUPPORTED_TAG.sub(" ", _MARKERS.sub("", s.text)).strip()
    markers = "".join(f'<sup class="pqa-ref">[{n}]</sup>' for n in s.citations)
    if s.supported:
        return f'<span class="pqa-sent">{esc(text)}{markers}</span>'
    return (
        f'<span class="pqa-sent pqa-unsupported" title="No cited passage supports this sentence">'
        f'{esc(text)}{markers} <span class="pqa-flag">⚠ unsupported</span></span>'
    )


def answer_html(answer: Answer) -> str:
    """The chat message for one answer: the text (unsupported sentences flagged) and numbered citation cards,
    or, when abstaining, the statement and the closest passages (folded, marked as not an answer); then a button
    that copies the answer with its references."""
    tools = f'<div class="pqa-tools">{cards.copy_button(answer)}</div>'
    if answer.abstained:
        body = f'<div class="pqa-answer pqa-abstained">{esc(answer.text)}</div>{cards.closest_html(answer)}'
        return f'<div class="pqa-msg">{body}{tools}</div>'
    if answer.sentences:
        text = " ".join(sentence_html(s) for s in answer.sentences)
    else:
        text = esc(answer.text)
    return f'<div class="pqa-msg"><div class="pqa-answer">{text}</div>{cards.sources_html(answer)}{tools}</div>'


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
