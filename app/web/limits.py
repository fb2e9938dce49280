"""Bounds on every field of the HTTP request bodies, so no request can make the server work or allocate without
limit; a request past one gets a 422 (or a 413 for the body as a whole) naming the field and the limit."""

from __future__ import annotations

from typing import Any

MAX_JSON_BODY = 256 * 1024  # bytes of one /ask or /search request body
MAX_QUESTION_CHARS = 4_000  # a question or a search query
MAX_HISTORY_TURNS = 20  # earlier (question, answer) pairs sent with /ask
MAX_HISTORY_TURN_CHARS = 8_000  # one question or answer of the history
MAX_HISTORY_CHARS = 64_000  # the whole history
MAX_FILTER_VALUES = 50  # values of one list filter (doc_type, doc_id, language)
MAX_FILTER_VALUE_CHARS = 200  # one filter value
MAX_FILENAME_BYTES = 200  # an uploaded file's stored name, in UTF-8 bytes


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(value: str, field: str) -> str:
    if has_lone_surrogate(value):
        raise ValueError(f"{field} contains an invalid character (a lone UTF-16 surrogate); send valid UTF-8 text")
    return value


def check_history(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(turns) > MAX_HISTORY_TURNS:
        raise ValueError(f"history has {len(turns)} turns; send at most the last {MAX_HISTORY_TURNS}")
    total = 0
    for i, turn in enumerate(turns):
        for part in turn:
            check_text(part, f"history[{i}]")
            if len(part) > MAX_HISTORY_TURN_CHARS:
                raise ValueError(
                    f"history[{i}] has a text of {len(part):,} characters; at most {MAX_HISTORY_TURN_CHARS:,}"
                )
            total += len(part)
    if total > MAX_HISTORY_CHARS:
        raise ValueError(f"history holds {total:,} characters; at most {MAX_HISTORY_CHARS:,} (send fewer turns)")
    return turns


def check_filter_sizes(filters: Any) -> Any:
    """Bound the list filters' length and each value's size (and refuse invalid characters)."""
    if filters is None:
        return None
    for name, value in filters.model_dump().items():
        values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        if len(values) > MAX_FILTER_VALUES:
            raise ValueError(f"filters.{name} has {len(values)} values; at most {MAX_FILTER_VALUES}")
        for v in values:
            check_text(v, f"filters.{name}")
            if len(v) > MAX_FILTER_VALUE_CHARS:
                raise ValueError(
                    f"filters.{name} has a value of {len(v):,} characters; at most {MAX_FILTER_VALUE_CHARS}"
                )
    return filters
