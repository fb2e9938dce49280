"""The answer engine's language data (`app/answer/data/*.yaml`), typed: paraphrase groups, the English–Korean
glossary, word lists (stop words, question words, counters, number words …). Files are read once
(`ingest.vocabulary.data_file`); the rules in `app.answer.rules` and the tokenizers compose patterns from them.
Every entry carries examples, checked by tests/test_vocabulary.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.vocabulary import data_file, word_list

PACKAGE = "app.answer"


@dataclass(frozen=True)
class Meaning:
    """One paraphrase group or glossary entry: a meaning, the pattern of the phrases that state it, and (for a
    few groups) the words documents use for it, added to a retrieval query (`expansion`)."""

    name: str  # the group's name; the engine's token is "zz" + name ("zzeffective")
    pattern: str  # a regular expression (matched case-insensitively)
    examples: tuple[str, ...]
    expansion: tuple[str, ...] = ()


def _meanings(name: str) -> tuple[Meaning, ...]:
    return tuple(
        Meaning(e["name"], e["pattern"], tuple(e["examples"]), tuple(e.get("expansion", "").split()))
        for e in data_file(PACKAGE, name)
    )


def paraphrase_groups() -> tuple[Meaning, ...]:
    """Phrases that mean the same in legal and policy texts ("come into force" = "take effect" = "시행")."""
    return _meanings("paraphrase.yaml")


def glossary() -> tuple[Meaning, ...]:
    """English terms of inter-Korean and sanctions law with their Korean equivalents ("National Assembly" = 국회)."""
    return _meanings("glossary.yaml")


def words(name: str, key: str) -> tuple[str, ...]:
    """The word list `key` of `app/answer/data/<name>.yaml`, in file order."""
    return word_list(PACKAGE, f"{name}.yaml", key)


def entries(name: str, key: str) -> list[dict[str, Any]]:
    """The entries (mappings) listed under `key` in `app/answer/data/<name>.yaml`."""
    return list(data_file(PACKAGE, f"{name}.yaml")[key])


def alternation(items: tuple[str, ...] | list[str]) -> str:
    """`items` joined as regular-expression alternatives, in order."""
    return "|".join(items)
