"""Citation cards and the answer's copy text, as pure functions of an `Answer`.

- A card shows its passage without markdown markup; only the sentences the answer quotes from it are marked
  (the cited span when the answer's words are not found verbatim, as with an LLM's paraphrase).
- Closest passages of an abstention are shown unmarked, under a "not an answer" tag.
- Cards that share a label say what tells them apart: the page, the subsection, or the passage's opening words.
- Each card links to the document viewer at its passage (`/documents/{doc_id}/view?chunk=…`)."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from urllib.parse import quote, urlencode

from app.answer.types import Answer, Citation
from app.web.markup import clean, plain

_MARKERS = re.compile(r"\s*\[(?:\d+|unsupported)\](?:\s*\[(?:\d+|unsupported)\])*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _esc(text: str) -> str:
    """Escape for HTML inside a chat message (markdown-active characters as entities, newlines as <br>)."""
    escaped = html.escape(text, quote=True)
    escaped = escaped.replace("$", "&#36;").replace("*", "&#42;").replace("_", "&#95;").replace("`", "&#96;")
    return re.sub(r"\r?\n", "<br>", escaped)


def sentence_text(text: str) -> str:
    """An answer sentence without its [n] / [unsupported] markers."""
    return _MARKERS.sub("", text).strip()


def _find(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where `needle` occurs in `haystack`, ignoring differences in whitespace; None when it does not."""
    words = [re.escape(w) for w in needle.split()]
    if not words:
        return None
    m = re.search(r"\s+".join(words), haystack)
    return (m.start(), m.end()) if m else None


def quoted_spans(c: Citation, answer: Answer) -> list[tuple[int, int]]:
    """The spans of `c.text` that the answer's sentences citing `c` quote, in order; the cited span when no
    sentence is found verbatim in the passage."""
    spans = []
    for s in answer.sentences:
        if c.n not in s.citations:
            continue
        text = sentence_text(s.text).strip(" …\"'“”")
        for candidate in (text, text.rstrip(".")):
            found = _find(c.text, candidate) if len(candidate) >= 8 else None
            if found:
                spans.append(found)
                break
    if not spans and 0 <= c.span_start < c.span_end <= len(c.text):
        spans.append((c.span_start, c.span_end))
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without markdown markup, escaped, with the given spans (original offsets) in <mark>."""
    clean_text = plain(text)
    mapped = _merged([clean_text.span(a, b) for a, b in spans if 0 <= a < b <= len(text)])
    parts, at = [], 0
    for a, b in mapped:
        if b <= a:
            continue
        parts.append(_esc(clean_text.text[at:a]))
        parts.append(f"<mark>{_esc(clean_text.text[a:b])}</mark>")
        at = b
    parts.append(_esc(clean_text.text[at:]))
    return "".join(parts).strip()


def document_url(doc_id: str, chunk_id: str, spans: list[tuple[int, int]] | None = None) -> str:
    """The document viewer's address for a passage, with the spans (offsets in the passage) to mark."""
    params: list[tuple[str, str]] = [("chunk", chunk_id)]
    params += [("mark", f"{a}-{b}") for a, b in (spans or [])]
    return f"/documents/{quote(doc_id, safe='')}/view?{urlencode(params)}"


def viewer_url(c: Citation, spans: list[tuple[int, int]] | None = None) -> str:
    """The viewer at this citation's passage, scrolled to it."""
    return document_url(c.doc_id, c.chunk_id, spans) + "#cited"


