"""A document's own structure as a tree of spans: markdown headings, U.S. Code chapters/sections/subsections,
executive-order sections, Korean statute 장/절/조/항 and 부칙, speaker turns and PDF pages.

Every node covers ``text[start:end]`` from its heading line up to the next node at the same or a higher level,
so the children of a node plus its intro (the text before the first child) cover the node exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .script import HANGUL_SYLLABLES
from .types import Document

# Node kinds that are citable legal units (their keys build labels like "§ 9214(b)" or "제17조제2항").
SECTION_KINDS = ("usc_section", "eo_section", "article")
# split into only when the parent is over budget; "numbered": a plain document's own numbered paragraphs
SUBDIVISION_KINDS = ("subsection", "hang", "turn", "numbered")
LEGAL_KINDS = SECTION_KINDS + ("subsection", "hang")


@dataclass
class Node:
    # root | heading | chapter | supplement | page | usc_section | eo_section | article | subsection | hang | turn
    # | numbered
    kind: str
    key: str | None  # label component: "§ 9214", "(b)", "Sec. 2", "제8조", "제1항", "부칙", "p. 3", "¶4", heading text
    heading: str  # cleaned heading line (for the embedding context); "" for the root and subdivisions
    start: int
    end: int
    level: int
    heading_end: int  # end of the heading line (== start when the node has no heading line)
    parent: Node | None = field(default=None, repr=False)
    children: list[Node] = field(default_factory=list, repr=False)
    intro_key: str | None = None  # key for the intro piece when the heading line holds the first subdivision

    def ancestors(self) -> list[Node]:
        out, n = [], self.parent
        while n is not None:
            out.append(n)
            n = n.parent
        return out[::-1]


_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_USC_SECTION = re.compile(r"^§+\s*(\d+[a-z]*(?:-\d+)?)\.", re.M)
_USC_SUBCHAPTER = re.compile(r"^SUBCHAPTER\s+[IVXLC]+\b.*$", re.M)
_USC_PART = re.compile(r"^Part\s+[IVXLC]+\b.*$", re.M)
_EO_SECTION = re.compile(r"^(?:\*\*)?(?:Sec\.|Section|SEC\.|SECTION)\s*(\d+[a-z]?)\.", re.M)
# "제8조 (기금의 용도)", a bare "제8조", or a deleted article written on one line: "제16조 삭제 <2009.1.30>"
_KR_ARTICLE = re.compile(r"^제(\d+)조(?:의(\d+))?(?:\s*\([^)\n]*\)|[ \t]*$|[ \t]+(?=삭제(?:[ \t<\[(]|$)))", re.M)
_KR_CHAPTER = re.compile(r"^제(\d+)(장|절|관|편)\s*\S*.*$", re.M)
_KR_SUPPLEMENT = re.compile(r"^부칙\b.*$", re.M)
_SUBSECTION = re.compile(r"^\(([a-z]{1,2})\)[ \t]", re.M)
_ROMAN_II = re.compile(r"^[ \t]*\(ii\)", re.M)
_HANG = re.compile(r"^[ \t]*(?:\*\*)?([①-⑳])", re.M)
# A speaker's name before a colon: up to five capitalised words ("SENATOR HARRIS", "Amb. Miller", "Dr. Park",
# "Mr. Kim Jong-un", "Rep. Young Kim", "Q", "A"; particles such as "of", "de", "van" allowed inside) or a Korean
# name with an optional title ("이준호", "김철수 교수") — not a sentence that runs into a colon ("We published two
# reports a year: …") nor a field label ("Date of birth: …").
_NAME_WORD = r"[A-Z][A-Za-z.'’\-]*"
SPEAKER_LABEL = (
    rf"(?:{_NAME_WORD}(?: (?:{_NAME_WORD}|of|de|van|von|al|bin|la|le|da|del)){{0,4}}"
    rf"|[{HANGUL_SYLLABLES}]{{2,5}}(?: [{HANGUL_SYLLABLES}]{{1,5}})?)"
)
# Before the name, a recording's timestamp ("[00:12:31] HOST: …", "00:12:31 HOST: …"); after it, a delegation or an
# affiliation in brackets ("Mr. Kim Sang-jin (Republic of Korea): …", a UN meeting record's turns).
_TIMESTAMP = r"(?:\[\d{1,2}:\d{2}(?::\d{2})?\][ \t]*|\d{1,2}:\d{2}:\d{2}[ \t]+)"
_AFFILIATION = r"(?:[ \t]\([^()\n]{2,60}\))"
SPEAKER_TURN = re.compile(rf"^{_TIMESTAMP}?(?:\*\*)?({SPEAKER_LABEL})(?:\*\*)?{_AFFILIATION}?:[ \t]", re.M)
_TURN = SPEAKER_TURN
# "8. Decides that …": a numbered paragraph of a resolution, declaration or statement (a capital, quote or
# bracket after the number: "1. Condemns", "2. 남북은" would need Hangul — see `_numbered_markers`)
_NUMBERED = re.compile(r"^[ \t]*(\d{1,3})\.[ \t]+(?=[A-Z\"“‘'(\[]|[" + HANGUL_SYLLABLES + "])", re.M)
_EO_INTRO_A = re.compile(r"^(?:Sec\.|Section)\s*\d+[a-z]?\.\s*\(a\)")
_MD_CLEAN = re.compile(r"\*\*|__|\\(?=[.\-*_#()\[\]])")

# A unit's whole body when it has been deleted: "삭제 <2009.1.30>", "② 삭제 <…>", "Repealed. Pub. L. 115-44, …",
# "[Reserved]", "Omitted", "Sec. 3. [Revoked]" (after the unit's own number, if any, is cut off).
_DELETION = re.compile(
    r"(?:[①-⑳]|\(\w{1,4}\)|\d+[.)])?[ \t]*"
    r"(?:삭제(?:[ \t]*[<\[(][^\n]*)?"
    r"|\[?(?:Repealed|Omitted|Reserved|Revoked|Transferred)\]?\.?(?:[ \t]+(?:Pub\.|Act |See |Sec|§|\[|\()[^\n]*)?)"
)

HEADING_CHARS = 100  # headings longer than this are cut in labels and contexts


def clean_inline(s: str) -> str:
    s = _MD_CLEAN.sub("", s).strip()
    return s if len(s) <= HEADING_CHARS else s[: HEADING_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Marker:
    start: int
    level: int
    kind: str
    key: str | None
    heading: str
    heading_end: int


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e == -1 else e


# The rest of an order's "Sec. 2." line is a title ("Definitions.", "General Provisions.", "SANCTIONS WITH RESPECT TO
# …") or the section's first sentence ("Any transaction by a United States person that evades …"): a sentence is
# long or runs on in lower-case words (titles here are Title Case or capitals)
_SHORT_TITLE_CHARS = 80
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
_SENTENCE_WORDS = 6


def _is_sentence(rest: str) -> bool:
    return len(rest) > _SHORT_TITLE_CHARS or len(_LOWER_WORD.findall(rest)) >= _SENTENCE_WORDS


def _plain_heading_end(text: str, m: re.Match[str], kind: str) -> int:
    """End of a plain-text legal line's heading: the whole line, except when the unit's text goes on on the same
    line — a Korean article's "제1조 (목적) 이 법은 …" (or "제16조 " before "삭제 <…>"), an order's or a code's
    "Sec. 2. Any transaction … is prohibited." (`_is_sentence`) — then the rest of the line is its body (so a
    one-line section is not mistaken for a bare heading and merged into the next one). A U.S. Code section's
    line is always its heading ("§ 9201. Findings; purposes"): its titles are long sentence-case phrases."""
    end = _line_end(text, m.start())
    rest = text[m.end() : end].strip()
    if kind == "article" and rest:
        return m.end()
    if kind == "eo_section" and _is_sentence(rest):
        return m.end()
    return end


def _classify(heading: str) -> tuple[str, str | None]:
    """Kind and key of a heading line's text (without the leading #s)."""
    h = clean_inline(heading)
    if m := _USC_SECTION.match(h):
        return "usc_section", f"§ {m.group(1)}"
    if m := _EO_SECTION.match(h):
        return "eo_section", f"Sec. {m.group(1)}"
    if m := _KR_ARTICLE.match(h) or re.match(r"^제(\d+)조(?:의(\d+))?", h):
        return "article", f"제{m.group(1)}조" + (f"의{m.group(2)}" if m.group(2) else "")
    if m := re.match(r"^제(\d+)(장|절|관|편)", h):
        return "chapter", f"제{m.group(1)}{m.group(2)}"
    if h.startswith("부칙"):
        return "supplement", "부칙"
    return "heading", h


