"""Lead-ins of lists ("chapeaux"): the words before a list's first item that its items complete.

Laws put the operative words before a numbered list and the objects in the items: "Each report … shall include
specific findings with respect to the following ports and airports: (1) … (3) The ports of Nakhodka, …",
"다음 각 호의 어느 하나에 해당하는 자는 3년 이하의 징역 … 에 처한다. 1. … 2. …". A chunk that starts inside
such a list lacks those words; the chunker adds them to the chunk's embedding context (see `chunking`).

`find_leadins` scans a span line by line. Item lines are ``(a)`` ``(1)`` ``(A)`` ``(i)`` ``(I)`` ``1.`` ``1\\.``
``가.`` ``①`` ``**①**`` and bullets; the list levels are the marker kinds in the order they nest (a kind seen
again closes the deeper levels; a first item — ``(1)``, ``(a)``, ``가.`` … — of a kind not open starts a deeper
level). When a deeper level starts, the paragraph just before its first item is that level's lead-in if it
introduces a list (`introduces_list`); its scope runs from its end to where its level closes.
Pure functions over offsets into the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .sentences import segment

_ITEM = re.compile(
    r"^[ \t]*(?:\*\*)?(?:"
    r"\((?P<paren>[A-Za-z]{1,5}|\d{1,3})\)"
    r"|(?P<num>\d{1,3})(?P<sub>의\d+)?\\?\.(?=[ \t])"
    r"|(?P<kor>[가-하])(?P<ksub>의\d+)?\\?\.(?=[ \t])"
    r"|(?P<circ>[①-⑳])"
    r"|(?P<bullet>[-*•])(?=[ \t])"
    r")(?:\*\*)?[ \t]*",
    re.M,
)
_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")
_PARA_BREAK = re.compile(r"\n[ \t]*\n")
_UNINDENTED_PARA = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*(?=\S)")
# Markdown heading marks, bold/underscore marks and backslash escapes ("1\." in converted statutes).
_MARKUP = re.compile(r"^#{1,6}[ \t]+|\*\*|__|\\(?=[.\-*_#()\[\]])", re.M)
# Amendment notes after a provision: "<개정 2014.3.11>", "[전문개정 2009.1.30]", "<신설 2020. 12. 8.>",
# "<개정 1991ㆍ5ㆍ31>".
_NOTE = re.compile(r"[<\[][^<>\[\]\n]*\d{4}[.ㆍ·][ \t]?\d{1,2}[.ㆍ·][ \t]?\d{1,2}[^<>\[\]\n]*[>\]]")
_MARKER = re.compile(r"^(?:\(\w{1,5}\)|\d{1,3}(?:의\d+)?\.|[가-하]\.|[①-⑳]|[-*•])\s*")
# Korean lead-in phrases: "다음 각 호의 …", "다음 각 목의 …", "다음과 같다", "다음의 구별에 따라 …".
_KO_LEADIN = re.compile(r"다음\s*(?:각\s*(?:호|목)|과\s*같|의\s)")
_EN_LEADIN_END = re.compile(r"\b(?:the following|as follows)$", re.I)
_LIST_END_CHARS = (":", "—", "–", "-", "：")
_SENTENCE_END_CHARS = (".", "!", "?", "。", ";")
_SUCCESSOR = {"i": "h", "v": "u", "x": "w"}  # (i) after (h) is a letter, not a Roman numeral; same for v, x


@dataclass(frozen=True)
class LeadIn:
    start: int  # the lead-in paragraph is text[start:end]
    end: int
    scope_end: int  # a chunk starting in [end, scope_end) continues the list this lead-in introduces


@dataclass
class _Level:
    kind: str
    last: str
    lead: int | None  # index into the result list


@dataclass(frozen=True)
class _Item:
    pos: int
    kind: str
    value: str
    rest: str  # the item's text after its marker, to the end of the line


def plain(text: str) -> str:
    """A lead-in as embedded: markup and amendment notes removed, whitespace collapsed."""
    return " ".join(_NOTE.sub(" ", _MARKUP.sub("", text)).split())


def introduces_list(lead: str, first_item: str, *, legal: bool) -> bool:
    """Whether paragraph `lead`, directly followed by an item whose text is `first_item`, introduces that list:
    it ends with ":" / "—" / "-", or holds a Korean lead-in ("다음 각 호의 …", "다음과 같다"); in a legal unit also
    when it ends with "the following" / "as follows", or its sentence runs on into a lowercase item (statute
    texts whose dashes were lost: "… directly or indirectly" + "(1) any postal …")."""
    t = plain(lead)
    if not _MARKER.sub("", t):  # an item's bare marker ("(i)") has no words to add
        return False
    if t.endswith(_LIST_END_CHARS) or _KO_LEADIN.search(t):
        return True
    if not legal:
        return False
    if _EN_LEADIN_END.search(t):
        return True
    rest = first_item.lstrip("\"'“‘(*_")
    return not t.endswith(_SENTENCE_END_CHARS) and rest[:1].isascii() and rest[:1].islower()


def _classify(m: re.Match[str]) -> tuple[str, str] | None:
    """(kind, value) of an item marker; None for something that only looks like one ("(IEEPA)")."""
    if m.group("paren") is not None:
        v = m.group("paren")
        if v.isdigit():
            return "paren_digit", v
        low = v.lower()
        if _ROMAN.fullmatch(low):
            return ("roman" if v.islower() else "ROMAN"), v
        if len(set(v)) == 1:  # (a), (aa), (A)
            return ("alpha" if v.islower() else "ALPHA"), v
        return None
    if m.group("num") is not None:
        return "num", m.group("num") + (m.group("sub") or "")
    if m.group("kor") is not None:
        return "kor", m.group("kor") + (m.group("ksub") or "")
    if m.group("circ") is not None:
        return "circ", m.group("circ")
    return "bullet", m.group("bullet")


def _items(text: str, start: int, end: int) -> list[_Item]:
    out = []
    for m in _ITEM.finditer(text, start, end):
        kv = _classify(m)
        if kv is None:
            continue
        line_end = text.find("\n", m.end(), end)
        out.append(_Item(m.start(), kv[0], kv[1], text[m.end() : end if line_end == -1 else line_end]))
    return out


def _is_first(kind: str, value: str) -> bool:
    return (
        value
        in {
            "paren_digit": ("1",),
            "num": ("1",),
            "kor": ("가",),
            "circ": ("①",),
            "alpha": ("a",),
            "ALPHA": ("A",),
            "roman": ("i",),
            "ROMAN": ("I",),
            "bullet": ("-", "*", "•"),
        }[kind]
    )


def _resolve(items: list[_Item], k: int, stack: list[_Level]) -> str:
    """The kind of item k: a single i / v / x is a letter when it follows h / u / w of an open lettered list,
    unless a Roman numeral that would follow it (ii, vi, xi) comes before the next letter (j, w, y)."""
    it = items[k]
    if it.kind not in ("roman", "ROMAN") or len(it.value) != 1:
        return it.kind
    alpha = "alpha" if it.kind == "roman" else "ALPHA"
    low = it.value.lower()
    prev = next((lv for lv in stack if lv.kind == alpha), None)
    if prev is None or prev.last.lower() != _SUCCESSOR[low]:
        return it.kind
    nxt_roman = {"i": "ii", "v": "vi", "x": "xi"}[low]
    nxt_letter = chr(ord(low) + 1)
    for later in items[k + 1 :]:
        v = later.value.lower()
        if later.kind == it.kind and v == nxt_roman:
            return it.kind
        if later.kind in (alpha, it.kind) and v == nxt_letter:
            return alpha
    return alpha


def _paragraph_starts(text: str, start: int, end: int) -> list[int]:
    """Starts of unindented paragraphs after the first (an indented one continues a list item)."""
    return [m.end() for m in _UNINDENTED_PARA.finditer(text, start, end)]


def find_leadins(text: str, start: int, end: int, *, legal: bool) -> list[LeadIn]:
    """The list lead-ins in ``text[start:end]`` (see the module docstring), in document order. `legal`: the span
    is a statute's section or article, whose lists run across paragraphs (a lettered item's heading, its body,
    then its own items); elsewhere an unindented paragraph that is not an item ends every open list."""
    items = _items(text, start, end)
    item_pos = {it.pos for it in items}
    events: list[tuple[int, int]] = [(it.pos, k) for k, it in enumerate(items)]
    if not legal:
        events += [(p, -1) for p in _paragraph_starts(text, start, end) if p not in item_pos]
        events.sort()
    spans: list[list[int]] = []  # [start, end, scope_end]
    stack: list[_Level] = []
    last_item = start

    def close(levels: list[_Level], at: int) -> None:
        for lv in levels:
            if lv.lead is not None:
                spans[lv.lead][2] = at

    def lead_before(q: int, first_item: str) -> int | None:
        b = q
        while b > last_item and text[b - 1].isspace():
            b -= 1
        breaks = list(_PARA_BREAK.finditer(text, last_item, b))
        a = breaks[-1].end() if breaks else last_item
        while a < b and text[a].isspace():
            a += 1
        if a >= b or not introduces_list(text[a:b], first_item, legal=legal):
            return None
        spans.append([a, b, end])
        return len(spans) - 1

    for pos, k in events:
        if k < 0:  # a prose paragraph: the lists above it are over
            close(stack, pos)
            stack.clear()
            last_item = pos
            continue
        it = items[k]
        kind = _resolve(items, k, stack)
        first = _is_first(kind, it.value.lower() if kind in ("alpha", "roman") else it.value)
        depth = next((i for i, lv in enumerate(stack) if lv.kind == kind), None)
        if depth is not None and not (first and kind != "bullet"):
            close(stack[depth + 1 :], pos)  # the next item of an open level
            del stack[depth + 1 :]
            stack[depth].last = it.value
        elif depth is not None or first or kind == "bullet":
            if depth is not None:  # a new list of a kind already open: it replaces that level
                close(stack[depth:], pos)
                del stack[depth:]
            stack.append(_Level(kind, it.value, lead_before(pos, it.rest)))
        else:  # a later item of a level whose start lies before the span: shallower than all open levels
            close(stack, pos)
            stack[:] = [_Level(kind, it.value, None)]
        last_item = pos
    return [LeadIn(a, b, c) for a, b, c in spans if c > b]


def active(leadins: list[LeadIn], pos: int) -> list[LeadIn]:
    """The lead-ins of the lists that a chunk starting at `pos` continues, outermost first."""
    return [li for li in leadins if li.end <= pos < li.scope_end]


def trim_leadin(text: str, cap: int, count: Callable[[str], int]) -> str:
    """Lead-in `text` within `cap` tokens. Whole when it fits; else the sentence that introduces the list (the
    last one holding a Korean lead-in phrase, else the last one) with as many sentences after, then before, it
    as fit; a sentence over the cap alone is cut the same way at clauses around the clause holding the Korean
    phrase (else its last clause: the words the items complete), and a clause over the cap at words from the
    Korean phrase on (else its last words). "…" marks each cut; "" when not even a word fits."""
    if count(text) <= cap:
        return text
    sents = [text[a:b] for a, b, _ in segment(text, 0, len(text))]
    got = _window(sents, _anchor(sents), cap, count)
    if got:
        return got
    clauses = _CLAUSE_CUT.split(sents[_anchor(sents)])
    got = _window(clauses, _anchor(clauses), cap, count)
    if got:
        return got
    clause = clauses[_anchor(clauses)]
    words = clause.split()
    m = _KO_LEADIN.search(clause)
    at = len(clause[: m.start()].split()) if m else len(words) - 1
    return _window(words, at, cap, count)


_CLAUSE_CUT = re.compile(r"(?<=[;:,，、])\s+")


def _anchor(parts: list[str]) -> int:
    """The part that introduces the list: the last holding a Korean lead-in phrase, else the last."""
    return next((i for i in range(len(parts) - 1, -1, -1) if _KO_LEADIN.search(parts[i])), len(parts) - 1)


def _window(parts: list[str], at: int, cap: int, count: Callable[[str], int]) -> str:
    """Part `at`, then as many parts after and before it as fit `cap`; "" when part `at` alone does not."""

    def joined(lo: int, hi: int) -> str:
        return ("… " if lo > 0 else "") + " ".join(parts[lo : hi + 1]) + (" …" if hi < len(parts) - 1 else "")

    lo = hi = at
    if count(joined(lo, hi)) > cap:
        return ""
    while hi + 1 < len(parts) and count(joined(lo, hi + 1)) <= cap:
        hi += 1
    while lo > 0 and count(joined(lo - 1, hi)) <= cap:
        lo -= 1
    return joined(lo, hi)