def distinctions(citations: list[Citation]) -> dict[int, str]:
    """For citations that share a label, what tells each apart (by citation number): the page when their pages
    differ, else the subsection, else the passage's opening words. Citations with a unique label get nothing."""
    groups: dict[str, list[Citation]] = defaultdict(list)
    for c in citations:
        groups[clean(c.label)].append(c)
    out: dict[int, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        pages = {c.page for c in group}
        sections = {c.section for c in group}
        for c in group:
            if len(pages) == len(group) and c.page is not None:
                out[c.n] = f"page {c.page}"
            elif len(sections) == len(group) and c.section:
                out[c.n] = clean(c.section)
            else:
                opening = " ".join(clean(c.text).split()[:8])
                out[c.n] = f"passage beginning “{opening}…”"
    return out


def _meta(c: Citation, label: str, distinction: str | None) -> str:
    parts = [c.doc_type]
    if c.date:
        parts.append(c.date)
    if c.page is not None and not (distinction or "").startswith("page "):
        parts.append(f"p. {c.page}")
    section = clean(c.section or "")
    if section and section not in label and section != distinction:
        parts.append(section)
    meta = _esc(" · ".join(parts))
    if distinction:
        meta += f' · <span class="pqa-distinct">{_esc(distinction)}</span>'
    return meta


def citation_card(c: Citation, spans: list[tuple[int, int]], *, distinction: str | None = None) -> str:
    """One numbered source card: label, title, metadata, the passage with the quoted spans marked, and a link
    to the passage in its document."""
    label, title = clean(c.label), clean(c.title)
    repeated = label.startswith(title[:40].rstrip())  # labels of untitled units already start with the title
    title_html = "" if repeated else f'<div class="pqa-card-title">{_esc(title)}</div>'
    return (
        f'<div class="pqa-card" data-n="{c.n}">'
        f'<div class="pqa-card-head"><span class="pqa-n">[{c.n}]</span> <span class="pqa-label">{_esc(label)}</span>'
        f'<a class="pqa-open" href="{html.escape(viewer_url(c, spans))}" target="_blank" rel="noopener" '
        f'title="Open this passage in its document">open in document ↗</a></div>'
        f"{title_html}"
        f'<div class="pqa-card-meta">{_meta(c, label, distinction)}</div>'
        f'<div class="pqa-passage">{marked_html(c.text, spans)}</div>'
        "</div>"
    )


def closest_card(c: Citation) -> str:
    """A passage found for an abstention: unmarked and tagged as not an answer."""
    label, title = clean(c.label), clean(c.title)
    repeated = label.startswith(title[:40].rstrip())
    title_html = "" if repeated else f'<div class="pqa-card-title">{_esc(title)}</div>'
    words = clean(c.text).split()
    text = " ".join(words[:60]) + (" …" if len(words) > 60 else "")
    return (
        '<div class="pqa-card pqa-closest">'
        f'<div class="pqa-card-head"><span class="pqa-not-answer">not an answer</span> '
        f'<span class="pqa-label">{_esc(label)}</span>'
        f'<a class="pqa-open" href="{html.escape(viewer_url(c))}" target="_blank" rel="noopener">'
        "open in document ↗</a></div>"
        f"{title_html}"
        f'<div class="pqa-card-meta">{_meta(c, label, None)}</div>'
        f'<div class="pqa-passage">{_esc(text)}</div>'
        "</div>"
    )


def cited(answer: Answer) -> list[Citation]:
    """The citations the answer's sentences carry (all of them when the answer has no sentences)."""
    if not answer.sentences:
        return list(answer.citations)
    numbers = {n for s in answer.sentences for n in s.citations}
    return [c for c in answer.citations if c.n in numbers]


def sources_html(answer: Answer, title: str = "Sources") -> str:
    citations = cited(answer)
    if not citations:
        return ""
    distinct = distinctions(citations)
    cards = "".join(citation_card(c, quoted_spans(c, answer), distinction=distinct.get(c.n)) for c in citations)
    return f'<div class="pqa-cards-title">{_esc(title)}</div>{cards}'


def closest_html(answer: Answer) -> str:
    if not answer.closest:
        return ""
    cards = "".join(closest_card(c) for c in answer.closest)
    return (
        '<details class="pqa-closest-list"><summary class="pqa-cards-title">'
        f"Closest passages found ({len(answer.closest)}) — they do not answer the question</summary>{cards}</details>"
    )


def reference_line(c: Citation) -> str:
    """`[n] label — title (date, p. N)` for copied and exported answers."""
    label, title = clean(c.label), clean(c.title)
    extra = [x for x in (c.date, f"p. {c.page}" if c.page is not None else None) if x]
    head = label if label.startswith(title[:40].rstrip()) else f"{label} — {title}"
    return f"[{c.n}] {head}" + (f" ({', '.join(extra)})" if extra else "")


def answer_markdown(answer: Answer) -> str:
    """The answer as plain text / markdown: the text with its [n] markers, then numbered references."""
    if answer.abstained:
        lines = [answer.text.strip()]
        if answer.closest:
            lines += ["", "Closest passages (not an answer):"]
            lines += [f"- {reference_line(c)[len(f'[{c.n}] ') :]}" for c in answer.closest]
        return "\n".join(lines)
    text = answer.text.strip()
    if answer.sentences:
        text = " ".join(
            sentence_text(s.text) + "".join(f"[{n}]" for n in s.citations) + ("" if s.supported else " (unsupported)")
            for s in answer.sentences
        )
    refs = [reference_line(c) for c in cited(answer)]
    return text + ("\n\nReferences:\n" + "\n".join(refs) if refs else "")


def copy_button(answer: Answer) -> str:
    """A button that copies the answer as text with its references, and that text in a hidden element (chat
    messages are sanitised: the page's script reads the text from the element, with <br> as line breaks)."""
    return (
        '<button class="pqa-copy" type="button" title="Copy the answer as text with numbered references">'
        f'Copy answer</button><div class="pqa-plain">{_esc(answer_markdown(answer))}</div>'
    )