def _markers(doc: Document) -> list[Marker]:
    text = doc.text
    out: list[Marker] = []
    md = list(_MD_HEADING.finditer(text))
    if md:
        for m in md:
            kind, key = _classify(m.group(2))
            out.append(Marker(m.start(), len(m.group(1)), kind, key, clean_inline(m.group(2)), m.end()))
        # legal units written as plain lines under markdown headings (e.g. a U.S. Code chapter saved as .md);
        # not when headings already carry them (then "제1조 (시행일)" lines inside a 부칙 stay plain text)
        heading_kinds = {mk.kind for mk in out}
        for pattern, kind in ((_USC_SECTION, "usc_section"), (_EO_SECTION, "eo_section"), (_KR_ARTICLE, "article")):
            if heading_kinds & set(SECTION_KINDS):
                break
            for m in pattern.finditer(text):
                end = _plain_heading_end(text, m, kind)
                line = clean_inline(text[m.start() : end])
                out.append(Marker(m.start(), 7, kind, _classify(line)[1], line, end))
    else:
        plain = (
            (_USC_SUBCHAPTER, "chapter"),
            (_USC_PART, "chapter"),
            (_KR_SUPPLEMENT, "supplement"),
            (_KR_CHAPTER, "chapter"),
            (_USC_SECTION, "usc_section"),
            (_EO_SECTION, "eo_section"),
            (_KR_ARTICLE, "article"),
        )
        for pattern, kind in plain:
            for m in pattern.finditer(text):
                end = _plain_heading_end(text, m, kind)
                line = clean_inline(text[m.start() : end])
                key = _classify(line)[1] if kind != "chapter" or line.startswith("제") else line
                if kind in SECTION_KINDS:
                    level = 3
                elif line.startswith("Part") or re.match(r"^제\d+(절|관)", line):
                    level = 2
                else:
                    level = 1
                out.append(Marker(m.start(), level, kind, key, line, end))
        if doc.page_spans and not out:
            for i, (s, _e) in enumerate(doc.page_spans, start=1):
                out.append(Marker(s, 1, "page", f"p. {i}", "", s))
        if not out and doc.doc_type != "transcript":
            out.extend(_numbered_markers(text))
    if doc.doc_type == "transcript":
        for n, m in enumerate(speaker_turns(text), start=1):
            # the speaker is the turn's heading: a chunk that continues a long turn gets it as a context line
            out.append(Marker(m.start(), 8, "turn", f"¶{n}", clean_inline(m.group(1)), m.start()))
    out.sort(key=lambda mk: (mk.start, mk.level))
    return out


