"""The document viewer: `GET /documents/{doc_id}/view?chunk=<chunk_id>&mark=<start>-<end>` returns a self-contained
HTML page (no outside asset) with the cited passage in its context and the marked spans in <mark>.

Context: for a paged document (a PDF), the text of the cited page, with links to the previous and next page; for
other documents, the section that holds the passage (a window of passages around it when the section is long or
unnamed), with links to the previous and next section. The page also shows the document's metadata.
`render_view` is a pure function of the document, its passages and the request; `router` adapts it to HTTP."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from app.services import BadRequest, NotFound, Services
from app.web.cards import document_url
from app.web.markup import clean, plain
from index.types import DocumentInfo, Passage

WINDOW = 4  # passages shown either side of the cited one when its section is long or unnamed
_SPAN = re.compile(r"^(\d+)-(\d+)$")


@dataclass(frozen=True)
class Context:
    """Which passages to show and where the neighbouring pages/sections start (first passage of each)."""

    shown: list[Passage]
    kind: str  # "page" | "section"
    name: str
    previous: Passage | None
    following: Passage | None


def parse_marks(marks: list[str]) -> list[tuple[int, int]]:
    """`['12-40', …]` -> [(12, 40), …]; BadRequest for anything else."""
    spans = []
    for mark in marks:
        m = _SPAN.match(mark.strip())
        if not m or int(m.group(1)) >= int(m.group(2)):
            raise BadRequest(f"mark={mark!r}: expected START-END character offsets in the passage, START < END")
        spans.append((int(m.group(1)), int(m.group(2))))
    return spans


def context(passages: list[Passage], cited: int) -> Context:
    """The passages around `passages[cited]` to show, by page when the document has pages, else by section."""
    p = passages[cited]
    if p.page is not None:
        shown = [q for q in passages if q.page == p.page]
        before = [q for q in passages[:cited] if q.page is not None and q.page < p.page]
        after = [q for q in passages[cited:] if q.page is not None and q.page > p.page]
        previous = next((q for q in passages if before and q.page == before[-1].page), None)
        return Context(shown, "page", f"Page {p.page}", previous, after[0] if after else None)
    lo = hi = cited
    while lo > 0 and p.section and passages[lo - 1].section == p.section:
        lo -= 1
    while hi + 1 < len(passages) and p.section and passages[hi + 1].section == p.section:
        hi += 1
    previous = following = None
    if p.section:
        if lo > 0:
            start = lo - 1
            while start > 0 and passages[start - 1].section == passages[lo - 1].section:
                start -= 1
            previous = passages[start]
        following = passages[hi + 1] if hi + 1 < len(passages) else None
    lo, hi = max(lo, cited - WINDOW), min(hi, cited + WINDOW)
    if not p.section:
        lo, hi = max(0, cited - WINDOW), min(len(passages) - 1, cited + WINDOW)
        previous = passages[lo - 1] if lo > 0 else None
        following = passages[hi + 1] if hi + 1 < len(passages) else None
    name = clean(p.section) if p.section else f"Passages {lo + 1}–{hi + 1} of {len(passages)}"
    return Context(passages[lo : hi + 1], "section", name, previous, following)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _passage_html(text: str, spans: list[tuple[int, int]]) -> str:
    clean_text = plain(text)
    mapped = sorted(clean_text.span(a, b) for a, b in spans if 0 <= a < b <= len(text))
    parts, at = [], 0
    for a, b in mapped:
        if b <= a or a < at:
            continue
        parts.append(_esc(clean_text.text[at:a]))
        parts.append(f"<mark>{_esc(clean_text.text[a:b])}</mark>")
        at = b
    parts.append(_esc(clean_text.text[at:]))
    return "".join(parts).strip()


def _trimmed(shown: list[Passage]) -> list[tuple[Passage, int]]:
    """Each shown passage with how many of its leading characters repeat the previous one (overlapping chunks)."""
    out, end = [], -1
    for q in shown:
        skip = 0
        if 0 <= q.start < end and len(q.text) == q.end - q.start:
            skip = min(end - q.start, len(q.text))
        out.append((q, skip))
        end = max(end, q.end)
    return out


def render_view(doc: DocumentInfo, passages: list[Passage], chunk_id: str, spans: list[tuple[int, int]]) -> str:
    """The viewer page for `chunk_id` of `doc` (NotFound when the document holds no such passage)."""
    cited = next((i for i, q in enumerate(passages) if q.chunk_id == chunk_id), None)
    if cited is None:
        raise NotFound(f"document {doc.doc_id!r} has no passage {chunk_id!r}")
    p = passages[cited]
    ctx = context(passages, cited)
    blocks = []
    for q, skip in _trimmed(ctx.shown):
        text = q.text[skip:]
        if not text.strip():
            continue
        if q.chunk_id == p.chunk_id:
            shifted = [(a - skip, b - skip) for a, b in spans if b - skip > 0]
            shifted = [(max(a, 0), b) for a, b in shifted]
            body = _passage_html(text, shifted)
            blocks.append(f'<div class="passage cited" id="cited">{body}</div>')
        else:
            link = document_url(doc.doc_id, q.chunk_id)
            blocks.append(
                f'<div class="passage"><a class="anchor" href="{_esc(link)}#cited">¶</a>{_passage_html(text, [])}</div>'
            )
    nav = []
    word = "page" if ctx.kind == "page" else "section"
    if ctx.previous is not None:
        target = f"page {ctx.previous.page}" if ctx.kind == "page" else clean(ctx.previous.section or "")
        nav.append(
            f'<a rel="prev" href="{_esc(document_url(doc.doc_id, ctx.previous.chunk_id))}#cited">← previous {word}'
            f"{': ' + _esc(target) if target else ''}</a>"
        )
    if ctx.following is not None:
        target = f"page {ctx.following.page}" if ctx.kind == "page" else clean(ctx.following.section or "")
        nav.append(
            f'<a rel="next" href="{_esc(document_url(doc.doc_id, ctx.following.chunk_id))}#cited">next {word}'
            f"{': ' + _esc(target) if target else ''} →</a>"
        )
    meta = [
        ("Type", doc.doc_type),
        ("Date", doc.date or "—"),
        ("Language", {"en": "English", "ko": "Korean"}.get(doc.language, doc.language)),
        ("Source", doc.source),
        ("Document id", doc.doc_id),
        ("Passages", str(len(passages))),
    ]
    cited_meta = [("Cited", clean(p.label))]
    if p.page is not None:
        cited_meta.append(("Page", str(p.page)))
    if p.section:
        cited_meta.append(("Section", clean(p.section)))
    rows = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in [*cited_meta, *meta])
    nav_html = f"<nav>{' '.join(nav)}</nav>" if nav else ""
    return f"""<!doctype html>
