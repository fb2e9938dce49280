"""An index whose BM25 tokens come from an older tokenizer version is re-tokenised once, at the first open, and
the result is committed; later opens read the saved tokens. When another process holds the write lock, the open
re-tokenises in memory only and the next free open saves it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

from index.index import Index
from index.retrieval.tokenize import TOKENIZER_VERSION, LexicalTokenizer
from index.storage.generation import MANIFEST, read_tokens
from index.storage.store import IndexStore

OLD_VERSION = "policyqa-lex-0"


class CountingTokenizer(LexicalTokenizer):
    """The real BM25 tokenizer (sharing the session's Kiwi), counting the texts it is asked to tokenise."""

    def __init__(self) -> None:
        super().__init__()
        self._kiwi = shared_tokenizer().kiwi
        self.texts: list[str] = []

    def tokenize_many(self, texts: list[str]) -> list[list[str]]:
        self.texts.extend(texts)
        return super().tokenize_many(texts)


def _build(root: Path) -> list[list[str]]:
    index = Index.create(root, embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=shared_tokenizer())
    index.add_documents(
        [
            make_doc(
                "visa",
                "The Secretary of State shall deny a visa to any designated person.\n\n"
                "Exceptions apply for United Nations business.",
            ),
            make_doc("fund", "남북협력기금은 통일부장관이 운용하고 관리한다.", language="ko"),
        ]
    )
    return [read_tokens(index._state.directory).tokens(i) for i in range(len(index))]


def _age(root: Path) -> Path:
    """Mark the current generation as tokenised by an older tokenizer version (as an old policyqa wrote it)."""
    path = IndexStore(root).current() / MANIFEST
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["tokenizer"] = OLD_VERSION
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path.parent


def _open(root: Path, tokenizer: LexicalTokenizer) -> Index:
    return Index.open(root, embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=tokenizer)


def test_stale_tokens_are_re_tokenised_once_and_saved(tmp_path):
    root = tmp_path / "idx"
    expected = _build(root)
    old_generation = _age(root)

    first_tok = CountingTokenizer()
    first = _open(root, first_tok)
    assert len(first_tok.texts) == 3  # every chunk once
    # committed as a new generation with the current version and the same tokens
    current = IndexStore(root).current()
    assert current != old_generation and first._state.directory == current
    assert json.loads((current / MANIFEST).read_text(encoding="utf-8"))["tokenizer"] == TOKENIZER_VERSION
    assert [read_tokens(current).tokens(i) for i in range(3)] == expected
    assert [h.passage.doc_id for h in first.search("deny visa", k=1, mode="lexical")] == ["visa"]

    second_tok = CountingTokenizer()
    second = _open(root, second_tok)
    assert second_tok.texts == []  # nothing re-tokenised at the second open
    assert second._state.directory == current and len(second) == 3
    assert [h.passage.doc_id for h in second.search("기금 운용", k=1, mode="lexical")] == ["fund"]
    # writing on top reads the saved tokens instead of re-tokenising the kept chunks
    second.add_documents([make_doc("new", "A new paragraph about sanctions.")])
    assert second_tok.texts == ["A new paragraph about sanctions."]


def test_while_another_process_writes_the_re_tokenisation_stays_in_memory(tmp_path):
    root = tmp_path / "idx"
    _build(root)
    old_generation = _age(root)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); fcntl.flock(fd, fcntl.LOCK_EX); "
            "print('locked', flush=True); time.sleep(30)",
            str(root / "LOCK"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        tok = CountingTokenizer()
        locked = _open(root, tok)
        assert len(tok.texts) == 3
        assert IndexStore(root).current() == old_generation  # nothing committed
        assert [h.passage.doc_id for h in locked.search("deny visa", k=1, mode="lexical")] == ["visa"]
    finally:
        holder.kill()
        holder.wait()
    tok = CountingTokenizer()
    _open(root, tok)  # the lock is free again: this open re-tokenises and saves
    assert len(tok.texts) == 3 and IndexStore(root).current() != old_generation
    tok = CountingTokenizer()
    _open(root, tok)
    assert tok.texts == []
