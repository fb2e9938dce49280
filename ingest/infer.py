"""Metadata inferred from a document's own text, for documents nobody described (no front matter, no sidecar).

- Date: a date in the page's HTML meta tags; a ``Date:`` line; a Korean statute's law.go.kr header; else the
  first date written in the document's header block (`header_lines`).
- Title: an HTML page's ``<h1>`` over a ``<title>`` that is the same heading plus a site name; the first lines
  of a PDF whose ``/Title`` is missing or a placeholder ("untitled", "Microsoft Word - draft3.docx").
- Doc type: structure cues (`infer_doc_type`).

All functions are pure. The loader calls them only for the fields explicit metadata (front matter, sidecar,
arguments) leaves empty: inference never overrides what someone wrote down.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .dates import find_dates, parse_date
from .script import HANGUL_SYLLABLES
from .structure import SPEAKER_TURN
from .types import DocType

# The header block: where a document states its own date (title, byline, dateline, "Adopted … on …",
# "Executive Order N of …", a statute's promulgation header). It ends where the body starts — the first
# section/article heading or numbered paragraph, or the first line longer than a header line — and after at
# most HEAD_MAX_LINES non-empty lines or HEAD_MAX_CHARS characters. Dates further in are events the text
# talks about (the missile launch a resolution condemns, the 1953 armistice a U.S. Code chapter recalls), not
# the document's date. 12 lines leave room for a site name, a title wrapped over 2-3 lines, a byline, a
# dateline and a place line; every sample document states its date within its first 3 lines.
HEAD_MAX_LINES = 12
HEAD_MAX_CHARS = 1500
HEADER_LINE_MAX = 200

# Lines that start a document's body: law sections (§ 9214., SEC. 7111., Section 1.), articles (제1조(목적),
# Article 3), numbered operative paragraphs ("1. Condemns …").
_BODY_START = re.compile(
    r"^(?:#{1,6}\s*)?(?:§\s*\d|SEC\.\s*\d|Sec\.\s*\d|Section\s+\d+\.|제\s*\d+\s*조(?:의\s*\d+)?\s*(?:\(|（|$|\s)"
    r"|Article\s+\d+\b|ARTICLE\s+[IVXLC\d]+\b|\d{1,3}\.\s+\S)"
)

# A labelled date line anywhere near the top: "**Date:** June 26, 2008", "Published: 5 March 2024".
_LABELLED_DATE = re.compile(
    r"^[*_\s]*(?:date|dated|date of issue|published|issued|posted|발표일|작성일|등록일|발행일|입력)[*_\s]*[:：][*_\s]*"
    r"(?P<value>.+?)\s*$",
    re.I | re.M,
)
LABELLED_DATE_WINDOW = 5000

# law.go.kr's header: "[시행 2016. 9. 4.] [법률 제14070호, 2016. 3. 3., 제정]"
_KR_DATE = r"\d{4}\s?\.\s?\d{1,2}\s?\.\s?\d{1,2}\.?"
_KR_EFFECTIVE = re.compile(rf"\[\s*시행\s*(?P<date>{_KR_DATE})\s*\]")
_KR_PROMULGATION = re.compile(
    rf"\[\s*(?P<kind>[{HANGUL_SYLLABLES}]+)\s*제\s*(?P<number>[\d-]+)\s*호\s*,\s*(?P<date>{_KR_DATE})\s*,?\s*(?P<change>[{HANGUL_SYLLABLES}]*)\s*\]"
)

# HTML meta tags naming the publication date, most specific first (lower-cased name / property / itemprop).
HTML_DATE_KEYS: tuple[str, ...] = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "date",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "publication_date",
    "article.published",
    "sailthru.date",
    "parsely-pub-date",
    "datecreated",
)
HTML_SITE_NAME_KEYS: tuple[str, ...] = ("og:site_name", "application-name", "apple-mobile-web-app-title")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|·|•|»|:)\s+")

# A PDF /Title that names nothing: writers' defaults and file names.
_PLACEHOLDER_TITLES = {
    "untitled",
    "untitled document",
    "no title",
    "title",
    "document",
    "anonymous",
    "(anonymous)",
    "unknown",
    "none",
    "null",
    "default",
    "print",
    "powerpoint presentation",
    "presentation",
    "slide 1",
    "microsoft word",
    "제목 없음",
    "제목없음",
    "무제",
}
_PLACEHOLDER_PATTERNS = (
    re.compile(r"^microsoft\s+(?:word|powerpoint|excel)\b", re.I),
    re.compile(r"\.(?:docx?|pdf|rtf|odt|txt|tex|indd|pages|pptx?|xlsx?|html?|hwpx?|qxd|ps|dvi)$", re.I),
    re.compile(r"^(?:untitled|document|doc|slide|page)[\s_-]*\d*$", re.I),
    re.compile(r"^[\w.:~-]*[\\/][\w\\/.: ~-]*$"),  # a path
)
TITLE_MAX_CHARS = 200

# Title-casing an all-caps heading keeps these upper-case (beyond words with digits or dots, e.g. "U.S.C.").
_ACRONYMS = {
    "US",
    "USA",
    "UN",
    "UK",
    "EU",
    "DPRK",
    "ROK",
    "PRC",
    "NATO",
    "IAEA",
    "WMD",
    "UNSC",
    "OFAC",
    "IEEPA",
    "NPT",
    "ICBM",
    "SLBM",
    "WFP",
    "UNICEF",
    "ASEAN",
    "NGO",
    "NGOS",
    "FY",
    "HR",
    "II",
    "III",
    "IV",
    "VI",
    "VII",
    "VIII",
    "IX",
    "XI",
    "XII",
}
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"}

# Doc-type cues.
_USC_SECTION = re.compile(r"^§\s*\d+[a-z]*\.", re.M)
_KR_ARTICLE = re.compile(r"^(?:#{1,6}\s*)?제\d+조(?:의\d+)?\s*(?:\(|$|\s)", re.M)
_EO_SECTION = re.compile(r"^(?:#{1,6}\s*)?(?:Sec\.|Section)\s+\d+\.", re.M)
_EO_TITLE = re.compile(r"\bExecutive Order\s+(?:No\.\s*)?(\d{4,5})\b")
_EO_HEADER = re.compile(r"^(?:#{1,6}\s*)?Executive Order\s+(?:No\.\s*)?\d{4,5}\s+of\s", re.M)
_EO_AUTHORITY = re.compile(
    r"authority vested in me as President.{0,800}?(?:hereby order|it is hereby ordered)", re.S | re.I
)
_CONGRESS_SECTION = re.compile(r"^(?:#{1,6}\s*)?SEC\.\s+\d+[A-Z]?\.", re.M)  # enrolled bills, public laws
_PUBLIC_LAW_HEADER = re.compile(
    r"^(?:#{1,6}\s*)?(?:public\s+law\s+\d+[-–]\d+|p\.\s?l\.\s+\d+[-–]\d+|an\s+act,?\s+to\s"
    r"|be\s+it\s+enacted\b)",
    re.I,
)
_ANY_SECTION = re.compile(r"^(?:#{1,6}\s*)?(?:§\s*\d|SEC\.\s+\d|Sec\.\s+\d|Section\s+\d+\.)", re.M)
_SPEAKER = SPEAKER_TURN  # "SENATOR HARRIS: …", "사회자: …" (`ingest.structure.SPEAKER_TURN`)


@dataclass(frozen=True)
class KoreanStatuteHeader:
    """What a law.go.kr statute header states: "[시행 2016. 9. 4.] [법률 제14070호, 2016. 3. 3., 제정]"."""

    promulgated: str | None  # 공포일자, ISO
    effective: str | None  # 시행일자, ISO
    kind: str | None  # 법령구분: 법률, 대통령령, 통일부령 …
    number: str | None  # 공포번호: 14070

    @property
    def date(self) -> str | None:
        """The statute's date: the promulgation date, else the entry-into-force date.

        Promulgation, because it identifies the text: Korean legal citation names a statute version by its
        number and promulgation date ("북한인권법(법률 제14070호, 2016. 3. 3. 제정)"), and the Korean statutes
        of the benchmark corpus (../shared/data/kr_law_inter_korean) are dated the same way — their front matter
        gives both 공포일자 and 시행일자 and the loader takes 공포일자 first (`meta.DATE_KEYS`). A date filter then
        treats a described and an undescribed copy of the same statute alike. The entry-into-force date is kept
        in the document's metadata as 시행일자."""
        return self.promulgated or self.effective

    def as_metadata(self) -> dict[str, str]:
        """The header's fields under the front-matter keys the benchmark statutes use."""
        fields = {
            "공포일자": self.promulgated,
            "시행일자": self.effective,
            "법령구분": self.kind,
            "공포번호": self.number,
        }
        return {k: v for k, v in fields.items() if v}


