"""Front matter and sidecar metadata read within a budget: YAML without aliases, bounded nesting and size, and
metadata values cut to a bounded length, so a few hundred bytes of YAML cannot expand into gigabytes."""

from __future__ import annotations

import json
from typing import Any

import yaml

MAX_YAML_CHARS = 64 * 1024  # front matter or a sidecar larger than this is not metadata
MAX_DEPTH = 16  # nesting of mappings and sequences
MAX_NODES = 5_000  # scalars, mappings and sequences in one block
MAX_VALUE_CHARS = 2_000  # one metadata string value
MAX_TITLE_CHARS = 500
MAX_ITEMS = 200  # entries of one list or mapping kept in the metadata


class MetadataError(ValueError):
    """Metadata refused by the budget; the message says which limit and how to fix the file."""


def check_yaml_budget(text: str) -> None:
    """Walk the YAML event stream (iterative, no tree is built) and refuse aliases, deep nesting and too many
    nodes before anything is constructed."""
    if len(text) > MAX_YAML_CHARS:
        raise MetadataError(f"metadata block is {len(text):,} characters, over the {MAX_YAML_CHARS:,} limit")
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise MetadataError("YAML aliases (*name) are not accepted in metadata; write the value out")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise MetadataError(f"metadata is nested deeper than {MAX_DEPTH} levels")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    raise MetadataError(f"metadata has more than {MAX_NODES:,} values")
    except RecursionError:
        raise MetadataError(f"metadata is nested deeper than {MAX_DEPTH} levels") from None


def load_yaml(text: str) -> Any:
    """`yaml.safe_load` after `check_yaml_budget`; raises MetadataError or yaml.YAMLError."""
    check_yaml_budget(text)
    return yaml.safe_load(text)


def load_json(text: str) -> Any:
    if len(text) > MAX_YAML_CHARS:
        raise MetadataError(f"metadata file is {len(text):,} characters, over the {MAX_YAML_CHARS:,} limit")
    try:
        return bounded(json.loads(text))
    except RecursionError:
        raise MetadataError("metadata is nested too deeply") from None


def bounded(value: Any, depth: int = 0) -> Any:
    """A copy of a metadata value with strings cut to MAX_VALUE_CHARS, lists and mappings to MAX_ITEMS entries,
    and nesting below MAX_DEPTH (deeper parts become their truncated string form)."""
    if isinstance(value, str):
        return value[:MAX_VALUE_CHARS]
    if depth >= MAX_DEPTH and isinstance(value, (list, tuple, dict)):
        return str(value)[:MAX_VALUE_CHARS]
    if isinstance(value, (list, tuple)):
        return [bounded(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
    if isinstance(value, dict):
        return {str(k)[:MAX_VALUE_CHARS]: bounded(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    return value
