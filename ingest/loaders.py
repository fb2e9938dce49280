"""Files → `Document`: discovery, format dispatch, metadata (front matter, sidecar, detection) and the
per-file errors a batch ingest records and skips.

Size limit: files larger than `DEFAULT_MAX_BYTES` (50 MiB) are refused before reading, with a message that
says to split the file. Files up to the limit are loaded and chunked in bounded memory and time: measured on a
50 MiB English text file (whitespace counter, 2-core machine under load), loading took 2.6 s, chunking 18 s of CPU
(49,461 chunks), peak RSS 341 MB (~7x the file). The real cost of such a file is embedding: ~49k chunks at
MiniLM's ~22 chunks/s is ~40 minutes, so the limit is not raised by default. Pass ``max_bytes`` to change it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import infer
from . import meta as m
from .html_text import html_to_text
from .language import detect_language
from .ocr import MIN_PAGE_CHARS, fill_missing_pages
from .office import OFFICE_EXTENSIONS, OfficeProblem, read_office
from .pdf_text import MIN_TEXT_CHARS, PdfProblem, read_pdf
from .tables import markdown_tables_as_rows
from .textnorm import NotText, decode_bytes, normalise_text
from .types import DocType, Document, IngestError, Language

logger = logging.getLogger(__name__)

TEXT_EXTENSIONS = (".txt",)
MARKDOWN_EXTENSIONS = (".md", ".markdown")
HTML_EXTENSIONS = (".html", ".htm")
PDF_EXTENSIONS = (".pdf",)
SUPPORTED_EXTENSIONS: tuple[str, ...] = (
    TEXT_EXTENSIONS + MARKDOWN_EXTENSIONS + HTML_EXTENSIONS + PDF_EXTENSIONS + OFFICE_EXTENSIONS
)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Bumped whenever the loader reads the same file into a different Document (text or inferred title, type, date):
# with `ingest.CHUNKER_VERSION` it makes the version an index records per document (`ingest.pipeline_version`), so
# the next ingest reloads files it would otherwise skip as unchanged. 2: title / type / date inferred for
# documents without front matter (`ingest.infer`); 3: an HTML or markdown table's rows as lines with their column
# names (`ingest.tables`); 4: a title, its date and its venue are not a masthead, bills and UN meeting records
# titled by their number and symbol, a meeting record is a transcript (`ingest.infer`); 5: page furniture of HTML
# (related-article lists, share bars, board navigation) dropped (`ingest.html_text`); 6: UN documents titled after
# their agenda item, Federal Register documents by the line before AGENCY (`ingest.infer`); 7: a web page saved as
# text titled by its own headline, not a teaser of another story above it (`ingest.infer.article_headline`); 8: PDF
# pages without a text layer OCR'd (`ingest.ocr`).
LOADER_VERSION = "loader-8"

# Separator between PDF pages in `Document.text`; `Document.page_spans` records where each page is.
PAGE_SEPARATOR = "\n\n"

_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)
_USC_CHAPTER = re.compile(r"^CHAPTER\s+(\w+)\s*[-—–]\s*(.+?)\s*(?:\((.*)\))?\s*$", re.M)
_USC_TITLE_NO = re.compile(r"\b(\d+)\s+U\.S\.C\.")
_USC_TITLE_LINE = re.compile(r"^Title\s+(\d+)\b", re.M)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"}


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


def discover(paths: Iterable[Path]) -> list[Path]:
    """Expand folders recursively to supported files; sorted, de-duplicated. Hidden files and folders, metadata
    sidecars (``*.meta.yaml``/``*.meta.json``) and files a folder's ignore rules skip (`ingest.ignore`) are left
    out. Files named explicitly are kept even with an unsupported extension so that `load_document` can refuse
    them with a clear message."""
    from .discovery import find_files

    return [f.path for f in find_files(paths) if f.ignored is None]


def _title_case(s: str) -> str:
    words = s.lower().split()
    return " ".join(w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _usc_info(text: str) -> tuple[str | None, str | None]:
    """(title from the CHAPTER line, citation prefix "22 U.S.C.") for a U.S. Code chapter text."""
    head = text[:2000]
    chapter = _USC_CHAPTER.search(head)
    number = _USC_TITLE_NO.search(head) or _USC_TITLE_LINE.search(head)
    prefix = f"{number.group(1)} U.S.C." if number else None
    if not chapter:
        return None, prefix
    name = f"Chapter {chapter.group(1)} — {_title_case(chapter.group(2))}"
    return (f"{prefix} {name}" if prefix else name), prefix


def _language_value(v: Any) -> Language | None:
    s = str(v).strip().lower() if v is not None else ""
    if s in ("ko", "kor", "korean", "한국어", "ko-kr"):
        return "ko"
    if s in ("en", "eng", "english", "en-us", "en-gb"):
        return "en"
    return None


def build_document(
    text: str,
    *,
    doc_id: str,
    source: str,
    content_hash: str,
    meta: dict[str, Any] | None = None,
    title_hint: str | None = None,
    page_spans: tuple[tuple[int, int], ...] = (),
    warnings: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
    html_meta: dict[str, str] | None = None,
    ocr_pages: tuple[int, ...] = (),
) -> Document:
    """Resolve title, type, date and language from explicit metadata first, then from the text itself
    (`ingest.infer`; `title_hint` is the file format's own title, `html_meta` an HTML page's meta tags)."""
    meta = dict(meta or {})
    usc_title, usc_prefix = _usc_info(text)
    h1 = _H1.search(text[:5000])
    title = m.pick(meta, m.TITLE_KEYS)
    # a U.S. Code CHAPTER line beats a PDF's info title (often "Microsoft Word - x.docx") or an HTML <title>
    title = (
        str(title).strip()
        if title
        else (
            usc_title
            or infer.bill_title(text)
            or infer.meeting_record_title(text)
            or infer.un_document_title(text)
            or infer.federal_register_title(text)
            or title_hint
            or (h1.group(1).strip() if h1 else None)
            or infer.first_line_title(text)
            or doc_id
        )
    )
    doc_type: DocType | None = m.doc_type_from_value(m.pick(meta, m.TYPE_KEYS))
    if doc_type is None:
        doc_type = "law" if usc_title else infer.infer_doc_type(text, title, html_meta)
    date = m.parse_date(m.pick(meta, m.DATE_KEYS))
    if date is None:
        date = infer.infer_date(text, html_meta=html_meta)
    language = _language_value(m.pick(meta, m.LANGUAGE_KEYS)) or detect_language(text)

    skip = m.TITLE_KEYS + m.ID_KEYS + m.ALIAS_KEYS
    metadata = {str(k): m.plain_value(v) for k, v in meta.items() if str(k).lower() not in skip}
    metadata.update(extra or {})
    aliases = m.aliases_of(meta)
    if aliases:
        metadata["aliases"] = aliases
    kr_header = infer.korean_statute_header(text)
    if kr_header is not None:  # the law.go.kr header's fields, under the keys described statutes use
        for key, value in kr_header.as_metadata().items():
            metadata.setdefault(key, value)
    if "citation_prefix" not in metadata:
        if doc_type == "law" and usc_prefix:
            metadata["citation_prefix"] = usc_prefix
        elif doc_type == "order" and m.eo_number(title, text):
            metadata["citation_prefix"] = f"EO {m.eo_number(title, text)}"
        elif doc_type == "law" and infer.bill_number(text):
            metadata["citation_prefix"] = infer.bill_number(text)
        elif doc_type == "law" and infer.public_law_citation(title, text):
            metadata["citation_prefix"] = infer.public_law_citation(title, text)
        elif doc_type == "law" and infer.korean_short_title(text):
            metadata["citation_prefix"] = infer.korean_short_title(text)
    return Document(
        doc_id=doc_id,
        title=title,
        source=source,
        doc_type=doc_type,
        date=date,
        language=language,
        text=text,
        content_hash=content_hash,
        page_spans=page_spans,
        metadata=metadata,
        warnings=tuple(warnings),
        ocr_pages=ocr_pages,
    )


def load_text(
    text: str,
    *,
    doc_id: str,
    title: str | None = None,
    source: str = "",
    doc_type: DocType | None = None,
    date: str | None = None,
    language: Language | None = None,
    metadata: dict[str, Any] | None = None,
    front_matter: bool = False,
) -> Document:
    """A `Document` from an in-memory string (e.g. a BEIR abstract) plus metadata. Explicit arguments win
    over `metadata`, which wins over detection. With ``front_matter=True`` a leading YAML block is parsed."""
    text = normalise_text(text)
    meta: dict[str, Any] = {}
    warnings: list[str] = []
    if front_matter:
        meta, text, problem = m.split_front_matter(text)
        if problem:
            warnings.append(problem)
        text = markdown_tables_as_rows(text)
    meta.update(metadata or {})
    for key, value in (("title", title), ("doc_type", doc_type), ("date", date), ("language", language)):
        if value is not None:
            for k in [k for k in meta if str(k).lower() in _keys_for(key)]:
                del meta[k]
            meta[key] = value
    if not text.strip():
        raise IngestError(source or doc_id, "empty text: nothing to index")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return build_document(
        text, doc_id=doc_id, source=source or doc_id, content_hash=digest, meta=meta, warnings=warnings
    )


def _keys_for(field: str) -> tuple[str, ...]:
    return {"title": m.TITLE_KEYS, "doc_type": m.TYPE_KEYS, "date": m.DATE_KEYS, "language": m.LANGUAGE_KEYS}[field]


def _decode(path: Path, data: bytes, warnings: list[str]) -> str:
    try:
        decoded = decode_bytes(data)
    except NotText as e:
        raise IngestError(
            str(path),
            f"this looks like a binary file, not {path.suffix} text ({e}); "
            "check the file or give it its real extension",
        ) from e
    if decoded.converted:
        warnings.append(f"not UTF-8: decoded as {decoded.encoding} and converted to UTF-8")
        logger.info("%s: decoded as %s", path, decoded.encoding)
    return normalise_text(decoded.text)


def load_document(
    path: Path, *, doc_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, default_id: str | None = None
) -> Document:
    """Load one file into a `Document`. Raises `IngestError` (message names the file and the fix) for
    unsupported types, empty, binary, over-size, corrupt, encrypted and image-only files. The id is `doc_id`,
    else an ``id:`` of the sidecar or front matter, else `default_id`, else the slug of the file name."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise IngestError(
            str(path),
            f"unsupported file type '{ext or path.name}'; supported: "
            f"{', '.join(SUPPORTED_EXTENSIONS)} (convert it to one of these first)",
        )
    try:
        size = path.stat().st_size
    except OSError as e:
        raise IngestError(str(path), f"cannot read the file ({e.strerror or e})") from e
    if not path.is_file():
        raise IngestError(str(path), "not a regular file")
    if size == 0:
        raise IngestError(str(path), "empty file (0 bytes): nothing to index")
    if size > max_bytes:
        raise IngestError(
            str(path),
            f"file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f} MiB limit; "
            "split it into smaller files (or raise the limit) and ingest those",
        )

    warnings: list[str] = []
    meta: dict[str, Any] = {}
    sidecar = m.find_sidecar(path)
    sidecar_meta: dict[str, Any] = {}
    if sidecar:
        try:
            sidecar_meta = m.read_sidecar(sidecar)
        except (ValueError, OSError) as e:  # yaml.YAMLError and json.JSONDecodeError are ValueErrors or close
            warnings.append(f"sidecar {sidecar.name} ignored: {e}")
        except Exception as e:  # noqa: BLE001 - YAML errors are not ValueError subclasses
            warnings.append(f"sidecar {sidecar.name} ignored: {type(e).__name__}: {e}")

    data = path.read_bytes()
    content_hash = hashlib.sha256(data).hexdigest()
    title_hint = None
    html_meta: dict[str, str] | None = None
    page_spans: tuple[tuple[int, int], ...] = ()
    ocr_pages: tuple[int, ...] = ()
    extra: dict[str, Any] = {"format": ext.lstrip(".")}

    if ext in PDF_EXTENSIONS:
        try:
            pages, info = read_pdf(path, image_only_ok=True)
        except PdfProblem as e:
            raise IngestError(str(path), str(e)) from e
        pages, ocr_pages, not_ocrd = _ocr_scanned_pages(path, pages, warnings)
        text, page_spans, empty = _join_pages(pages)
        empty = [n for n in empty if n not in not_ocrd]
        if empty:
            warnings.append(f"no text on page(s) {', '.join(map(str, empty))}, also not by OCR")
        # a PDF's /Title when it names the document, else its first lines ("untitled" → "Public Law 116-92 …")
        info_title = info.get("title")
        first_page = next((text[s:e] for s, e in page_spans if text[s:e].strip()), text)  # after a blank cover
        title_hint = info_title if not infer.is_placeholder_title(info_title) else infer.first_lines_title(first_page)
        extra["pages"] = len(pages)
        if ocr_pages:
            extra["ocr_pages"] = list(ocr_pages)
    elif ext in OFFICE_EXTENSIONS:
        try:
            office = read_office(path)
        except OfficeProblem as e:
            raise IngestError(str(path), str(e)) from e
        text = normalise_text(office.text)
        title_hint = office.title if not infer.is_placeholder_title(office.title) else None
    elif ext in HTML_EXTENSIONS:
        page = html_to_text(_decode(path, data, warnings))
        text, title_hint, html_meta = page.text, infer.html_title(page.title, page.h1, page.meta), page.meta
        if page.lang:
            meta["language"] = page.lang.split("-")[0]
    else:
        text = _decode(path, data, warnings)
        meta, text, problem = m.split_front_matter(text)
        if problem:
            warnings.append(problem)
        if ext in MARKDOWN_EXTENSIONS:
            text = markdown_tables_as_rows(text)

    meta.update(sidecar_meta)
    if not text.strip():
        raise IngestError(str(path), "no text to index (the file has only whitespace, markup or metadata)")
    if _language_value(meta.get("language")) is None:
        meta.pop("language", None)
    explicit_id = doc_id or m.pick(meta, m.ID_KEYS)
    doc_id = str(explicit_id).strip() if explicit_id else default_id or m.slugify(path.stem)
    if "encoding" not in extra and any("decoded as" in w for w in warnings):
        extra["encoding_converted"] = True
    for w in warnings:
        logger.warning("%s: %s", path, w)
    return build_document(
        text,
        doc_id=doc_id,
        source=str(path),
        content_hash=content_hash,
        meta=meta,
        title_hint=title_hint,
        page_spans=page_spans,
        warnings=warnings,
        extra=extra,
        html_meta=html_meta,
        ocr_pages=ocr_pages,
    )