def header_lines(text: str) -> list[str]:
    """The non-empty, stripped lines of the document's header block (see HEAD_MAX_LINES)."""
    lines: list[str] = []
    used = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(lines) >= HEAD_MAX_LINES or used + len(line) > HEAD_MAX_CHARS:
            break
        if len(line) > HEADER_LINE_MAX or _BODY_START.match(line):
            break
        lines.append(line)
        used += len(line)
    return lines


def leading_date(text: str) -> str | None:
    """The first date written in the header block: a full date inside a line ("By Jane Park | March 5, 2024",
    "Adopted by the Security Council at its 8151st meeting, on 22 December 2017", "Executive Order 13382 of
    June 28, 2005"), or a line that is only a month ("February 2019" → "2019-02")."""
    for line in header_lines(text):
        found = find_dates(line)
        if found:
            return found[0].iso
        whole = parse_date(line.strip("#*_ "))
        if whole:
            return whole
    return None


def labelled_date(text: str) -> str | None:
    """The date on a ``Date:`` / ``Published:`` line near the top ("**Date:** June 26, 2008")."""
    for m in _LABELLED_DATE.finditer(text[:LABELLED_DATE_WINDOW]):
        value = m.group("value")
        iso = parse_date(value.strip("*_ ")) or next((d.iso for d in find_dates(value)), None)
        if iso:
            return iso
    return None


