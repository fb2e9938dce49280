"""docs/settings.md, generated from the settings models: `python -m app.settings_doc > docs/settings.md`.

Every field of `app.settings.Settings` and of its sections is listed with the environment variable that sets it,
its default, its allowed values and its description, so the reference cannot drift from the code.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_json
from pydantic_settings import BaseSettings

from app.settings import Settings
from index.settings import default_home

ENV_PREFIX = "POLICYQA_"
NESTED = "__"
REGENERATE = "python -m app.settings_doc > docs/settings.md"

# Defaults that depend on the environment they are computed in: described instead of evaluated.
_DESCRIBED_FACTORIES: dict[Callable[[], Any], str] = {
    default_home: "`$XDG_DATA_HOME/policyqa`, else `~/.local/share/policyqa`",
}


@dataclass(frozen=True)
class Row:
    """One documented setting: its name (an environment variable or a JSON key) and what it does."""

    name: str
    default: str
    allowed: str
    description: str


@dataclass(frozen=True)
class Section:
    """One table: the fields of a settings model."""

    title: str
    intro: str
    header: str
    rows: tuple[Row, ...]


def settings_markdown() -> str:
    """The settings reference as markdown; a pure function of the settings models."""
    lines = [
        "# Settings",
        "",
        f"<!-- Generated from app/settings.py by `{REGENERATE}`; do not edit by hand. -->",
        "",
        f"policyqa reads one `app.settings.Settings` object from the environment. Every variable starts with "
        f"`{ENV_PREFIX}`; a field of a section is set with `{NESTED}` between the section and the field "
        f"(`{ENV_PREFIX}INDEX{NESTED}EMBEDDER=minilm`). A structured value (a list, a mapping, a model) is given as "
        "JSON. From Python, pass the same names to the models: "
        '`Settings(index=IndexSettings(embedder="minilm"))`.',
        "",
        "Changing the embedder or the chunking of an existing index is refused with a message; rebuild it with "
        "`policyqa ingest --rebuild PATHS`.",
    ]
    for section in _sections():
        lines += ["", f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        lines += [f"| {section.header} | default | allowed | description |", "|---|---|---|---|"]
        lines += [f"| {r.name} | {r.default} | {r.allowed} | {_cell(r.description)} |" for r in section.rows]
    return "\n".join(lines) + "\n"


def _sections() -> Iterator[Section]:
    top: list[Row] = []
    nested: list[tuple[str, type[BaseModel], str, str]] = []
    for name, field in Settings.model_fields.items():
        model = _model_type(field.annotation)
        if model is None:
            top.append(_row(f"`{ENV_PREFIX}{name.upper()}`", field))
        else:
            prefix = _own_prefix(model) or f"{ENV_PREFIX}{name.upper()}{NESTED}"
            nested.append((name, model, prefix, _intro(model, field)))
    yield Section("Top level", "", "variable", tuple(top))
    for name, model, prefix, intro in nested:
        rows = tuple(_row(f"`{prefix}{key.upper()}`", sub) for key, sub in model.model_fields.items())
        yield Section(f"`{name}`: {model.__name__}", intro, "variable", rows)
        yield from _inner_sections(model, name)


def _inner_sections(model: type[BaseModel], path: str) -> Iterator[Section]:
    """Models used as values inside a section (given as JSON objects, so their fields have no variable)."""
    seen: set[type[BaseModel]] = set()
    for name, field in model.model_fields.items():
        inner = _inner_model(field.annotation)
        if inner is None or inner in seen:
            continue
        seen.add(inner)
        rows = tuple(_row(f"`{key}`", sub) for key, sub in inner.model_fields.items())
        intro = f"{_first_line(inner.__doc__)} The JSON keys of `{path}.{name}` values.".strip()
        yield Section(f"{inner.__name__} (in `{path}`)", intro, "key", rows)


def _row(name: str, field: FieldInfo) -> Row:
    return Row(name, _default(field), _allowed(field), field.description or "")


def _intro(model: type[BaseModel], field: FieldInfo) -> str:
    parts = [field.description or "", _first_line(model.__doc__)]
    own = _own_prefix(model)
    if own:
        parts.append(f"Variables of this section start with `{own}`.")
    return " ".join(p.rstrip(".") + "." for p in parts if p).replace("..", ".")


def _own_prefix(model: type[BaseModel]) -> str:
    """The env prefix of a section that reads the environment itself (a BaseSettings with its own prefix)."""
    if isinstance(model, type) and issubclass(model, BaseSettings):
        return str(model.model_config.get("env_prefix") or "")
    return ""


def _model_type(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly or inside a container (dict[str, M], list[M], M | None)."""
    direct = _model_type(annotation)
    if direct is not None:
        return direct
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        described = _DESCRIBED_FACTORIES.get(field.default_factory)  # type: ignore[arg-type]
        if described is not None:
            return described
        value = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    return _value(value)


def _value(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, str | Path):
        return f"`{value}`"
    return f"`{to_json(value).decode()}`"


def _allowed(field: FieldInfo) -> str:
    literal = _literal_values(field.annotation)
    if literal:
        return ", ".join(f"`{v}`" for v in literal)
    bounds = []
    for meta in field.metadata:
        for attr, symbol in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            if isinstance(meta, getattr(annotated_types, attr.capitalize())):
                bounds.append(f"{symbol} {getattr(meta, attr)}")
    return ", ".join(bounds)


def _literal_values(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    return ()


def _first_line(doc: str | None) -> str:
    return " ".join(doc.split()) if doc else ""


def _cell(text: str) -> str:
    """Text safe in a markdown table cell: pipes escaped, and angle brackets outside code spans."""
    parts = " ".join(text.split()).replace("|", "\\|").split("`")
    return "`".join(p if i % 2 else p.replace("<", "&lt;").replace(">", "&gt;") for i, p in enumerate(parts))


if __name__ == "__main__":
    print(settings_markdown(), end="")
