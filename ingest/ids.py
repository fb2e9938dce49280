"""Document ids for files: readable, unique per file path, stable across re-ingests (pure functions).

A file's id is the slug of its name without extension (``22usc_ch85.txt`` → ``22usc_ch85``) when no other
file wants it. Files that would share an id — ``x.md`` beside ``x.txt``, two ``index.html`` in two folders —
get the first candidate no other file wants: the slug of the name with its extension (``x-txt``), then the name
qualified by its folders (``briefings-index``, ``2024-briefings-index``), then a number. A file already indexed
keeps the id it was indexed under, so adding a file never renames another document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .meta import slugify

_MAX_FOLDERS = 4


@dataclass(frozen=True)
class AssignedId:
    doc_id: str
    note: str | None = None  # why the file did not get the plain slug of its name


def candidate_ids(path: Path, *, by_extension: bool = True) -> list[str]:
    """The ids `path` may get, most readable first; `by_extension=False` leaves out the name with its extension
    (no help when the files that want the same id have the same name)."""
    path = Path(path)
    stem, name = slugify(path.stem), slugify(path.name)
    out = [stem, name] if by_extension else [stem]
    folders = [slugify(part) for part in reversed(path.parent.parts) if part not in ("/", "", ".", "..")]
    for n in range(1, min(len(folders), _MAX_FOLDERS) + 1):
        out.append("-".join([*reversed(folders[:n]), stem]))
    return list(dict.fromkeys(out))


def assign_ids(files: Sequence[Path], known: Mapping[str, str | None]) -> dict[Path, AssignedId]:
    """An id for each file. `known`: the indexed documents, doc id → the resolved path of the file it came from
    (None when it came from no file). A known file keeps its id; the others get the first candidate
    (`candidate_ids`) that no indexed document has and no other new file wants at the same step."""
    by_file = {f: doc_id for doc_id, f in known.items() if f}
    taken = set(known)
    out: dict[Path, AssignedId] = {}
    new: list[Path] = []
    for f in files:
        doc_id = by_file.get(_resolved(f))
        if doc_id is not None:
            out[f] = AssignedId(doc_id)
        else:
            new.append(f)
    # the file names that want each plain id: the known document's file and the new files
    names: dict[str, list[str]] = {}
    for doc_id, known_file in known.items():
        names.setdefault(doc_id, []).append(Path(known_file).name.lower() if known_file else "")
    for f in new:
        names.setdefault(slugify(f.stem), []).append(f.name.lower())
    pending = [(f, candidate_ids(f, by_extension=names[slugify(f.stem)].count(f.name.lower()) == 1)) for f in new]
    step = 0
    while pending:
        wanted = Counter(c[step] for _, c in pending if step < len(c))
        rest: list[tuple[Path, list[str]]] = []
        for f, cands in pending:
            if step >= len(cands):
                out[f] = AssignedId(_numbered(cands[-1], taken), _note(f, cands[0], known))
                taken.add(out[f].doc_id)
            elif wanted[cands[step]] == 1 and cands[step] not in taken:
                out[f] = AssignedId(cands[step], _note(f, cands[0], known) if step else None)
                taken.add(cands[step])
            else:
                rest.append((f, cands))
        pending, step = rest, step + 1
    return out


def _note(path: Path, plain: str, known: Mapping[str, str | None]) -> str:
    if plain in known:
        other = known[plain]
        return f"id {plain!r} is already used by {other or 'another document'}"
    return f"id {plain!r} is wanted by other files of the same name"


def _numbered(base: str, taken: set[str]) -> str:
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _resolved(path: Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)