def korean_statute_header(text: str) -> KoreanStatuteHeader | None:
    """The law.go.kr header of a Korean statute copied as text, searched in the header window; None if absent."""
    head = text[:HEAD_MAX_CHARS]
    effective = _KR_EFFECTIVE.search(head)
    promulgation = _KR_PROMULGATION.search(head)
    if not effective and not promulgation:
        return None
    return KoreanStatuteHeader(
        promulgated=parse_date(promulgation.group("date")) if promulgation else None,
        effective=parse_date(effective.group("date")) if effective else None,
        kind=promulgation.group("kind") if promulgation else None,
        number=promulgation.group("number") if promulgation else None,
    )


def html_meta_date(meta: Mapping[str, str]) -> str | None:
    """The publication date from an HTML page's meta tags (keys lower-cased; see HTML_DATE_KEYS)."""
    lowered = {k.lower(): v for k, v in meta.items()}
    for key in HTML_DATE_KEYS:
        iso = parse_date(lowered.get(key))
        if iso:
            return iso
    return None


def infer_date(text: str, *, html_meta: Mapping[str, str] | None = None) -> str | None:
    """A document's date from its own content: HTML meta tags, a ``Date:`` line, a Korean statute header
    (promulgation date, see `KoreanStatuteHeader.date`), then the header block (`leading_date`)."""
    if html_meta:
        iso = html_meta_date(html_meta)
        if iso:
            return iso
    iso = labelled_date(text)
    if iso:
        return iso
    header = korean_statute_header(text)
    if header and header.date:
        return header.date
    return leading_date(text)


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def _norm(s: str) -> str:
    """Whitespace, case, curly quotes and dashes folded: a <title> and its <h1> may differ in typography."""
    return re.sub(r"\s+", " ", s.translate(_QUOTES)).strip().casefold()


_SEPARATOR_CHARS = " |–—-:·•»"


def _is_title_plus_site(title: str, heading: str) -> bool:
    """`title` is `heading`, or `heading` with a site name before or after a separator ("… | Site")."""
    t, h = _norm(title), _norm(heading)
    if t == h:
        return True
    if t.startswith(h):
        site = t[len(h) :]
        separated = bool(_TITLE_SEPARATORS.match(site))
    elif t.endswith(h):
        site = t[: len(t) - len(h)]
        separated = bool(re.search(r"\s+(?:\||–|—|-|::|·|•|»|:)\s*$", site))
    else:
        return False
    site = site.strip(_SEPARATOR_CHARS)
    # a one-word <h1> shorter than the rest is more likely the site's or section's name ("Why … | News")
    return separated and bool(site) and (len(h.split()) >= 2 or len(h) >= len(site))


def _strip_site_name(title: str, site_name: str) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if _norm(parts[-1]) == _norm(site_name):
        return title[: title.rfind(parts[-1])].rstrip(_SEPARATOR_CHARS)
    if _norm(parts[0]) == _norm(site_name):
        return title[len(parts[0]) :].lstrip(_SEPARATOR_CHARS)
    return title


def html_title(title: str | None, h1: str | None, meta: Mapping[str, str] | None = None) -> str | None:
    """An HTML page's title. The ``<title>`` often carries the site's name ("Why … Is Slipping | Center for
    Policy Studies"); when the page's ``<h1>`` (or its ``og:title``) is the ``<title>`` minus such a prefix or
    suffix, that clean heading is the title. A ``<title>`` that does not contain the ``<h1>`` is kept (the
    ``<h1>`` may be a section heading). Failing both, a trailing/leading ``og:site_name`` is cut off."""
    lowered = {k.lower(): v for k, v in (meta or {}).items()}
    title = re.sub(r"\s+", " ", title).strip() if title else None
    for candidate in (h1, lowered.get("og:title"), lowered.get("twitter:title")):
        candidate = re.sub(r"\s+", " ", candidate).strip() if candidate else None
        if candidate and len(candidate) >= 3 and (not title or _is_title_plus_site(title, candidate)):
            return candidate
    if not title:
        return None
    for key in HTML_SITE_NAME_KEYS:
        if lowered.get(key):
            stripped = _strip_site_name(title, lowered[key])
            if stripped and stripped != title:
                return stripped
    return title


