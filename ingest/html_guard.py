"""Budgets for HTML: a linear scan that tells whether a page is small and shallow enough for the tree-based
extractor (`ingest.html_text`), and a streaming, tree-free extractor for pages that are not (thousands of
unclosed or deeply nested tags, megabytes of markup). Both run in time linear in the input and stop with an
`HtmlBudgetError` past a per-file time budget."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

MAX_TREE_TAGS = 60_000  # more tags than this: the streaming extractor (a parse tree costs ~1 KB per tag)
MAX_TREE_DEPTH = 200  # deeper nesting than this (unclosed tags count): the streaming extractor
TIME_BUDGET_S = 30.0  # per file, for either extractor

VOID = frozenset("area base br col embed hr img input link meta param source track wbr basefont frame keygen".split())
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")
_RAW = frozenset(("script", "style", "template", "noscript", "svg", "head", "iframe", "select", "button"))
_BLOCK = frozenset(
    "p div section article main li ul ol table tr td th pre blockquote dt dd dl figure figcaption hr address "
    "details summary br".split()
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_ATTR_KEYS = ("property", "name", "itemprop", "http-equiv")


class HtmlBudgetError(ValueError):
    """The page exceeded the per-file time budget; the message says how to fix it."""


@dataclass(frozen=True)
class MarkupProfile:
    tags: int
    depth: int  # the deepest nesting of open elements (an unclosed tag stays open)

    @property
    def fits_tree(self) -> bool:
        return self.tags <= MAX_TREE_TAGS and self.depth <= MAX_TREE_DEPTH


def markup_profile(html: str) -> MarkupProfile:
    """Count start tags and the deepest nesting, in one linear pass (a close tag pops up to its open tag).
    A page with more `<` than twice the tag budget is reported as over it without the pass."""
    if html.count("<") > 2 * MAX_TREE_TAGS:
        return MarkupProfile(tags=html.count("<"), depth=0)
    stack: list[str] = []
    open_count: Counter[str] = Counter()
    tags = depth = 0
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if m.group(1):  # a close tag
            if open_count[name]:
                while stack:
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        tags += 1
        if name in VOID or m.group(0).endswith("/>"):
            continue
        stack.append(name)
        open_count[name] += 1
        depth = max(depth, len(stack))
    return MarkupProfile(tags=tags, depth=depth)


@dataclass
class _Collected:
    parts: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    h1: list[str] = field(default_factory=list)
    lang: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


class _StreamingText(HTMLParser):
    """Text of a page without building a tree: data outside scripts/styles, a blank line around blocks,
    headings as markdown heading lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = _Collected()
        self._raw_depth = 0
        self._in_title = False
        self._heading: int | None = None
        self._heading_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" and self.out.lang is None:
            self.out.lang = dict(attrs).get("lang")
        elif tag == "meta":
            values = dict(attrs)
            content = values.get("content")
            for key in _ATTR_KEYS:
                if content and values.get(key):
                    self.out.meta.setdefault(str(values[key]).strip().lower(), " ".join(content.split()))
        elif tag == "title":
            self._in_title = True
        if tag in _RAW and tag not in VOID:
            self._raw_depth += 1
        elif tag in _HEADINGS and self._heading is None:
            self._heading, self._heading_text = _HEADINGS[tag], []
        elif tag in _BLOCK:
            self.out.parts.append("\n" if tag == "br" else "\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _RAW and tag not in VOID:
            self._raw_depth = max(0, self._raw_depth - 1)
        elif tag in _HEADINGS and self._heading is not None:
            text = " ".join("".join(self._heading_text).split())
            if self._heading == 1 and not self.out.h1 and text:
                self.out.h1.append(text)
            self.out.parts.append(f"\n\n{'#' * self._heading} {text}\n\n")
            self._heading = None
        elif tag in _BLOCK:
            self.out.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.out.title.append(data)
        if self._raw_depth:
            return
        if self._heading is not None:
            self._heading_text.append(data)
        else:
            self.out.parts.append(data)


def streaming_text(html: str, *, budget_s: float = TIME_BUDGET_S, block: int = 1 << 16) -> _Collected:
    """The page's text, title, first h1, lang and meta tags, parsed in blocks with a time budget."""
    parser = _StreamingText()
    deadline = time.monotonic() + budget_s
    for start in range(0, len(html), block):
        parser.feed(html[start : start + block])
        if time.monotonic() > deadline:
            raise HtmlBudgetError(over_budget(budget_s))
    parser.close()
    return parser.out


def over_budget(budget_s: float) -> str:
    return (
        f"the HTML page took longer than {budget_s:.0f} s to read (pathological markup); "
        "save it as text (or print it to PDF) and ingest that"
    )


_SPACES = re.compile(r"[ \t\u00a0]+")


def tidy(raw: str) -> str:
    """Lines stripped of runs of spaces, at most one blank line in a row."""
    lines = [_SPACES.sub(" ", line).strip() for line in raw.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
