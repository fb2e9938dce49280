"""Saved conversations: a small SQLite store under the policyqa home (`<home>/conversations.sqlite`).

Every record belongs to an owner (a signed-in user's name, or the id of one browser when nobody signs in); every
read and write names the owner, so nobody lists, opens or deletes another's conversations. Conversation ids are
random (128 bits). Each call opens its own connection, so the store is safe to share between threads."""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from app.answer.types import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated_at);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, asked_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, position)
);
"""
TITLE_CHARS = 80


class Turn(BaseModel):
    question: str
    answer: Answer
    asked_at: str = Field(description="ISO timestamp (UTC)")


class ConversationSummary(BaseModel):
    id: str
    title: str = Field(description="The first question, shortened")
    created_at: str
    updated_at: str
    turns: int


class Conversation(ConversationSummary):
    turn_list: list[Turn] = []


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def short_title(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # one transaction, committed on success
                yield db

    def add_turn(self, owner: str, conversation_id: str | None, question: str, answer: Answer) -> str:
        """Append a turn; a new conversation (titled by the question) when `conversation_id` is None or not the
        owner's. Returns the conversation id."""
        now = _now()
        with self._db() as db:
            row = None
            if conversation_id:
                row = db.execute(
                    "SELECT id FROM conversations WHERE id = ? AND owner = ?", (conversation_id, owner)
                ).fetchone()
            if row is None:
                conversation_id = secrets.token_hex(16)
                db.execute(
                    "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                    (conversation_id, owner, short_title(question), now, now),
                )
            else:
                db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
            (position,) = db.execute(
                "SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            db.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?)",
                (conversation_id, position, question, answer.model_dump_json(), now),
            )
        assert conversation_id is not None
        return conversation_id

    def list(self, owner: str) -> list[ConversationSummary]:
        """The owner's conversations, most recently updated first."""
        with self._db() as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.created_at, c.updated_at, COUNT(t.position) FROM conversations c "
                "LEFT JOIN turns t ON t.conversation_id = c.id WHERE c.owner = ? GROUP BY c.id "
                "ORDER BY c.updated_at DESC, c.created_at DESC",
                (owner,),
            ).fetchall()
        return [ConversationSummary(id=r[0], title=r[1], created_at=r[2], updated_at=r[3], turns=r[4]) for r in rows]

    def get(self, owner: str, conversation_id: str) -> Conversation | None:
        """One of the owner's conversations with its turns; None when it is not the owner's or does not exist."""
        return self._get(conversation_id, owner)

    def get_by_id(self, conversation_id: str) -> Conversation | None:
        """A conversation by its (random, unguessable) id, whoever owns it: for export links."""
        return self._get(conversation_id, None)

    def _get(self, conversation_id: str, owner: str | None) -> Conversation | None:
        with self._db() as db:
            head = db.execute(
                "SELECT id, title, created_at, updated_at, owner FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if head is None or (owner is not None and head[4] != owner):
                return None
            rows = db.execute(
                "SELECT question, answer, asked_at FROM turns WHERE conversation_id = ? ORDER BY position",
                (conversation_id,),
            ).fetchall()
        turns = [Turn(question=q, answer=Answer.model_validate(json.loads(a)), asked_at=at) for q, a, at in rows]
        return Conversation(
            id=head[0], title=head[1], created_at=head[2], updated_at=head[3], turns=len(turns), turn_list=turns
        )

    def delete(self, owner: str, conversation_id: str) -> bool:
        with self._db() as db:
            db.execute(
                "DELETE FROM turns WHERE conversation_id IN (SELECT id FROM conversations WHERE id = ? AND owner = ?)",
                (conversation_id, owner),
            )
            cur = db.execute("DELETE FROM conversations WHERE id = ? AND owner = ?", (conversation_id, owner))
        return cur.rowcount > 0