def is_placeholder_title(title: str | None) -> bool:
    """True for a PDF /Title that names nothing: empty, a writer's default ("untitled", "Microsoft Word -
    draft3.docx", "Document1", "PowerPoint Presentation"), a file name or path, or no letters at all."""
    if not title or not title.strip():
        return True
    t = re.sub(r"\s+", " ", title).strip()
    if t.casefold() in _PLACEHOLDER_TITLES:
        return True
    if any(p.search(t) for p in _PLACEHOLDER_PATTERNS):
        return True
    return sum(ch.isalpha() for ch in t) < 3


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha() and ch.isascii()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


_BOILERPLATE_HEADS = re.compile(
    r"^(?:for immediate release|press release|news release|media advisory|embargoed\b.*|보도자료|보도참고자료)\W*$",
    re.I,
)


# "1:14 p.m. EDT", "14:00~16:30", "오후 2시": a briefing's or a meeting's time, not its title
_BARE_TIME = re.compile(
    r"(?:(?:오전|오후)\s*)?\d{1,2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?|시(?:\s*\d{1,2}분)?)?"
    r"(?:\s*[~–-]\s*\d{1,2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?)?(?:\s+[A-Z]{2,4})?",
    re.I,
)


def is_running_head(line: str) -> bool:
    """A line that opens a page without naming it: a page number, a URL, a bare date or time, a press-release
    label."""
    return bool(
        _BOILERPLATE_HEADS.match(line)
        or re.fullmatch(r"[-–—\s]*(?:page\s+)?\d+(?:\s+of\s+\d+)?[-–—\s]*", line, re.I)
        or re.match(r"^(?:https?://|www\.)", line, re.I)
        or _BARE_TIME.fullmatch(line.strip())
        or parse_date(line)
    )


def title_case_heading(heading: str) -> str:
    """ "PUBLIC LAW 116-92 - OTTO WARMBIER … ACT OF 2019" → "Public Law 116-92 - Otto Warmbier … Act of 2019".
    Words with digits or dots and common acronyms (DPRK, UN, U.S.C.) keep their case."""
    out = []
    for i, word in enumerate(heading.split()):
        core = word.strip("()[],;:'\"")
        if any(ch.isdigit() for ch in word) or "." in core or core.upper() in _ACRONYMS:
            out.append(word)
        elif (
            i
            and word.lower() in _SMALL_WORDS
            and not out[-1].endswith((":", "-", "–", "—"))
            and out[-1] not in ("-", "–", "—")
        ):
            out.append(word.lower())
        else:
            lower = word.lower()
            j = next((k for k, ch in enumerate(lower) if ch.isalpha()), 0)
            out.append(lower[:j] + lower[j : j + 1].upper() + lower[j + 1 :])
    return " ".join(out)


_COLUMN_GAP = re.compile(r"\S {3,}\S|\S\t+\S")
HEADER_WINDOW = 8  # lines a masthead, a release label and a dateline can take before a headline


_DOT_LEADER = re.compile(r"\.{6,}|(?:\. ){5,}")


def is_layout_line(line: str) -> bool:
    """A two-column header line ("United Nations            S/RES/2397 (2017)") or a dotted-leader line of a
    roll call or a table of contents ("China ........ Mr. Liang Wen"): a page's layout rather than a title."""
    line = line.strip()
    return bool(_COLUMN_GAP.search(line) or _DOT_LEADER.search(line))


# A bill as congress.gov prints it: "119th CONGRESS / 1st Session / H. R. 4127 / To impose …"; its short title
# in "This Act may be cited as the ``North Korean … Act of 2025''".
_CONGRESS_HEAD = re.compile(r"^\s*\d{2,3}(?:st|nd|rd|th)\s+CONGRESS\b", re.I)
_BILL_NUMBER = re.compile(r"^\s*((?:H|S)\.\s?(?:(?:J|CON)\.\s?)?(?:R\.|RES\.)?)\s*(\d{1,5})\s*$", re.I)
_SPACES = re.compile(r"\s+")
_CITED_AS = re.compile(r"may be cited as the\s+(?:``|“|\"|‘|')\s*(.{5,200}?)\s*(?:''|”|\"|’|')", re.S)