<html lang="{_esc(doc.language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(clean(p.label))} — {_esc(clean(doc.title))}</title>
<style>{VIEWER_CSS}</style></head>
<body><header><h1>{_esc(clean(doc.title))}</h1><dl class="meta">{rows}</dl></header>
{nav_html}
<main><h2 class="context">{_esc(ctx.name)}</h2>{"".join(blocks)}</main>
{nav_html}
</body></html>"""


VIEWER_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans KR', sans-serif; max-width: 52em;
  margin: 0 auto; padding: 1em; line-height: 1.6; color: #111827; }
h1 { font-size: 1.3em; margin: 0 0 0.4em; }
h2.context { font-size: 1em; text-transform: uppercase; letter-spacing: 0.04em; color: #4b5563; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.1em 1em; font-size: 0.9em; margin: 0; }
dl.meta dt { color: #6b7280; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
nav { display: flex; justify-content: space-between; gap: 1em; margin: 1em 0; font-size: 0.9em; }
nav a[rel=next] { margin-left: auto; }
.passage { white-space: pre-wrap; margin: 0.6em 0; padding: 0.2em 0.6em; position: relative; }
.passage.cited { border-left: 4px solid #2563eb; background: #f8fafc; }
.passage .anchor { position: absolute; left: -1.1em; color: #9ca3af; text-decoration: none; }
mark { background: #fde68a; color: inherit; padding: 0 1px; }
"""


def router(services: Services) -> APIRouter:
    """The viewer's HTTP route over `services`."""
    api = APIRouter(tags=["library"])

    @api.get("/documents/{doc_id}/view", response_class=HTMLResponse)
    def view_document(
        doc_id: str,
        chunk: str = Query(description="The cited passage's chunk id"),
        mark: list[str] = Query(default=[], description="Spans to highlight in that passage: START-END offsets"),
    ) -> HTMLResponse:
        """The cited passage in its document (HTML): its section or page, the marked spans in <mark>, the
        document's metadata and links to the neighbouring sections or pages."""
        spans = parse_marks(mark)
        page = render_view(services.document(doc_id), services.passages(doc_id), chunk, spans)
        return HTMLResponse(page)

    return api
