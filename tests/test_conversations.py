"""Saved conversations: the SQLite store keeps each owner's conversations apart, resumes them with their answers,
deletes them; the Markdown and JSON exports carry the answers with numbered references."""

from __future__ import annotations

import json

from app.answer.types import Answer, AnswerSentence, Citation
from app.conversations import ConversationStore
from app.web.history import conversation_json, conversation_markdown, owner_of, restore


def _answer(question: str) -> Answer:
    text = "Visas are issued within 30 days."
    c = Citation(
        n=1,
        chunk_id="visas@0",
        doc_id="visas",
        label="Visa Rules § 2",
        title="Visa Rules",
        doc_type="law",
        date="2020-01-01",
        source="visas.md",
        text=text,
        span_start=0,
        span_end=len(text),
        span=text,
    )
    return Answer(
        question=question,
        query=question,
        text=f"{text} [1]",
        citations=[c],
        sentences=[AnswerSentence(text=f"{text} [1]", citations=[1], supported=True)],
    )


def test_store_keeps_owners_apart_and_resumes(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    cid = store.add_turn("user:a", None, "How long does a visa take?", _answer("How long does a visa take?"))
    assert store.add_turn("user:a", cid, "And who issues it?", _answer("And who issues it?")) == cid
    other = store.add_turn("user:b", cid, "Not yours", _answer("Not yours"))  # b cannot append to a's
    assert other != cid
    assert [s.id for s in store.list("user:a")] == [cid] and store.list("user:a")[0].turns == 2
    assert store.get("user:b", cid) is None
    again = ConversationStore(tmp_path / "c.sqlite").get("user:a", cid)  # reopened: persisted
    assert again is not None and [t.question for t in again.turn_list] == [
        "How long does a visa take?",
        "And who issues it?",
    ]
    assert again.turn_list[0].answer.citations[0].label == "Visa Rules § 2"
    assert not store.delete("user:b", cid) and store.delete("user:a", cid)
    assert store.list("user:a") == [] and store.get_by_id(cid) is None


def test_restore_gives_a_browser_its_conversation(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    state, messages, history, listed, current = restore(store, None, None)
    assert len(state["browser"]) == 32 and messages == [] and current is None
    owner = owner_of(None, state["browser"])
    cid = store.add_turn(owner, None, "How long?", _answer("How long?"))
    state2, messages, history, listed, current = restore(store, None, {**state, "conversation": cid})
    assert current == cid and len(messages) == 2 and "pqa-card" in messages[1]["content"]
    assert history == [("How long?", "Visas are issued within 30 days. [1]")] and listed[0][1] == cid
    assert restore(store, "alice", {**state, "conversation": cid})[4] is None  # signed in: another owner


def test_exports(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    cid = store.add_turn("user:a", None, "How long?", _answer("How long?"))
    conversation = store.get("user:a", cid)
    md = conversation_markdown(conversation)
    assert md.startswith("# How long?") and "## 1. How long?" in md
    assert "Visas are issued within 30 days.[1]" in md and "[1] Visa Rules § 2 (2020-01-01)" in md
    data = json.loads(conversation_json(conversation))
    assert data["turn_list"][0]["answer"]["citations"][0]["span"] == "Visas are issued within 30 days."