def bill_number(text: str) -> str | None:
    """ "H.R. 4127" for a bill whose text opens with its Congress and number (congress.gov's layout); None else."""
    lines = [ln for ln in text[:3000].splitlines() if ln.strip()][:12]
    if not lines or not any(_CONGRESS_HEAD.match(ln) for ln in lines[:3]):
        return None
    for line in lines:
        if m := _BILL_NUMBER.match(line):
            return _SPACES.sub("", m.group(1)).upper() + " " + m.group(2)
    return None


def bill_title(text: str) -> str | None:
    """A bill's title: its number and the short title it gives itself ("H.R. 4127, North Korean Remote Worker Fraud
    Prevention Act of 2025"), or its number alone; None when the text is not a bill opening with its number."""
    number = bill_number(text)
    if number is None:
        return None
    cited = _CITED_AS.search(text[:30000])
    return f"{number}, {_SPACES.sub(' ', cited.group(1)).strip()}" if cited else number


# A UN meeting record: "United Nations   S/PV.9872 / Security Council / Eightieth year / 9872nd meeting / …".
_UN_RECORD_SYMBOL = re.compile(r"\b([AS]/(?:\d{2}/)?PV\.\d+)\b")
_MEETING = re.compile(r"^\s*(\d+(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting)\s*$", re.I | re.M)
_UN_ORGAN = re.compile(r"^\s*(Security Council|General Assembly|Economic and Social Council)\s*$", re.M)


# A UN document's cover block: "United Nations   A/80/275 / General Assembly   Distr.: General / 28 July 2025 /
# Original: English / Eightieth session / Item 71 (c) of the provisional agenda / <agenda item, to a blank line> /
# <title>". The title follows the agenda item.
_UN_DOC_SYMBOL = re.compile(r"\b((?:A|S|E|A/HRC)/(?:RES/)?\d{2,4}/\d{1,4}(?:/Add\.\d+)?)\b")
_UN_COVER_LINE = re.compile(
    r"^\s*(?:Distr\.?:|Original:|\w+ (?:regular |special )?session\b|Item \d+|Agenda item)", re.I
)


def un_document_title(text: str) -> str | None:
    """ "Situation of human rights in … (A/80/275)" for a UN document opening with its symbol and cover block (the
    title is the first paragraph after the agenda item); None when the text does not open that way."""
    head = text[:3000]
    symbol = _UN_DOC_SYMBOL.search(head[:400])
    if symbol is None or "PV." in symbol.group(1):
        return None
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", head) if p.strip()]
    agenda = next((i for i, p in enumerate(paragraphs) if re.search(r"\bItem \d+.*agenda", p, re.I)), None)
    if agenda is None or agenda + 1 >= len(paragraphs):
        return None
    after = paragraphs[agenda].split("\n")
    # the agenda item's own text may share its paragraph ("Item 71 (c) …\nPromotion and protection …"): the title
    # is the next paragraph
    title = _SPACES.sub(" ", paragraphs[agenda + 1]).strip()
    if len(after) == 1 and agenda + 2 < len(paragraphs):
        title = _SPACES.sub(" ", paragraphs[agenda + 2]).strip()  # "Item 71 (c)" alone, then the item, then the title
    if not title or len(title) > TITLE_MAX_CHARS or _UN_COVER_LINE.match(title):
        return None
    return f"{title} ({symbol.group(1)})"


# A Federal Register document: "DEPARTMENT OF THE TREASURY / Office of Foreign Assets Control / 31 CFR Part 510 /
# <title> / AGENCY: … / ACTION: …": the title is the last line before the AGENCY field.
_FR_AGENCY = re.compile(r"^\s*AGENCY:", re.M)


def federal_register_title(text: str) -> str | None:
    """The title of a Federal Register rule or notice (the line before "AGENCY:", after the agency and CFR lines);
    None when the text has no AGENCY / ACTION fields near the top."""
    head = text[:2500]
    agency = _FR_AGENCY.search(head)
    if agency is None or not re.search(r"^\s*ACTION:", head, re.M):
        return None
    lines = [ln.strip() for ln in head[: agency.start()].splitlines() if ln.strip()]
    if not lines or len(lines[-1]) > TITLE_MAX_CHARS or _is_upper(lines[-1]) or re.match(r"\d+ CFR", lines[-1]):
        return None
    return lines[-1]


