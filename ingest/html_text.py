"""HTML → main text. Scripts, styles, navigation, headers, footers and asides are dropped; headings are kept
as markdown heading lines (``## Heading``) so the chunker sees the page's structure. The page's own metadata
(``<title>``, first ``<h1>``, ``<meta>`` tags, JSON-LD ``datePublished``) is returned beside the text for
`ingest.infer` to choose a title and a date from."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, CData, NavigableString

from .html_guard import TIME_BUDGET_S, HtmlBudgetError, markup_profile, over_budget, streaming_text, tidy
from .tables import row_line

DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "svg",
    "iframe",
    "button",
    "select",
    "input",
    "head",
)
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
# Page furniture named by its class or id: related / popular article lists, sidebars, share bars, breadcrumbs,
# comments, newsletter boxes, ads, cookie notices, menus, copyright lines ("related-news", "sidebar", "gnb").
_DROP_CLASS = re.compile(
    r"^(?:related|recommend(?:ed|ations?)?|popular|most[-_]?(?:read|viewed|popular)|trending|sidebar|side[-_]bar|"
    r"share|sharing|social|sns|breadcrumbs?|comments?|newsletter|subscribe|subscription|advert\w*|ads?|"
    r"ad[-_]\w+|cookie\w*|gnb|lnb|snb|menu|copyright|print[-_]?only|skip[-_]?(?:link|nav)\w*|"
    r"board[-_]nav|prev[-_]?next|pager|pagination|post[-_]nav(?:igation)?)(?:[-_]\w+)*$",
    re.IGNORECASE,
)
BLOCK_TAGS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "th",
    "pre",
    "blockquote",
    "dt",
    "dd",
    "dl",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
DATA_CELL_CHARS = 300  # a table whose cells are all this short is data (rows → lines); longer cells mean layout
_META_KEY_ATTRS = ("property", "name", "itemprop", "http-equiv")
_LD_DATE_KEYS = ("datePublished", "dateCreated")

logger = logging.getLogger(__name__)


def is_page_furniture(tag) -> bool:
    """True for an element (not the page's body or main text) whose class or id names page furniture
    (`_DROP_CLASS`): "<div class="related-news">", "<ul id="popular-list">"."""
    if tag.name in ("html", "body", "main", "article", "h1"):
        return False
    names = [*(tag.get("class") or []), *str(tag.get("id") or "").split()]
    return any(_DROP_CLASS.match(str(n)) for n in names)


_LINK_LIST_HEADING = re.compile(
    r"^\s*(?:related(?: (?:articles?|content|news|stories|links|posts|releases|reading))?|more (?:from|on|news|stories)\b.*|"
    r"see also|read (?:more|next)|recommended(?: (?:articles?|reading))?|most (?:read|popular|viewed)|"
    r"관련\s*기사|관련\s*뉴스|관련\s*보도|많이\s*본\s*(?:기사|뉴스)|추천\s*기사|함께\s*볼\s*기사)\s*:?\s*$",
    re.IGNORECASE,
)


def drop_link_lists(soup, dropped: set[int]) -> None:
    """Leave out a "Related" / "관련 기사" heading and the list of links that follows it (other pages' headlines):
    their ids go into `dropped`."""
    for heading in soup.find_all(HEADINGS):
        if id(heading) in dropped or not _LINK_LIST_HEADING.match(heading.get_text(" ", strip=True)):
            continue
        sibling = heading.find_next_sibling()
        while sibling is not None and sibling.name in ("ul", "ol", "div", "p") and _mostly_links(sibling):
            dropped.add(id(sibling))
            sibling = sibling.find_next_sibling()
        dropped.add(id(heading))


def _mostly_links(tag) -> bool:
    text = tag.get_text(" ", strip=True)
    linked = " ".join(a.get_text(" ", strip=True) for a in tag.find_all("a"))
    return bool(text) and len(linked) >= 0.6 * len(text)


@dataclass(frozen=True)
class HtmlText:
    text: str  # paragraphs separated by blank lines, headings as "#"-prefixed lines
    title: str | None  # <title>, else the first <h1> of the main content
    lang: str | None  # the <html lang> attribute
    h1: str | None = None  # the first <h1> of the main content (without the page header's)
    # <meta> tags by lower-cased property/name/itemprop ("article:published_time", "og:site_name", "dc.date"),
    # first occurrence wins; itemprop elements without `content` give their `datetime`; JSON-LD
    # datePublished/dateCreated are added under "datepublished"/"datecreated" when no tag has them.
    meta: dict[str, str] = field(default_factory=dict)


def _clean_inline(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _ld_values(node: Any, key: str) -> list[str]:
    """String values of `key` anywhere in a JSON-LD structure (objects, lists, @graph)."""
    if isinstance(node, dict):
        found = [str(node[key])] if isinstance(node.get(key), (str, int)) else []
        return found + [v for child in node.values() for v in _ld_values(child, key)]
    if isinstance(node, list):
        return [v for child in node for v in _ld_values(child, key)]
    return []


def page_meta(soup: BeautifulSoup) -> dict[str, str]:
    """The page's metadata tags (see `HtmlText.meta`)."""
    meta: dict[str, str] = {}
    for tag in soup.find_all(attrs={"itemprop": True}) + soup.find_all("meta"):
        value = tag.get("content") or tag.get("datetime")
        if not value and str(tag.get("itemprop", "")) in _LD_DATE_KEYS:  # <span itemprop=datePublished>5 March…
            value = tag.get_text()
        if not value:
            continue
        for attr in _META_KEY_ATTRS:
            key = tag.get(attr)
            if key:
                meta.setdefault(str(key).strip().lower(), _clean_inline(str(value)))
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            logger.debug("unparsable JSON-LD block skipped")
            continue
        for key in _LD_DATE_KEYS:
            values = _ld_values(data, key)
            if values:
                meta.setdefault(key.lower(), values[0])
    return meta


def _cell_text(cell: Any) -> str:
    return _clean_inline(cell.get_text(" "))


def table_rows(table: Any, cell_text: Callable[[Any], str] = _cell_text) -> list[str] | None:
    """A data table as one line per row, each cell named by its column header ("구분: 기관; 성명/기관명: 릉라도건설;
    지정 사유: 해외노동자 송출"), or cells joined by " | " when there is no header row; the caption first. None for a
    layout table (a nested table, or a cell longer than `DATA_CELL_CHARS`): its cells stay paragraphs. A row is
    then a sentence an answer can quote whole, instead of one paragraph per cell."""
    if table.find("table"):
        return None
    rows = [tr for tr in table.find_all("tr")]
    cells = [[cell_text(c) for c in tr.find_all(("td", "th"))] for tr in rows]
    if not rows or any(len(c) > DATA_CELL_CHARS for row in cells for c in row):
        return None
    header: list[str] | None = None
    body = list(zip(rows, cells))
    if body and body[0][0].find_all("th") and not body[0][0].find_all("td"):
        header = body[0][1]
        body = body[1:]
    lines = []
    caption = table.find("caption")
    if caption and cell_text(caption):
        lines.append(cell_text(caption))
    lines += [row_line(row, header) for _, row in body if any(row)]
    if header and not body:
        lines.append(row_line(header))
    return lines


def html_to_text(html: str, *, budget_s: float = TIME_BUDGET_S) -> HtmlText:
    """The page's main text and metadata. Pages too large or too deeply nested for a parse tree
    (`html_guard.markup_profile`) are read by the streaming extractor instead; either way the work is linear in
    the page's size and stops with `HtmlBudgetError` past `budget_s` seconds."""
    if not markup_profile(html).fits_tree:
        return _streamed(html, budget_s)
    deadline = time.monotonic() + budget_s
    soup = BeautifulSoup(html, "html.parser")
    _check(deadline, budget_s)
    title_tag = soup.find("title")
    title = _clean_inline(title_tag.get_text()) if title_tag else None
    html_tag = soup.find("html")
    lang = html_tag.get("lang") if html_tag else None
    meta = page_meta(soup)

    # elements left out of the text, by id (the tree is never edited: edits cost a scan of the parent each)
    dropped: set[int] = {id(tag) for tag in soup.find_all(DROP_TAGS)}
    dropped.update(
        id(tag) for tag in soup.find_all(attrs={"role": True}) if str(tag.get("role", "")).lower() in _DROP_ROLES
    )
    dropped.update(id(tag) for tag in soup.find_all(attrs={"hidden": True}))
    dropped.update(id(tag) for tag in soup.find_all(is_page_furniture))
    drop_link_lists(soup, dropped)
    _check(deadline, budget_s)

    root = _first(soup, "main", dropped) or _first(soup, "article", dropped) or _first(soup, "body", dropped) or soup
    h1_tag = _first(root, "h1", dropped)
    h1 = _clean_inline(_visible_text(h1_tag, dropped, deadline, budget_s)) if h1_tag else None
    if not title and h1:
        title = h1
    text = tidy(_visible_text(root, dropped, deadline, budget_s, layout=True))
    return HtmlText(text=text, title=title or None, lang=str(lang) if lang else None, h1=h1 or None, meta=meta)


def _check(deadline: float, budget_s: float) -> None:
    if time.monotonic() > deadline:
        raise HtmlBudgetError(over_budget(budget_s))


def _kept(tag: Any, dropped: set[int]) -> bool:
    return not any(id(t) in dropped for t in (tag, *tag.parents))


def _first(scope: Any, name: str, dropped: set[int]) -> Any:
    """The first `name` element in `scope` that is not left out (nor inside something left out)."""
    return next((tag for tag in scope.find_all(name) if _kept(tag, dropped)), None)


_TEXT_TYPES = (NavigableString, CData)


def _visible_text(
    node: Any, dropped: set[int], deadline: float, budget_s: float, *, layout: bool = False, sep: str = ""
) -> str:
    """The text of `node` without the left-out elements, by an iterative walk. With `layout`, data tables become
    one line per row, headings markdown heading lines, `<br>` a line break and block elements are set apart by
    blank lines."""
    parts: list[str] = []
    stack: list[Any] = [node]
    seen = 0
    while stack:
        item = stack.pop()
        if isinstance(item, str) and not isinstance(item, NavigableString):  # a closing marker
            parts.append(item)
            continue
        if isinstance(item, NavigableString):
            if type(item) in _TEXT_TYPES:
                parts.append(str(item))
            continue
        seen += 1
        if seen % 2000 == 0:
            _check(deadline, budget_s)
        if id(item) in dropped:
            continue
        if layout and item is not node:
            name = item.name
            if name == "br":
                parts.append("\n")
                continue
            if name == "table":
                lines = table_rows(
                    item, lambda c: _clean_inline(_visible_text(c, dropped, deadline, budget_s, sep=" "))
                )
                if lines is not None:
                    parts.append("\n\n" + "\n\n".join(lines) + "\n\n")
                    continue
            if name in HEADINGS:
                heading = _clean_inline(_visible_text(item, dropped, deadline, budget_s))
                parts.append(f"\n\n{'#' * int(name[1])} {heading}\n\n")
                continue
            if name in BLOCK_TAGS:
                parts.append("\n\n")
                stack.append("\n\n")
        stack.extend(reversed(list(item.children)))
    return sep.join(parts)


def _streamed(html: str, budget_s: float) -> HtmlText:
    logger.info("large or deeply nested HTML (%d characters): reading it without a parse tree", len(html))
    page = streaming_text(html, budget_s=budget_s)
    title = _clean_inline("".join(page.title)) or None
    h1 = page.h1[0] if page.h1 else None
    text = tidy("".join(page.parts))
    return HtmlText(text=text, title=title or h1, lang=page.lang, h1=h1, meta=page.meta)
