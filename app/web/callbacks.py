"""The Gradio app's callbacks as plain functions of widget values (testable without Gradio). Each calls one
`Services` method and turns its result or its `ServiceError` into what the widgets show."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.answer.types import Answer
from app.services import ServiceError, Services
from app.web.render import answer_html, document_rows, error_html, esc, report_markdown, streaming_html
from index.types import Filters

log = logging.getLogger(__name__)

Message = dict[str, str]
Turn = tuple[str, str]
ProgressFn = Callable[[str, int, int], None]


def filters_from_ui(
    doc_types: Sequence[str] | None,
    doc_ids: Sequence[str] | None,
    languages: Sequence[str] | None,
    date_from: str | None,
    date_to: str | None,
) -> Filters | None:
    """Filters from the Ask tab's widgets; None when nothing is selected. Dates may be YYYY, YYYY-MM or
    YYYY-MM-DD (a partial date_from starts at the period's first day, a partial date_to ends at its last)."""
    filters = Filters(
        doc_type=list(doc_types) if doc_types else None,
        doc_id=list(doc_ids) if doc_ids else None,
        language=list(languages) if languages else None,
        date_from=_iso_date(date_from, "date from", end=False),
        date_to=_iso_date(date_to, "date to", end=True),
    )
    return None if filters.is_empty() else filters


def _iso_date(value: str | None, what: str, *, end: bool) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return f"{int(parts[0]):04d}-{'12-31' if end else '01-01'}"
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            first = date(year, month, 1)
            if not end:
                return first.isoformat()
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1).isoformat()
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ServiceError(f"{what}: {value!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)") from exc


def ask_turn(
    services: Services,
    question: str,
    chat: list[Message] | None,
    history: list[Turn] | None,
    doc_types: Sequence[str] | None = None,
    doc_ids: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    k: int | None = None,
    answerer: str | None = None,
    on_answer: Callable[[str, Answer], None] | None = None,
) -> Iterator[tuple[list[Message], list[Turn], str]]:
    """One chat turn. Yields (chat messages, this conversation's history, the question box's new value): the
    question with a placeholder first, then the growing LLM text, then the answer with its citation cards.
    `on_answer(question, answer)` is called with the final answer before it is shown (e.g. to save it)."""
    chat = list(chat or [])
    history = list(history or [])
    question = (question or "").strip()
    if not question:
        yield chat, history, ""
        return
    chat.append({"role": "user", "content": esc(question)})
    chat.append({"role": "assistant", "content": streaming_html("Searching the documents…")})
    yield chat, history, ""
    try:
        filters = filters_from_ui(doc_types, doc_ids, languages, date_from, date_to)
        final: Answer | None = None
        for item in services.ask_stream(question, history, filters, k=int(k) if k else None, answerer=answerer):
            if isinstance(item, Answer):
                final = item
            else:
                chat[-1] = {"role": "assistant", "content": streaming_html(item)}
                yield chat, history, ""
        if final is None:
            raise ServiceError("the answerer returned no answer")
    except ServiceError as exc:
        chat[-1] = {"role": "assistant", "content": error_html(str(exc))}
        yield chat, history, question
        return
    except Exception as exc:  # shown, logged; the session goes on
        log.exception("answering %r failed", question)
        chat[-1] = {"role": "assistant", "content": error_html(f"answering failed: {exc}")}
        yield chat, history, question
        return
    if on_answer is not None:
        try:
            on_answer(question, final)
        except Exception:  # the answer is still shown
            log.exception("could not save the answer to %r", question)
    chat[-1] = {"role": "assistant", "content": answer_html(final)}
    history.append((question, final.text))
    yield chat, history, ""


def searched_query(answer: Answer) -> str:
    """The query an answer searched (the rewritten follow-up), for the user to edit and search again."""
    return answer.scope.query if answer.scope is not None else answer.query