def meeting_record_title(text: str) -> str | None:
    """ "Security Council, 9872nd meeting (S/PV.9872)" for a UN verbatim record opening with its symbol; None else."""
    head = text[:1500]
    symbol = _UN_RECORD_SYMBOL.search(head)
    if symbol is None:
        return None
    parts = [m.group(1) for m in (_UN_ORGAN.search(head), _MEETING.search(head)) if m]
    return f"{', '.join(parts)} ({symbol.group(1)})" if parts else symbol.group(1)


def _headline_after_masthead(lines: list[str], max_chars: int) -> str | None:
    """The headline that follows a masthead block ending in a release label or a dateline ("U.S. DEPARTMENT OF THE
    TREASURY / Press Releases / FOR IMMEDIATE RELEASE / July 24, 2025 / Treasury Sanctions …", a UN document's
    column header then "22 December 2017 / Resolution 2397 (2017)"): the first line after the last running head
    of the first `HEADER_WINDOW` lines, when every line before it is short and that line reads as a title (not a
    speaker's turn or body text). None when the document does not open that way."""
    window = lines[:HEADER_WINDOW]
    last = max((i for i, ln in enumerate(window) if is_running_head(ln) or is_layout_line(ln)), default=None)
    if last is None or last + 1 >= len(lines):
        return None
    if any(len(ln.split()) > 8 and not is_layout_line(ln) for ln in window[:last]):
        return None  # a real title stands before the dateline ("Hearing on … — Transcript / June 12, 2025")
    if not any(_BOILERPLATE_HEADS.match(ln) or is_layout_line(ln) or _is_upper(ln) for ln in window[: last + 1]):
        return None  # no masthead (agency in capitals, release label, column header): "제79주년 광복절 경축사 /
        # 2024년 8월 15일 / 서울 세종문화회관 대극장" is a title, its date and its venue
    candidate = lines[last + 1]
    if (
        len(candidate) > max_chars
        or _SPEAKER.match(candidate)
        or _BODY_START.match(candidate)
        or is_layout_line(candidate)
        or candidate.endswith((".", ",", ";", ":"))
    ):
        return None
    return candidate


# A web page saved as text often opens with teasers of other stories (a headline, then its one-sentence summary,
# again and again) above the article's own headline, which the page may repeat or prefix with its section
# ("North Korea | Kim visits …", "WORLD: …", or a section line of its own).
TEASER_WINDOW = 60  # non-empty lines searched for teasers and the article's headline
_SECTION_PREFIX = re.compile(r"^(?P<section>[^|:›»/–—]{2,40}?)\s*(?:\||:|›|»|/|–|—)\s+(?P<rest>\S.*)$")
_BYLINE = re.compile(r"^(?:by|written by|posted by|reporting by)\s+\S|^\S+\s*(?:기자|특파원)(?:\s|$)|기자\s*$", re.I)
_SENTENCE_END = re.compile(r"(?:[.!?…]|다|요)[\"'”’)]*$")


def _words(line: str) -> int:
    return len(line.split())


def _is_headline(line: str, max_chars: int) -> bool:
    """A line that reads as a headline: a few words, no sentence end, not a date, byline, speaker or layout."""
    return (
        3 <= _words(line) <= 25
        and len(line) <= max_chars
        and not line.endswith((".", ",", ";", ":", "다"))
        and not is_running_head(line)
        and not is_layout_line(line)
        and not _BYLINE.search(line)
        and not _SPEAKER.match(line)
        and not _BODY_START.match(line)
    )


def _is_summary(line: str) -> bool:
    """A teaser's summary: one or two sentences of body text."""
    return _words(line) >= 6 and len(line) <= 400 and bool(_SENTENCE_END.search(line))


def _unprefixed(line: str, headlines: set[str]) -> str:
    """`line` without a section prefix ("World | Headline" → "Headline") when the rest is a known headline or
    the prefix is a short section name."""
    m = _SECTION_PREFIX.match(line)
    if m and (m.group("rest") in headlines or _words(m.group("section")) <= 3) and _words(m.group("rest")) >= 3:
        return m.group("rest").strip()
    return line


