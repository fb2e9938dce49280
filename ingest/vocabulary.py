"""Language data files: word lists and mappings kept as YAML beside the code that composes them, read once.

Each package keeps its files in its own `data/` folder (`ingest/data/abbreviations.yaml`,
`app/answer/data/paraphrase.yaml` …); `data_file("app.answer", "paraphrase.yaml")` parses one and caches it, so
every module that needs a list reads the same object.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def data_file(package: str, name: str) -> Any:
    """The parsed YAML file `name` in `package`'s `data/` folder (cached: read once per process)."""
    return yaml.safe_load((files(package) / "data" / name).read_text(encoding="utf-8"))


def word_list(package: str, name: str, key: str) -> tuple[str, ...]:
    """The words listed under `key` in a data file, in file order. A list item is either the word itself or a
    mapping whose `word` is the entry (and whose `examples` show it in use)."""
    return tuple(item if isinstance(item, str) else item["word"] for item in data_file(package, name)[key])
