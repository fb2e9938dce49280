"""Saved conversations in the app: who owns them, their chat messages, their Markdown and JSON exports, and the
export route `GET /conversations/{id}/export?format=markdown|json`.

The owner is the signed-in user's name when the app has a login, else the random id the browser keeps in its
local storage. Export links name the conversation by its random id (128 bits), which only its owner is shown."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from app.conversations import Conversation, ConversationStore, ConversationSummary
from app.services import NotFound, Services
from app.web.cards import answer_markdown
from app.web.render import answer_html, esc

STORE_FILE = "conversations.sqlite"


def store_for(services: Services) -> ConversationStore:
    return ConversationStore(services.settings.home / STORE_FILE)


def owner_of(username: str | None, browser_id: str | None) -> str | None:
    """`user:<name>` when signed in, `browser:<id>` otherwise; None when neither is known yet."""
    if username:
        return f"user:{username}"
    if browser_id:
        return "browser:" + hashlib.sha256(browser_id.encode()).hexdigest()[:32]
    return None


def chat_messages(conversation: Conversation) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """The chat messages and the follow-up history of a saved conversation."""
    messages: list[dict[str, str]] = []
    history: list[tuple[str, str]] = []
    for turn in conversation.turn_list:
        messages.append({"role": "user", "content": esc(turn.question)})
        messages.append({"role": "assistant", "content": answer_html(turn.answer)})
        history.append((turn.question, turn.answer.text))
    return messages, history


def choices(summaries: list[ConversationSummary]) -> list[tuple[str, str]]:
    """(label, id) pairs for a picker: the title, the date and the number of questions."""
    return [(f"{s.title} · {s.updated_at[:10]} · {s.turns} question{'s' * (s.turns != 1)}", s.id) for s in summaries]


def export_links(conversation_id: str | None) -> str:
    if not conversation_id:
        return ""
    base = f"/conversations/{conversation_id}/export"
    return (
        '<div class="pqa-export">Export this conversation: '
        f'<a href="{base}?format=markdown" download="conversation.md" id="pqa-export-md">Markdown</a> · '
        f'<a href="{base}?format=json" download="conversation.json" id="pqa-export-json">JSON</a></div>'
    )


def conversation_markdown(conversation: Conversation) -> str:
    """The conversation as Markdown: each question as a heading, the answer with its numbered references."""
    lines = [f"# {conversation.title}", "", f"Saved {conversation.updated_at} · {conversation.turns} questions", ""]
    for i, turn in enumerate(conversation.turn_list, 1):
        lines += [f"## {i}. {turn.question}", "", answer_markdown(turn.answer), ""]
    return "\n".join(lines).rstrip() + "\n"


def conversation_json(conversation: Conversation) -> str:
    return conversation.model_dump_json(indent=2)


def router(services: Services) -> APIRouter:
    api = APIRouter(tags=["conversations"])

    @api.get("/conversations/{conversation_id}/export", response_class=PlainTextResponse)
    def export_conversation(
        conversation_id: str,
        format: Literal["markdown", "json"] = Query("markdown", description="markdown or json"),
    ) -> Response:
        """A saved conversation as Markdown (questions, answers, numbered references) or JSON (every answer
        with its citations)."""
        conversation = store_for(services).get_by_id(conversation_id)
        if conversation is None:
            raise NotFound(f"no conversation {conversation_id!r}")
        if format == "json":
            body, media, suffix = conversation_json(conversation), "application/json", "json"
        else:
            body, media, suffix = conversation_markdown(conversation), "text/markdown; charset=utf-8", "md"
        headers = {"Content-Disposition": f'attachment; filename="conversation-{conversation_id[:8]}.{suffix}"'}
        return Response(body, media_type=media, headers=headers)

    return api


def browser_secret(home: Path) -> str:
    """The key that seals the id each browser keeps (made once, kept in the home so ids survive restarts)."""
    path = Path(home) / "browser-secret"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(32)
        path.write_text(secret)
        os.chmod(path, 0o600)
        return secret


def restore(
    store: ConversationStore, username: str | None, state: dict[str, str] | None
) -> tuple[dict[str, str], list[dict[str, str]], list[tuple[str, str]], list[tuple[str, str]], str | None]:
    """On page load: the browser's state (its id made on first visit), the current conversation's chat messages
    and history (empty when it is gone), the owner's saved conversations and the current conversation's id."""
    state = {"browser": "", "conversation": "", **(state or {})}
    if not state["browser"]:
        state["browser"] = secrets.token_hex(16)
    owner = owner_of(username, state["browser"])
    assert owner is not None
    conversation = store.get(owner, state["conversation"]) if state["conversation"] else None
    if conversation is None:
        state["conversation"] = ""
        messages: list[Any] = []
        history: list[Any] = []
    else:
        messages, history = chat_messages(conversation)
    return state, messages, history, choices(store.list(owner)), conversation.id if conversation else None