def article_headline(lines: list[str], *, max_chars: int = 150) -> str | None:
    """The article's own headline on a page whose top holds teasers of other stories (`TEASER_WINDOW`): None
    unless the page opens with a headline + summary pair. The headline is the one the page repeats (as it is or
    behind a section prefix), else the headline after the run of teaser pairs when it is marked as the article's:
    by a section prefix ("Economy | …"), a section line above it, or a byline or date in the three lines after
    it. A report whose sections are a heading and one sentence each has no such mark and keeps its first line."""
    head = lines[:TEASER_WINDOW]
    if len(head) < 4 or not (_is_headline(head[0], max_chars) and _is_summary(head[1])):
        return None
    headlines = [ln for ln in head if _is_headline(ln, max_chars)]
    plain = {_unprefixed(ln, set()) for ln in headlines}
    counts = Counter(_norm(_unprefixed(ln, plain)) for ln in headlines)
    for ln in reversed(headlines):  # the article's headline is the last repeated one above its body
        if counts[_norm(_unprefixed(ln, plain))] > 1:
            return _unprefixed(ln, plain)
    k, pairs = 0, 0
    while (
        k + 2 < len(head)
        and _is_headline(head[k], max_chars)
        and _is_summary(head[k + 1])
        and (_is_headline(head[k + 2], max_chars) or _is_section_line(head[k + 2]))
    ):
        k, pairs = k + 2, pairs + 1
    if pairs == 0 or k >= len(head):
        return None
    if _is_section_line(head[k]) and k + 1 < len(head) and _is_headline(head[k + 1], max_chars):
        return head[k + 1]
    if not _is_headline(head[k], max_chars):
        return None
    after = head[k + 1 : k + 4]
    marked = _unprefixed(head[k], plain) != head[k] or any(_BYLINE.search(ln) or _is_dateline(ln) for ln in after)
    return _unprefixed(head[k], plain) if marked else None


def _is_dateline(line: str) -> bool:
    """A short line giving a date: "August 19, 2025", "Updated Aug. 19, 2025 10:32 KST", "2025.08.19 14:02"."""
    return is_running_head(line) or (_words(line) <= 10 and bool(find_dates(line)))


def _is_section_line(line: str) -> bool:
    """A section label on its own line above a headline ("NORTH KOREA", "World", "정치")."""
    return 1 <= _words(line) <= 3 and len(line) <= 30 and not _SENTENCE_END.search(line) and not parse_date(line)


def first_line_title(text: str, *, max_chars: int = 150) -> str | None:
    """A plain text's title: its first line that is not a running head (page number, URL, bare date), markdown
    '#' removed; None if that line is longer than `max_chars` (body text). A first line that is a site's name
    run into the heading the next line repeats ("Foreign Policy Research Institute … Of Course North Korea
    Wants Sanctions Relief, But What Kind?" then "Of Course North Korea Wants …") gives the repeated heading; a
    masthead block ending in a release label or dateline gives the headline after it (`_headline_after_masthead`);
    a page whose top holds teasers of other stories gives the article's own headline (`article_headline`).
    A law.go.kr statute title loses its "( 약칭: … )" (the short name is the citation prefix, `korean_short_title`)."""
    lines = [ln.strip().lstrip("#").strip() for ln in text.splitlines()[:50]]
    lines = [ln for ln in lines if ln]
    headline = _headline_after_masthead(lines, max_chars) or article_headline(lines, max_chars=max_chars)
    if headline is not None:
        return headline
    while lines and (is_running_head(lines[0]) or is_layout_line(lines[0])):
        lines.pop(0)
    if not lines:
        return None
    first = _KR_SHORT_TITLE.sub("", lines[0]).strip()
    if len(lines) > 1 and len(lines[1]) >= 15 and first != lines[1] and first.endswith(lines[1]):
        return lines[1]
    return first if len(first) <= max_chars else None


_KR_SHORT_TITLE = re.compile(r"\s*[(（]\s*약칭\s*[:：]\s*([^()（）\n]+?)\s*[)）]\s*$")


def korean_short_title(text: str) -> str | None:
    """The short name a law.go.kr statute title gives: "… 지원에 관한 법률 ( 약칭: 납북피해자보상법 )" →
    "납북피해자보상법" (first line only); None otherwise."""
    first = next((ln.strip() for ln in text[:HEAD_MAX_CHARS].splitlines() if ln.strip()), "")
    m = _KR_SHORT_TITLE.search(first)
    return m.group(1).strip() if m else None