MIN_NUMBERED = 3  # fewer numbered lines than this are a list in the text, not the document's structure


def _numbered_markers(text: str) -> list[Marker]:
    """A plain document's own numbered paragraphs ("1. Condemns …", "8. Decides …" of a Security Council
    resolution, the points of a joint declaration), so they are cited by their number ("¶8") instead of a
    paragraph count. Only numbers that rise (gaps allowed: an excerpt may skip paragraphs), starting at 1 or 2,
    at least `MIN_NUMBERED` of them; a number that does not continue the sequence is text (a list inside a
    paragraph restarts at 1 and is left alone)."""
    found: list[re.Match[str]] = []
    for m in _NUMBERED.finditer(text):
        n = int(m.group(1))
        if (not found and n <= 2) or (found and n > int(found[-1].group(1))):
            found.append(m)
    if len(found) < MIN_NUMBERED:
        return []
    return [Marker(m.start(), 1, "numbered", f"¶{m.group(1)}", "", m.start()) for m in found]


def speaker_turns(text: str) -> list[re.Match[str]]:
    """The speaker turns of a transcript, from the first turn of a speaker who speaks more than once: the lines
    before it that look like turns are the transcript's header fields ("일시: 2025년 9월 18일", "장소: …",
    "Present: Senators …"). When no speaker speaks twice, every turn counts."""
    matches = list(_TURN.finditer(text))
    counts = Counter(m.group(1) for m in matches)
    first = next((i for i, m in enumerate(matches) if counts[m.group(1)] >= 2), 0)
    return matches[first:]