def _ocr_scanned_pages(
    path: Path, pages: list[str], warnings: list[str]
) -> tuple[list[str], tuple[int, ...], tuple[int, ...]]:
    """`pages` with the pages that have no text layer OCR'd (`ingest.ocr`), the numbers of the pages OCR'd and of
    those that needed OCR but could not get it (the reason is added to `warnings`). Raises
    `IngestError` when the PDF has no text at all and OCR cannot run or finds none."""
    result = fill_missing_pages(path, pages)
    if result.skipped:
        numbers = ", ".join(map(str, result.skipped))
        if sum(len("".join(p.split())) for p in result.pages) < MIN_TEXT_CHARS:
            raise IngestError(
                str(path),
                f"no text layer in {len(pages)} page(s): it is scanned or image-only and needs OCR, "
                f"but {result.problem}",
            )
        warnings.append(f"page(s) {numbers} have no text layer and were not OCR'd: {result.problem}")
    elif sum(len("".join(p.split())) for p in result.pages) < MIN_TEXT_CHARS:
        raise IngestError(
            str(path),
            f"no text in {len(pages)} page(s), also not by OCR (fewer than {MIN_PAGE_CHARS} characters read "
            "per page); check that the scan is legible and upright",
        )
    return result.pages, result.ocr_pages, result.skipped


def _join_pages(pages: list[str]) -> tuple[str, tuple[tuple[int, int], ...], list[int]]:
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    empty: list[int] = []
    pos = 0
    for i, raw in enumerate(pages, start=1):
        page = normalise_text(raw).strip()
        if not page:
            empty.append(i)
        if parts:
            parts.append(PAGE_SEPARATOR)
            pos += len(PAGE_SEPARATOR)
        spans.append((pos, pos + len(page)))
        parts.append(page)
        pos += len(page)
    return "".join(parts), tuple(spans), empty