def first_lines_title(text: str, *, max_chars: int = TITLE_MAX_CHARS) -> str | None:
    """A title from the first lines of a PDF's text, whose lines are layout-wrapped: the first line that is not
    a running head (page number, URL, date), joined with the lines that continue it — an all-caps heading
    continues while the next line is all caps, a line ending in a connecting word ("of", "and", ",") continues
    once — stopping at a section/article heading. All-caps titles are title-cased. None when the text opens
    with body text (a section heading or a paragraph-length line)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:20]
    while lines and is_running_head(lines[0]):
        lines.pop(0)
    if not lines or _BODY_START.match(lines[0]) or len(lines[0]) > max_chars:
        return None
    parts = [lines[0]]
    upper = _is_upper(lines[0])
    for line in lines[1:]:
        joined = " ".join(parts + [line])
        if _BODY_START.match(line) or len(joined) > max_chars:
            break
        last_word = parts[-1].rsplit(None, 1)[-1].lower()
        if (upper and _is_upper(line)) or last_word in _SMALL_WORDS or parts[-1].endswith((",", "-", "–", "—")):
            parts.append(line)
            continue
        break
    title = re.sub(r"\s+", " ", " ".join(parts)).strip()
    return title_case_heading(title) if upper and len(title.split()) >= 3 else title


_PUBLIC_LAW_NUMBER = re.compile(r"^(?:#{1,6}\s*)?(?:public\s+law|pub\.\s?l\.|p\.\s?l\.)\s+(\d+)\s*[-–]\s*(\d+)\b", re.I)


def public_law_citation(title: str, text: str = "") -> str | None:
    """ "Pub. L. 116-92" for a U.S. public law whose title or first line opens with its number ("PUBLIC LAW
    116-92 - OTTO WARMBIER …"): the standard short citation, used as the prefix of its section labels."""
    first = next((ln.strip() for ln in text[:HEAD_MAX_CHARS].splitlines() if ln.strip()), "")
    m = _PUBLIC_LAW_NUMBER.match(title.strip()) or _PUBLIC_LAW_NUMBER.match(first)
    return f"Pub. L. {m.group(1)}-{m.group(2)}" if m else None


# og:type values that say what an undescribed web page is, when its text's structure does not.
_OG_TYPES: dict[str, DocType] = {"article": "article", "news": "article", "blog": "article"}


TURN_SHARE = 0.3  # of a transcript's paragraphs open with a speaker (the rest: continued turns, front matter)


def is_transcript(text: str) -> bool:
    """Paragraphs opening with a speaker's turn ("SENATOR HARRIS: …", "사회자: …"): at least 4 of them, by at least
    2 speakers, and at least `TURN_SHARE` of all paragraphs — or, in a meeting record whose speeches run for many
    paragraphs, at least 4 speakers, one of them (the chair) taking the floor 3 times or more. Field labels of an
    annex or a form ("Description: …" then "Date of birth: …" on the next line) open few paragraphs, all with the
    same label."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    openers = [m.group(1) for p in paragraphs if (m := _SPEAKER.match(p))]
    if len(openers) < 4 or len(set(openers)) < 2:
        return False
    # a meeting record's speeches run for many paragraphs each: many speakers, one chairing, make it one too
    chaired = len(set(openers)) >= 4 and max(Counter(openers).values()) >= 3
    return chaired or len(openers) >= TURN_SHARE * len(paragraphs)


def infer_doc_type(text: str, title: str, html_meta: Mapping[str, str] | None = None) -> DocType:
    """law / order / transcript / article / other from the text's own structure.

    order: "Executive Order N" in the title or opening a line near the top, or ≥2 ``Sec. N.`` sections and
    "President", or the presidential enacting formula ("By the authority vested in me as President … I hereby order").
    law: ≥2 U.S. Code ``§`` sections, ≥3 ``제N조`` articles, ≥2 ``SEC. N.`` sections (enrolled bills and public
    laws), a law.go.kr statute header, or a text that opens as a law ("Public Law 116-92", "An Act to …", "Be it
    enacted") and has a section heading (an article about a law may start with its name).
    transcript: speaker turns opening many paragraphs (`is_transcript`). article: ≥3 paragraphs of 30+ words, or a web page
    whose ``og:type`` says article."""
    head = text[:500_000]
    lead = text[:HEAD_MAX_CHARS]
    first = next((ln.strip() for ln in lead.splitlines() if ln.strip()), "")
    if (
        _EO_TITLE.search(title)
        or _EO_HEADER.search(lead)
        or _EO_AUTHORITY.search(text[:5000])
        or (len(_EO_SECTION.findall(head)) >= 2 and "President" in head)
    ):
        return "order"
    if (
        len(_USC_SECTION.findall(head)) >= 2
        or len(_KR_ARTICLE.findall(head)) >= 3
        or len(_CONGRESS_SECTION.findall(head)) >= 2
        or korean_statute_header(text) is not None
        or ((_PUBLIC_LAW_HEADER.match(first) or _PUBLIC_LAW_HEADER.match(title)) and _ANY_SECTION.search(head))
    ):
        return "law"
    if is_transcript(head):
        return "transcript"
    paragraphs = [p for p in re.split(r"\n\s*\n", head) if len(p.split()) >= 30]
    if len(paragraphs) >= 3:
        return "article"
    og_type = {k.lower(): v for k, v in (html_meta or {}).items()}.get("og:type", "")
    return _OG_TYPES.get(og_type.strip().lower(), "other")
