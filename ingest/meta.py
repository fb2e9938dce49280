"""Explicit document metadata: YAML front matter, sidecar files, doc ids, type words and the EO number.

What a document says about itself without such metadata (date, title, type) is inferred in `ingest.infer`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .dates import parse_date  # noqa: F401 - metadata values are parsed with ingest.dates (re-exported)
from .safe_yaml import MAX_TITLE_CHARS, MetadataError, bounded, load_json, load_yaml
from .script import is_hangul
from .types import DocType

SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)

# Front-matter keys (lower-cased) mapped onto Document fields. Korean statute files use Korean keys.
TITLE_KEYS = ("title", "제목", "name")
TYPE_KEYS = ("doc_type", "type", "법령구분", "kind")
DATE_KEYS = ("date", "공포일자", "시행일자", "published", "issued")
LANGUAGE_KEYS = ("language", "lang")
ID_KEYS = ("doc_id", "id")
# Other names of the document (the English name of a Korean statute, an acronym): searched and matched as its name
ALIAS_KEYS = ("aliases", "alias", "also_known_as", "별칭")

_TYPE_WORDS: dict[str, DocType] = {
    "law": "law",
    "statute": "law",
    "act": "law",
    "code": "law",
    "regulation": "law",
    "decree": "law",
    "법률": "law",
    "법령": "law",
    "대통령령": "law",
    "총리령": "law",
    "부령": "law",
    "시행령": "law",
    "시행규칙": "law",
    "조례": "law",
    "order": "order",
    "executive order": "order",
    "executive_order": "order",
    "eo": "order",
    "행정명령": "order",
    "transcript": "transcript",
    "seminar": "transcript",
    "speech": "transcript",
    "interview": "transcript",
    "hearing": "transcript",
    "녹취록": "transcript",
    "article": "article",
    "news": "article",
    "report": "article",
    "analysis": "article",
    "blog": "article",
    "commentary": "article",
    "op-ed": "article",
    "essay": "article",
    "기사": "article",
    "other": "other",
}


def split_front_matter(text: str) -> tuple[dict[str, Any], str, str | None]:
    """(metadata, body, problem). Body is the text after the closing ``---``; `problem` describes YAML that
    could not be parsed (the block is then kept as body text)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text, None
    try:
        data = load_yaml(m.group(1) or "") or {}
    except MetadataError as e:
        return {}, text, f"front matter refused ({e}); kept as text"
    except yaml.YAMLError as e:
        return {}, text, f"front matter is not valid YAML ({str(e).splitlines()[0]}); kept as text"
    if not isinstance(data, dict):
        return {}, text, "front matter is not a mapping; kept as text"
    return bounded_metadata(data), text[m.end() :], None


def find_sidecar(path: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        p = path.with_name(path.name + suffix)
        if p.is_file():
            return p
    return None


def is_sidecar(path: Path) -> bool:
    return any(path.name.endswith(s) for s in SIDECAR_SUFFIXES)


def read_sidecar(path: Path) -> dict[str, Any]:
    """Parse a ``.meta.yaml``/``.meta.json`` file; raises ValueError with the reason."""
    raw = path.read_text(encoding="utf-8")
    data = load_json(raw) if path.name.endswith(".json") else load_yaml(raw)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("sidecar metadata must be a mapping of field: value")
    return bounded_metadata(data)


def bounded_metadata(data: dict[Any, Any]) -> dict[str, Any]:
    """Metadata with every value bounded (`safe_yaml.bounded`) and titles cut to MAX_TITLE_CHARS."""
    out = bounded(data)
    for key in list(out):
        if key.lower() in TITLE_KEYS and isinstance(out[key], str):
            out[key] = out[key][:MAX_TITLE_CHARS]
    return out


def plain_value(v: Any) -> Any:
    """Front-matter values as JSON-friendly str/int/float/bool/list (dates become ISO strings)."""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [plain_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain_value(x) for k, x in v.items()}
    return str(v)


def pick(meta: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for k in keys:
        v = lowered.get(k)
        if v not in (None, "", []):
            return v
    return None


def aliases_of(meta: dict[str, Any]) -> list[str]:
    """The document's other names from `ALIAS_KEYS`: a list, or one string (several separated by ';')."""
    value = pick(meta, ALIAS_KEYS)
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(";")
    return list(dict.fromkeys(" ".join(str(a).split()) for a in items if a is not None and str(a).strip()))


def doc_type_from_value(value: Any) -> DocType | None:
    if value is None:
        return None
    s = str(value).strip().lower()
    if s in _TYPE_WORDS:
        return _TYPE_WORDS[s]
    for word, t in _TYPE_WORDS.items():
        if len(word) > 2 and word in s:
            return t
    return None


_EO_TITLE = re.compile(r"\bExecutive Order\s+(?:No\.\s*)?(\d{4,5})\b")


def slugify(stem: str) -> str:
    """Stable doc id from a file stem: lower-case ASCII letters, digits, '-', '_' and Hangul; others become '-'."""
    s = unicodedata.normalize("NFC", stem).lower()
    out = []
    for ch in s:
        if ("a" <= ch <= "z") or ch.isdigit() and ch.isascii() or ch in "-_" or is_hangul(ch):
            out.append(ch)
        else:
            out.append("-")
    slug = re.sub(r"-{2,}", "-", "".join(out)).strip("-")
    return slug or "document"


def eo_number(title: str, text: str = "") -> str | None:
    m = _EO_TITLE.search(title) or _EO_TITLE.search(text[:3000])
    return m.group(1) if m else None
