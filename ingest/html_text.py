"""HTML → main text. Scripts, styles, navigation, headers, footers and asides are dropped; headings are kept
as markdown heading lines (``## Heading``) so the chunker sees the page's structure. The page's own metadata
(``<title>``, first ``<h1>``, ``<meta>`` tags, JSON-LD ``datePublished``) is returned beside the text for
`ingest.infer` to choose a title and a date from."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, NavigableString

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


def drop_link_lists(soup) -> None:
    """Remove a "Related" / "관련 기사" heading and the list of links that follows it (other pages' headlines)."""
    for heading in soup.find_all(HEADINGS):
        if heading.decomposed or not _LINK_LIST_HEADING.match(heading.get_text(" ", strip=True)):
            continue
        sibling = heading.find_next_sibling()
        while sibling is not None and sibling.name in ("ul", "ol", "div", "p") and _mostly_links(sibling):
            following = sibling.find_next_sibling()
            sibling.decompose()
            sibling = following
        heading.decompose()


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


def table_rows(table: Any) -> list[str] | None:
    """A data table as one line per row, each cell named by its column header ("구분: 기관; 성명/기관명: 릉라도건설;
    지정 사유: 해외노동자 송출"), or cells joined by " | " when there is no header row; the caption first. None for a
    layout table (a nested table, or a cell longer than `DATA_CELL_CHARS`): its cells stay paragraphs. A row is
    then a sentence an answer can quote whole, instead of one paragraph per cell."""
    if table.find("table"):
        return None
    rows = [tr for tr in table.find_all("tr")]
    cells = [[_cell_text(c) for c in tr.find_all(("td", "th"))] for tr in rows]
    if not rows or any(len(c) > DATA_CELL_CHARS for row in cells for c in row):
        return None
    header: list[str] | None = None
    body = list(zip(rows, cells))
    if body and body[0][0].find_all("th") and not body[0][0].find_all("td"):
        header = body[0][1]
        body = body[1:]
    lines = []
    caption = table.find("caption")
    if caption and _cell_text(caption):
        lines.append(_cell_text(caption))
    lines += [row_line(row, header) for _, row in body if any(row)]
    if header and not body:
        lines.append(row_line(header))
    return lines


def html_to_text(html: str) -> HtmlText:
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = _clean_inline(title_tag.get_text()) if title_tag else None
    html_tag = soup.find("html")
    lang = html_tag.get("lang") if html_tag else None
    meta = page_meta(soup)

    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": True}):
        if not tag.decomposed and str(tag.get("role", "")).lower() in _DROP_ROLES:
            tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(is_page_furniture):
        if not tag.decomposed:
            tag.decompose()
    drop_link_lists(soup)

    root = soup.find("main") or soup.find("article") or soup.find("body") or soup
    h1_tag = root.find("h1")
    h1 = _clean_inline(h1_tag.get_text()) if h1_tag else None
    if not title and h1:
        title = h1

    for table in root.find_all("table"):
        if table.decomposed:
            continue
        lines = table_rows(table)
        if lines is not None:
            table.replace_with(NavigableString("\n\n" + "\n\n".join(lines) + "\n\n"))
    for br in root.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for h in root.find_all(HEADINGS):
        level = int(h.name[1])
        h.replace_with(NavigableString(f"\n\n{'#' * level} {_clean_inline(h.get_text())}\n\n"))
    for tag in root.find_all(BLOCK_TAGS):
        tag.insert_before(NavigableString("\n\n"))
        tag.insert_after(NavigableString("\n\n"))
    raw = root.get_text()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return HtmlText(text=text, title=title or None, lang=str(lang) if lang else None, h1=h1 or None, meta=meta)
