"""What clients see of server paths: a document's `source` relative to the folder it came from (the upload
library, a re-index root, the sample corpus), and messages with the server's own directories replaced by names.
Absolute server paths never leave the server through the HTTP API."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def public_source(source: str, roots: Sequence[tuple[str, Path]]) -> str:
    """`source` as '<root name>/<relative path>' under the first root that holds it, else just its file name.
    A source that is not an absolute path (an id, a URL) is returned unchanged."""
    if not source or not os.path.isabs(source):
        return source
    path = Path(source)
    for name, root in roots:
        try:
            rel = path.relative_to(root)
        except ValueError:
            try:
                rel = path.resolve().relative_to(root.resolve())
            except (ValueError, OSError):
                continue
        return f"{name}/{rel.as_posix()}" if name else rel.as_posix()
    return path.name


def redact(message: str, roots: Sequence[tuple[str, Path]]) -> str:
    """`message` with every root directory replaced by its name, and any other absolute path by its file name."""
    for name, root in sorted(roots, key=lambda r: -len(str(r[1]))):
        for form in {str(root), str(root.resolve()) if root.exists() else str(root)}:
            message = message.replace(form, f"<{name}>" if name else "")
    return re.sub(r"(?<![\w<>.])/(?:[^\s/:'\"]+/)+([^\s/:'\"]+)", r"\1", message)


def with_public_sources(value: Any, roots: Sequence[tuple[str, Path]]) -> Any:
    """A copy of a pydantic model (or a list of them) whose `source` fields, at any depth, are public."""
    if isinstance(value, list):
        return [with_public_sources(v, roots) for v in value]
    if not isinstance(value, BaseModel):
        return value
    update: dict[str, Any] = {}
    for name in type(value).model_fields:
        field = getattr(value, name)
        if name == "source" and isinstance(field, str):
            update[name] = public_source(field, roots)
        elif name == "path" and isinstance(field, str):
            update[name] = public_source(field, roots)
        elif name == "message" and isinstance(field, str):
            update[name] = redact(field, roots)
        elif isinstance(field, (list, BaseModel)):
            update[name] = with_public_sources(field, roots)
    return value.model_copy(update=update) if update else value