def status_markdown(services: Services) -> str:
    health = services.health()
    if health["status"] == "ok":
        return f"**Index ready:** {health['documents']} documents, {health['chunks']} passages searchable"
    if health["status"] == "error":
        return f"**Index error:** {esc(health['message'] or '')}"
    return f"**Building the index…** {esc(health['message'] or '')}"


def library_view(services: Services) -> tuple[list[list[object]], list[tuple[str, str]]]:
    """The documents table rows and the (label, doc_id) choices for the pickers."""
    try:
        docs = services.documents()
    except ServiceError:
        return [], []
    choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in sorted(docs, key=lambda d: d.title.lower())]
    return document_rows(docs), choices


def upload_files(
    services: Services,
    paths: Sequence[str | Path] | None,
    token: str | None,
    on_progress: ProgressFn | None = None,
    client: str | None = None,
) -> str:
    """Index uploaded files (Gradio hands us temporary paths); returns the report as markdown."""
    if not paths:
        return "Choose one or more files first (txt, md, html, pdf)."
    try:
        services.check_token(token, client)
        handles = [open(p, "rb") for p in paths]  # noqa: SIM115 (closed below)
        try:
            report = services.upload([(Path(p).name, h) for p, h in zip(paths, handles)], on_progress=on_progress)
        finally:
            for h in handles:
                h.close()
    except ServiceError as exc:
        return f"**⚠ {esc(str(exc))}**"
    return report_markdown(report)


def remove_document(services: Services, doc_id: str | None, token: str | None, client: str | None = None) -> str:
    if not doc_id:
        return "Pick a document to remove."
    try:
        services.check_token(token, client)
        removed = services.remove(doc_id)
    except ServiceError as exc:
        return f"**⚠ {esc(str(exc))}**"
    return f"Removed {esc(', '.join(removed))}."


def reindex_folder(
    services: Services,
    folder: str | None,
    prune: bool,
    token: str | None,
    on_progress: ProgressFn | None = None,
    client: str | None = None,
) -> str:
    try:
        services.check_token(token, client)
        report = services.reindex(folder or "", prune=bool(prune), on_progress=on_progress)
    except ServiceError as exc:
        return f"**⚠ {esc(str(exc))}**"
    return report_markdown(report)


def gradio_progress(progress: Any) -> ProgressFn:
    """Adapt a `gr.Progress` to our `on_progress(stage, done, total)` callbacks."""

    def on_progress(stage: str, done: int, total: int) -> None:
        progress((done, max(total, 1)), desc=stage)

    return on_progress


def metadata_fields(services: Services, doc_id: str | None) -> tuple[str, str, str | None, str]:
    """The Library tab's metadata editor for a picked document: (title, date, type, aliases separated by ';')."""
    if not doc_id:
        return "", "", None, ""
    try:
        doc = next((d for d in services.documents() if d.doc_id == doc_id), None)
    except ServiceError:
        doc = None
    if doc is None:
        return "", "", None, ""
    return doc.title, doc.date or "", doc.doc_type, "; ".join(doc.aliases)


def save_metadata(
    services: Services,
    doc_id: str | None,
    title: str | None,
    date_value: str | None,
    doc_type: str | None,
    aliases: str | None,
    token: str | None,
) -> str:
    """Save the editor's corrections (kept in the document's sidecar); returns a message for the report."""
    from pydantic import ValidationError

    from app.library import MetadataEdit

    if not doc_id:
        return "Pick a document to edit."
    try:
        services.check_token(token)
        edit = MetadataEdit(
            title=title,
            date=date_value,
            doc_type=doc_type or None,
            aliases=[a for a in (aliases or "").split(";")] if aliases is not None else None,
        )
        outcome = services.edit_document(doc_id, edit)
    except ValidationError as exc:
        return f"**⚠ {esc(exc.errors()[0]['msg'])}**"
    except ServiceError as exc:
        return f"**⚠ {esc(str(exc))}**"
    found = ", ".join(x for x in (outcome.doc_type, outcome.date or "no date", outcome.language) if x)
    return f"Saved {esc(doc_id)}: “{esc(outcome.title or '')}” ({esc(found)})."
