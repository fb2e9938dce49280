"""HTML → main text. Scripts, styles, navigation, headers, footers and asides are dropped; headings are kept
as markdown heading lines (``## Heading``) so the chunker sees the page's structure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString

DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg",
             "iframe", "button", "select", "input", "head")
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
BLOCK_TAGS = ("p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "td", "th", "pre",
              "blockquote", "dt", "dd", "dl", "figure", "figcaption", "hr", "address", "details", "summary")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class HtmlText:
    text: str  # paragraphs separated by blank lines, headings as "#"-prefixed lines
    title: str | None  # <title> or the first <h1>
    lang: str | None  # the <html lang> attribute


def _clean_inline(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def html_to_text(html: str) -> HtmlText:
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = _clean_inline(title_tag.get_text()) if title_tag else None
    html_tag = soup.find("html")
    lang = html_tag.get("lang") if html_tag else None

    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": True}):
        if not tag.decomposed and str(tag.get("role", "")).lower() in _DROP_ROLES:
            tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        if not tag.decomposed:
            tag.decompose()

    root = soup.find("main") or soup.find("article") or soup.find("body") or soup
    h1 = root.find("h1")
    if not title and h1:
        title = _clean_inline(h1.get_text())

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
    return HtmlText(text=text, title=title or None, lang=str(lang) if lang else None)