def build_tree(doc: Document) -> Node:
    """The document's structure tree (root spans the whole text)."""
    text = doc.text
    root = Node("root", None, "", 0, len(text), 0, 0)
    stack = [root]
    seen: set[int] = set()
    for mk in _markers(doc):
        if mk.start in seen:
            continue
        seen.add(mk.start)
        level = mk.level
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop().end = mk.start
        node = Node(mk.kind, mk.key, mk.heading, mk.start, len(text), level, mk.heading_end, parent=stack[-1])
        stack[-1].children.append(node)
        stack.append(node)
    for n in stack[1:]:
        n.end = n.parent.end if n.parent else len(text)
    _fix_ends(root)
    _add_subdivisions(root, text)
    return root


def _fix_ends(node: Node) -> None:
    for i, ch in enumerate(node.children):
        ch.end = node.children[i + 1].start if i + 1 < len(node.children) else node.end
        _fix_ends(ch)


def _add_subdivisions(node: Node, text: str) -> None:
    for ch in node.children:
        _add_subdivisions(ch, text)
    if node.kind in ("usc_section", "eo_section") and not node.children:
        expected = "a"
        if node.kind == "eo_section" and _EO_INTRO_A.match(node.heading):
            node.intro_key = "(a)"
            expected = "b"
        subs: list[tuple[int, str]] = []
        for m in _SUBSECTION.finditer(text, node.heading_end, node.end):
            letter = m.group(1)
            if letter != expected:
                continue
            if letter == "i":  # (i) after (h) or the first clause (i) of a list (i), (ii)…?
                nxt = _ROMAN_II.search(text, m.end(), node.end)
                nj = re.search(r"^\(j\)", text[m.end() : node.end], re.M)
                if nxt and (not nj or nxt.start() < m.end() + nj.start()):
                    continue
            subs.append((m.start(), f"({letter})"))
            expected = chr(ord(letter) + 1) if len(letter) == 1 and letter != "z" else "~"
        _attach(node, subs, "subsection", text)
    elif node.kind == "article" and not node.children:
        subs = []
        number = 1
        for m in _HANG.finditer(text, node.heading_end, node.end):
            n = ord(m.group(1)) - 0x2460 + 1
            if n != number:
                continue
            subs.append((m.start(), f"제{n}항"))
            number += 1
        if len(subs) >= 2:
            _attach(node, subs, "hang", text)


def _attach(node: Node, subs: list[tuple[int, str]], kind: str, text: str) -> None:
    for i, (s, key) in enumerate(subs):
        e = subs[i + 1][0] if i + 1 < len(subs) else node.end
        heading, heading_end = "", s
        if kind == "subsection":  # "(b) Discretionary designations" on its own line is the subsection's heading
            line_end = _line_end(text, s)
            line = text[s:line_end].strip()
            if len(line) <= 80 and not line.endswith((".", ";", ":", ",")):
                heading, heading_end = clean_inline(line), line_end
        node.children.append(Node(kind, key, heading, s, e, node.level + 1, heading_end, parent=node))


def is_deletion_notice(body: str) -> bool:
    """Whether `body` (a unit's text without its heading line and markdown markup) only records that the unit was
    deleted or repealed: one short line such as "삭제 <2009.1.30>" or "Repealed. Pub. L. 115-44, § 1."."""
    body = body.strip()
    return bool(body) and len(body) <= 300 and _DELETION.fullmatch(body) is not None


def doc_style(root: Node) -> str:
    """usc / eo / kr / generic: which citation style the labels use."""
    kinds = {n.kind for n in _walk(root)}
    if "usc_section" in kinds:
        return "usc"
    if "eo_section" in kinds:
        return "eo"
    if "article" in kinds:
        return "kr"
    return "generic"


def _walk(node: Node):
    yield node
    for ch in node.children:
        yield from _walk(ch)
