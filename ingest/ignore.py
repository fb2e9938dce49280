"""Which files of a folder are not documents: `.policyqaignore` files (gitignore syntax) and the defaults for
folder boilerplate.

A folder of documents often carries files about the folder rather than documents of it: provenance notes
(``SOURCE.md``), ``README``, ``LICENSE`` and ``CHANGELOG`` files. Indexed, they rank for questions about the
documents they describe. They are skipped by default (`DEFAULT_PATTERNS`, matched case-insensitively against the
file name), and reported as "skipped (ignored)".

A ``.policyqaignore`` file in an ingested folder (or any folder below it) adds gitignore patterns, relative to the
folder holding it: ``drafts/``, ``*.pdf``, ``!README.md`` (a ``!`` pattern indexes a file the defaults skip). The
last matching pattern decides, deeper files after shallower ones, and every ``.policyqaignore`` pattern after the
defaults. Files named explicitly (not found by walking a folder) are never ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pathspec

IGNORE_FILE = ".policyqaignore"

# Folder boilerplate skipped unless a .policyqaignore re-includes it; matched against the lower-cased file name.
DEFAULT_PATTERNS: tuple[str, ...] = (
    "source",
    "source.*",
    "readme",
    "readme.*",
    "license",
    "license.*",
    "licence",
    "licence.*",
    "changelog",
    "changelog.*",
)


@dataclass(frozen=True)
class IgnoreRules:
    """The ignore rules of one ingested folder: the defaults plus its ``.policyqaignore`` files."""

    root: Path
    specs: tuple[tuple[Path, pathspec.GitIgnoreSpec], ...]  # (folder holding the file, its patterns), shallow first
    defaults: pathspec.GitIgnoreSpec

    @classmethod
    def for_folder(cls, root: Path, *, use_defaults: bool = True) -> IgnoreRules:
        root = Path(root)
        found = sorted(root.rglob(IGNORE_FILE), key=lambda p: (len(p.relative_to(root).parts), str(p)))
        specs = tuple((p.parent, read_patterns(p)) for p in found if p.is_file())
        return cls(root, specs, pathspec.GitIgnoreSpec.from_lines(DEFAULT_PATTERNS if use_defaults else ()))

    def reason(self, path: Path) -> str | None:
        """Why `path` (a file under `root`) is ignored, or None when it is a document to index."""
        decision: str | None = None
        rel = path.relative_to(self.root)
        default = self.defaults.check_file(rel.name.lower())
        if default.include:
            decision = f"default pattern '{DEFAULT_PATTERNS[default.index or 0]}'"
        for folder, spec in self.specs:
            try:
                sub = path.relative_to(folder)
            except ValueError:
                continue
            result = spec.check_file(sub.as_posix())
            if result.include is not None:
                pattern = spec.patterns[result.index or 0].pattern
                text = pattern.decode() if isinstance(pattern, bytes) else str(pattern)
                decision = f"{folder / IGNORE_FILE} pattern '{text}'" if result.include else None
        return decision


def read_patterns(path: Path) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(path.read_text(encoding="utf-8", errors="replace").splitlines())
