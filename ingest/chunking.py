"""Structure-aware chunking: a document's structure tree (see `structure`) → chunks within a token budget.

Rules, in order:
1. Structural units (headings, sections, articles, 부칙, pages) are always chunked separately; a chunk never
   straddles two of them except when tiny ones (< ``min_tokens``, e.g. a "삭제" article or a bare heading) are
   merged with the next sibling in the same parent. The label of a merged chunk names the range of the units
   it covers (``제6조–제7조``, ``§ 9201–9202(a)``, ``제17조제6항–제18조``), leaving out "bare" units that have
   nothing to cite — a bare heading, or a deleted or repealed unit ("제16조 삭제 <2009.1.30>", "Repealed. Pub. L.
   …"): a chunk of 제16조 (삭제) and 제17조 is labelled ``제17조``. Only when every merged unit is bare does the
   label name them all.
2. A unit that fits the budget is one chunk. A unit over budget is split into its subdivisions (U.S. Code
   subsections ``(b)``, EO subsections, Korean 항 ``①``, speaker turns) and, below that, packed from paragraphs,
   legal items and sentences with ``overlap_sentences`` sentences of overlap; a single over-long sentence is
   split at clauses, then words, then characters.
3. Each chunk has `text` == ``doc.text[start:end]`` and, when useful, a `context` (document title and the
   headings above the chunk, then the lead-ins of the lists the chunk continues, then the chunk text without
   markdown markup) that the index embeds instead of the bare text. Both fit ``max_tokens`` as counted by the
   embedder's `count_tokens`.
4. A chunk that starts inside a list whose lead-in it does not hold ("… shall include specific findings with
   respect to the following ports and airports:", "다음 각 호의 어느 하나에 해당하는 자는 … 처한다.") gets that
   lead-in as a context line (see `leadins`; at most ``max_tokens // 4`` tokens for all of them, a long one cut
   around the words that introduce the list). Lists are looked for in the chunk's section or article (in other
   documents, in the chunk's own unit); a piece that may start inside a list packs less text, by the cost of the
   lead-in lines it gets there, so that its context still fits.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .language import detect_language
from .leadins import LeadIn, active, find_leadins, plain, trim_leadin
from .meta import aliases_of
from .sentences import segment, split_to_budget
from .settings import ChunkingSettings
from .structure import (
    LEGAL_KINDS,
    SECTION_KINDS,
    SUBDIVISION_KINDS,
    Node,
    build_tree,
    clean_inline,
    doc_style,
    is_deletion_notice,
)
from .types import Chunk, Document

_MD_LINE = re.compile(r"^#{1,6}[ \t]+", re.M)
_MD_INLINE = re.compile(r"\*\*|__|\\(?=[.\-*_#()\[\]])")
_NO_PARA = {"turn", "page", "numbered"} | set(LEGAL_KINDS)


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    node: Node  # the node that names the piece
    last: Node  # last node covered (differs from `node` after a merge)
    para: int | None  # paragraph number within `node` when the node was split
    intro: bool  # the text of `node` before its first child
    bare: bool  # nothing to cite: only heading lines, or a deletion notice ("삭제 <2009.1.30>", "Repealed.")
    whole: bool  # covers a whole child (or intro) and may merge with its neighbour when tiny
    tokens: int
    merged: bool = False


def strip_markup(text: str) -> str:
    """Chunk text as embedded: markdown heading marks, bold marks and backslash escapes removed."""
    return _MD_INLINE.sub("", _MD_LINE.sub("", text))


class _Chunker:
    def __init__(self, doc: Document, settings: ChunkingSettings, count_tokens: Callable[[str], int]) -> None:
        self.doc = doc
        self.text = doc.text
        self.s = settings
        self.count = count_tokens
        self.root = build_tree(doc)
        self.style = doc_style(self.root)
        meta = doc.metadata or {}
        if self.style == "kr":
            base = meta.get("citation_prefix") or doc.title
        else:
            base = meta.get("citation_prefix") or meta.get("short_title") or doc.title
        self.base = clean_inline(str(base))
        self.title_line = clean_inline(doc.title)
        # The context's first line: the title, with the document's other names (`aliases`) for search to match
        aliases = [a for a in aliases_of(meta) if a != self.title_line]
        self.title_context = f"{self.title_line} ({'; '.join(aliases)})" if aliases else self.title_line
        # A single H1 is the document's title: it is left out of label paths and context prefixes.
        h1 = [n for n in self.root.children if n.kind == "heading" and n.level == 1]
        self.title_node = h1[0] if len(h1) == 1 else None
        self._budget: dict[int, int] = {}
        self._counts: dict[str, int] = {}
        self._leadins: dict[int, list[LeadIn]] = {}
        self._lead_lines: dict[tuple[LeadIn, ...], list[str]] = {}
        self._segment()

    def _segment(self) -> None:
        """Cut the whole text into units once (between node boundaries, so every node is a run of units) and
        count each unit's tokens once; span counts are then sums. Word-piece and sentence-piece tokenisers do
        not merge across whitespace, so the sum equals the count of the joined span; every final chunk is
        still counted exactly (see `chunk_document`)."""
        bounds = {0, len(self.text)}
        stack = [self.root]
        while stack:
            n = stack.pop()
            bounds.update((n.start, n.heading_end))
            stack.extend(n.children)
        bounds.update(s for s, _ in self.doc.page_spans)
        cuts = sorted(bounds)
        units: list[tuple[int, int, bool]] = []
        for a, b in zip(cuts, cuts[1:]):
            units.extend(segment(self.text, a, b))
        self.u_start = [u[0] for u in units]
        self.u_end = [u[1] for u in units]
        self.u_para = [u[2] for u in units]
        self.u_tok = [self.count(self.text[a:b]) for a, b, _ in units]
        self.cum = [0]
        for t in self.u_tok:
            self.cum.append(self.cum[-1] + t)

    def unit_range(self, s: int, e: int) -> tuple[int, int]:
        """Indices [i, j) of the units inside ``text[s:e]``."""
        return bisect.bisect_right(self.u_end, s), bisect.bisect_left(self.u_start, e)

    def count_cached(self, text: str) -> int:
        if text not in self._counts:
            self._counts[text] = self.count(text)
        return self._counts[text]

    # ---- tokens and budgets -------------------------------------------------------------------
    def tokens(self, s: int, e: int) -> int:
        i, j = self.unit_range(s, e)
        return self.cum[j] - self.cum[i]

    def fits(self, s: int, e: int, budget: int) -> bool:
        return self.tokens(s, e) <= budget

    def prefix_lines(self, node: Node, start: int) -> list[str]:
        """Title and the headings above `start` that the chunk text does not contain."""
        heads = [
            n.heading
            for n in node.ancestors() + [node]
            if n.heading and n.start < start and n.heading != self.title_line and n is not self.title_node
        ]
        lines = [self.title_context] + heads
        limit = self.s.max_tokens // 3
        while len(lines) > 2 and self.count_cached("\n".join(lines)) > limit:
            del lines[1]
        if self.count_cached("\n".join(lines)) > limit:
            return []
        return lines

    def budget(self, node: Node) -> int:
        """Token budget for text inside `node`, leaving room for the context prefix of a mid-node piece."""
        key = id(node)
        if key not in self._budget:
            lines = self.prefix_lines(node, node.end)
            cost = self.count_cached("\n".join(lines)) + 2 if lines else 0
            self._budget[key] = max(self.s.max_tokens - cost, min(self.s.max_tokens, 16))
        return self._budget[key]

    # ---- lead-ins of the lists a chunk continues ------------------------------------------------
    def list_unit(self, node: Node) -> Node:
        """Where the lists around a piece of `node` are looked for: its section or article in a law, else itself."""
        for n in reversed(node.ancestors() + [node]):
            if n.kind in SECTION_KINDS:
                return n
        return node

    def unit_leadins(self, unit: Node) -> list[LeadIn]:
        key = id(unit)
        if key not in self._leadins:
            legal = unit.kind in SECTION_KINDS  # a heading line may hold the lead-in ("Sec. 1. (a) … persons")
            start = unit.start if legal else unit.heading_end
            self._leadins[key] = find_leadins(self.text, start, unit.end, legal=legal)
        return self._leadins[key]

    def leadin_lines(self, node: Node, start: int) -> list[str]:
        """Context lines for a piece of `node` starting at `start`: the lead-ins of the lists it continues,
        outermost first, within ``max_tokens // 4`` tokens: the innermost (cut to fit if need be), then the outer
        ones while they fit whole."""
        act = tuple(active(self.unit_leadins(self.list_unit(node)), start))
        if act not in self._lead_lines:
            room = self.s.max_tokens // 4
            lines: list[str] = []
            for li in reversed(act):
                full = plain(self.text[li.start : li.end])
                if not lines:
                    line = trim_leadin(full, room - 1, self.count_cached)
                else:
                    line = full if self.count_cached(full) <= room - 1 else ""
                if not line:
                    break
                lines.insert(0, line)
                room -= self.count_cached(line) + 1
            self._lead_lines[act] = lines
        return self._lead_lines[act]

    def leadin_start(self, node: Node, start: int) -> int | None:
        """Where the innermost lead-in of the list a piece starting at `start` continues begins (None: none)."""
        act = active(self.unit_leadins(self.list_unit(node)), start)
        return act[-1].start if act and act[-1].start < start else None

    def leadin_cost(self, node: Node, start: int) -> int:
        lines = self.leadin_lines(node, start)
        return self.count_cached("\n".join(lines)) + 1 if lines else 0

    def leadin_reserve(self, node: Node, s: int, e: int) -> int:
        """The most that lead-in lines cost for a piece of `node` starting anywhere in ``[s, e)``."""
        starts = {s} | {li.end for li in self.unit_leadins(self.list_unit(node)) if s <= li.end < e}
        return max(self.leadin_cost(node, a) for a in starts)

    def pack_budget(self, node: Node, s: int, e: int) -> int:
        """Budget for the pieces that ``text[s:e]`` of `node` is split into (see `budget`, `leadin_reserve`)."""
        return max(self.budget(node) - self.leadin_reserve(node, s, e), min(self.s.max_tokens, 16))

    def context(self, p: Piece) -> str | None:
        lines = self.prefix_lines(p.node, p.start)
        if not lines:
            return None
        body = strip_markup(self.text[p.start : p.end])
        if body.startswith(self.title_line + "\n"):  # the document's own H1 is already the first context line
            body = body[len(self.title_line) :].lstrip("\n")
        leads = [ln for ln in self.leadin_lines(p.node, p.start) if ln not in lines]
        for extra in [leads, []] if leads else [[]]:
            ctx = "\n".join(lines + extra) + "\n\n" + body
            if self.count(ctx) <= self.s.max_tokens:
                return ctx
        return None

    # ---- recursion ----------------------------------------------------------------------------
    def trim(self, s: int, e: int) -> tuple[int, int]:
        t = self.text
        while s < e and t[s].isspace():
            s += 1
        while e > s and t[e - 1].isspace():
            e -= 1
        return s, e

    def is_bare(self, node: Node, s: int, e: int) -> bool:
        """Whether ``text[s:e]`` (all or the start of `node`) holds nothing to cite: heading lines only, or a
        deletion notice after the heading ("##### 제16조\n\n삭제 <2009.1.30>", "**②** 삭제 <2021.5.25>")."""
        has_heading = node.heading_end > node.start
        rest = strip_markup(self.text[max(s, node.heading_end) : e] if has_heading else self.text[s:e])
        if not rest.strip():
            return has_heading
        return is_deletion_notice(rest)

    def chunk_node(self, node: Node) -> list[Piece]:
        s, e = self.trim(node.start, node.end)
        if s >= e:
            return []
        budget = self.budget(node) - self.leadin_cost(node, s)
        structural = any(ch.kind not in SUBDIVISION_KINDS for ch in node.children)
        if not structural and self.fits(s, e, budget):
            return [Piece(s, e, node, node, None, False, self.is_bare(node, s, e), True, self.tokens(s, e))]
        if not node.children:
            return self.split_leaf(node, s, e, intro=False)
        pieces: list[Piece] = []
        i_s, i_e = self.trim(node.start, node.children[0].start)
        if i_s < i_e:
            pieces += self.split_leaf(node, i_s, i_e, intro=True)
        for ch in node.children:
            part = self.chunk_node(ch)
            if len(part) == 1:
                part = [replace(part[0], whole=True)]
            pieces += part
        return self.merge_tiny(pieces)

    def split_leaf(self, node: Node, s: int, e: int, *, intro: bool) -> list[Piece]:
        if self.fits(s, e, self.budget(node) - self.leadin_cost(node, s)):
            bare = intro and self.is_bare(node, s, e)
            return [Piece(s, e, node, node, None, intro, bare, True, self.tokens(s, e))]
        budget = self.pack_budget(node, s, e)  # any unit fits a piece wherever it starts
        units: list[tuple[int, int, int]] = []  # (start, end, paragraph number)
        toks: list[int] = []
        para = 0
        has_heading = node.heading_end > node.start
        i, j = self.unit_range(s, e)
        for k in range(i, j):
            us, ue = self.u_start[k], self.u_end[k]
            if self.u_para[k] and not (has_heading and us < node.heading_end):
                para += 1
            if self.u_tok[k] <= budget:
                units.append((us, ue, max(para, 1)))
                toks.append(self.u_tok[k])
                continue
            for a, b in split_to_budget(self.text, us, ue, budget, self.count):
                units.append((a, b, max(para, 1)))
                toks.append(self.count(self.text[a:b]))
        extra = [self.leadin_cost(node, u[0]) for u in units]
        spans = self.pack(units, toks, self.budget(node), extra)
        out = []
        for i, j in spans:
            a, b = units[i][0], units[j - 1][1]
            out.append(Piece(a, b, node, node, units[i][2], intro, False, False, sum(toks[i:j])))
        return out

    def pack(
        self, units: list[tuple[int, int, int]], toks: list[int], budget: int, extra: list[int]
    ) -> list[tuple[int, int]]:
        """Greedy packing of units into [i, j) runs under `budget`, balanced so the last run is not tiny,
        preferring paragraph boundaries, with `overlap_sentences` units repeated at the start of each run.
        A run starting at unit i has ``extra[i]`` tokens less (the lead-in lines its context gets there)."""
        n = len(units)
        total = sum(toks)
        runs = max(1, -(-total // budget))
        target = min(budget, int(total / runs * 1.1) + 1)
        out: list[tuple[int, int]] = []
        i = 0
        ov = self.s.overlap_sentences
        while i < n:
            start = i
            if out and ov:
                j = max(out[-1][0] + 1, i - ov)
                # the overlap may not crowd out the lead-in lines of a run that gets them
                if (
                    j < i
                    and sum(toks[j:i]) <= budget // 3
                    and (not extra[j] or sum(toks[j : i + 1]) <= budget - extra[j])
                ):
                    start = j
            cap = budget - extra[start]
            goal = min(target, cap)
            used = sum(toks[start:i])
            k = i
            while k < n:
                if k > i and used + toks[k] > (goal if used >= self.s.min_tokens else cap):
                    break
                if k > i and units[k][2] != units[k - 1][2] and used >= max(goal * 0.6, self.s.min_tokens):
                    para_end = k
                    while para_end < n and units[para_end][2] == units[k][2]:
                        para_end += 1
                    if used + sum(toks[k:para_end]) > goal:
                        break
                used += toks[k]
                k += 1
            k = max(k, i + 1)
            out.append((start, k))
            i = k
        return out

    def merge_tiny(self, pieces: list[Piece]) -> list[Piece]:
        out: list[Piece] = []
        i = 0
        while i < len(pieces):
            cur = pieces[i]
            while cur.whole and (cur.bare or cur.tokens < self.s.min_tokens) and i + 1 < len(pieces):
                merged = self.merge(cur, pieces[i + 1])
                if merged is None:
                    break
                cur = merged
                i += 1
            out.append(cur)
            i += 1
        if len(out) >= 2 and out[-1].whole and out[-1].tokens < self.s.min_tokens and out[-2].whole:
            merged = self.merge(out[-2], out[-1])
            if merged is not None:
                out[-2:] = [merged]
        return out

    def merge(self, a: Piece, b: Piece) -> Piece | None:
        tokens = self.tokens(a.start, b.end)
        if tokens > self.s.max_tokens:
            return None
        if a.bare and b.bare:  # e.g. two deleted articles in a row: name them both
            p = Piece(a.start, b.end, a.node, b.last, a.para, a.intro, True, b.whole, tokens, True)
        elif a.bare:  # a heading or deleted unit before `b`: name by `b`
            p = Piece(a.start, b.end, b.node, b.last, b.para, b.intro, False, b.whole, tokens, b.merged)
        elif b.bare:  # a deleted unit (or a trailing heading) after `a`: name by `a`
            p = Piece(a.start, b.end, a.node, a.last, a.para, a.intro, False, b.whole, tokens, a.merged)
        elif a.intro and a.node.kind == "root":  # a law's preamble: name by `b`
            p = Piece(a.start, b.end, b.node, b.last, b.para, b.intro, False, b.whole, tokens, b.merged)
        else:
            p = Piece(a.start, b.end, a.node, b.last, a.para, a.intro, False, b.whole, tokens, True)
        lines = self.prefix_lines(p.node, p.start)
        cost = self.count_cached("\n".join(lines)) + 2 if lines else 0
        if tokens + cost + self.leadin_cost(p.node, p.start) > self.s.max_tokens:
            return None
        return p

    # ---- labels -------------------------------------------------------------------------------
    def label_parts(self, node: Node, intro: bool, para: int | None) -> tuple[str, str]:
        """(label, section) for a piece named by `node`."""
        chain = node.ancestors() + [node]
        legal = ""
        for n in chain:
            if n.kind == "supplement":
                legal = (legal + " 부칙").strip()
            elif n.kind in LEGAL_KINDS and n.key:
                sep = " " if n.kind in ("article",) and legal.endswith("부칙") else ""
                legal = legal + sep + n.key
        if intro and node.intro_key:
            legal += node.intro_key
        if legal and any(n.kind in LEGAL_KINDS for n in chain):
            section = legal
        else:
            parts = []
            for n in chain:
                if (
                    n.kind in ("heading", "chapter", "supplement")
                    and n.key
                    and n is not self.title_node
                    and not self.title_line.startswith(n.heading)
                ):
                    parts.append(n.key if n.kind != "chapter" or self.style != "kr" else n.heading)
            section = " › ".join(parts)
            for n in chain:
                if n.kind in ("page", "turn", "numbered"):
                    section = f"{section} {n.key or ''}".strip()
        if para is not None and node.kind not in _NO_PARA:
            section = (section + f" ¶{para}").strip()
        sep = " › " if section and self.style == "generic" and not section.startswith(("p. ", "¶")) else " "
        if not section and self.style != "generic":  # a law's preamble on its own: cite the whole document
            return self.title_line, section
        label = self.base + (sep + section if section else "")
        return label, section

    def label(self, p: Piece) -> tuple[str, str | None]:
        label, section = self.label_parts(p.node, p.intro, p.para)
        kinds = {p.node.kind, p.last.kind}
        # a range of legal units (also an article and the next article's first 항, or the last article and a
        # short 부칙), of pages or of turns; not when the last unit lies inside the first (an article's intro
        # merged with its own 제1항)
        rangeable = kinds <= {*LEGAL_KINDS, "supplement"} or (len(kinds) == 1 and kinds <= {"page", "turn", "numbered"})
        if p.merged and p.last is not p.node and rangeable and p.node not in p.last.ancestors():
            last_label, last_section = self.label_parts(p.last, False, None)
            tail = _range_tail(label, last_label)
            if tail:
                label += "–" + tail
                section = (section + "–" + tail) if section else tail
        elif p.node.kind == "turn" and p.node.heading and (p.last is p.node or p.node in p.last.ancestors()):
            label += f" ({p.node.heading})"  # one speaker's turn: name the speaker, "¶6 (AMB. MILLER)"
        return label, section or None


def _range_tail(first: str, last: str) -> str:
    """The part of `last` that differs from `first`, cut at a natural boundary: "제7조", "(c)", "¶5"."""
    if first == last:
        return ""
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    while i > 0 and not (last[i - 1] == " " or last[i] in "(§제¶" or last[i - 1] in "›"):
        i -= 1
    tail = last[i:].strip(" ›")
    return tail[1:] if tail.startswith("¶") and "¶" in first else tail


# Bumped whenever the chunker cuts or describes (context) the same text differently: an index records the version
# that cut each document, and the next ingest re-chunks documents cut by another version (passages whose embedded
# text is unchanged keep their vectors). 2: list lead-ins in the context of continuation chunks; 3: the chunk
# holding that lead-in recorded (`Chunk.lead_in_chunk`); 4: numbered paragraphs of plain documents, one-line order
# sections, the speaker in the context of a chunk that continues a turn and in the label of a one-speaker chunk;
# 5: turns after a timestamp ("[00:12:31] HOST: …") or with a delegation ("Mr. Kim (Republic of Korea): …").
CHUNKER_VERSION = "chunker-5"


def chunk_document(doc: Document, settings: ChunkingSettings, count_tokens: Callable[[str], int]) -> list[Chunk]:
    """Split `doc` into structure-aware chunks (see the module docstring). Pure: same input, same chunks."""
    if not doc.text.strip():
        return []
    ch = _Chunker(doc, settings, count_tokens)
    pieces = []
    for p in ch.chunk_node(ch.root):
        # unit counts are summed during packing; the final text is counted exactly, and re-split in the rare
        # case where a tokeniser counts a joined span higher than its parts
        if count_tokens(doc.text[p.start : p.end]) <= settings.max_tokens:
            pieces.append(p)
            continue
        for a, b in split_to_budget(doc.text, p.start, p.end, ch.pack_budget(p.node, p.start, p.end), count_tokens):
            pieces.append(replace(p, start=a, end=b, tokens=count_tokens(doc.text[a:b])))
    page_starts = [s for s, _ in doc.page_spans]
    piece_starts = [p.start for p in pieces]
    chunks: list[Chunk] = []
    last_start = -1
    for p in pieces:
        if p.start <= last_start:  # cannot happen: pieces are built in document order
            raise AssertionError(f"chunks out of order in {doc.doc_id} at {p.start}")
        last_start = p.start
        text = doc.text[p.start : p.end]
        label, section = ch.label(p)
        page = bisect.bisect_right(page_starts, p.start) if page_starts else None
        if page is not None and ch.style != "generic":
            label = f"{label}, p. {max(page, 1)}"
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}@{p.start}",
                doc_id=doc.doc_id,
                text=text,
                start=p.start,
                end=p.end,
                section=section,
                label=label,
                page=max(page, 1) if page is not None else None,
                language=detect_language(text),
                context=ch.context(p),
                lead_in_chunk=_holder(doc.doc_id, pieces, piece_starts, ch.leadin_start(p.node, p.start), p.start),
                ocr=_from_ocr(doc, page_starts, p.start, p.end),
            )
        )
    return chunks


def _from_ocr(doc: Document, page_starts: list[int], start: int, end: int) -> bool:
    """Whether ``doc.text[start:end]`` overlaps a page whose text came from OCR."""
    if not doc.ocr_pages:
        return False
    first = max(bisect.bisect_right(page_starts, start), 1)
    last = max(bisect.bisect_right(page_starts, max(end - 1, start)), 1)
    return any(n in doc.ocr_pages for n in range(first, last + 1))


def _holder(doc_id: str, pieces: list[Piece], starts: list[int], pos: int | None, own: int) -> str | None:
    """The chunk id of the piece holding offset `pos` (a lead-in's start), unless it is the piece at `own`."""
    if pos is None:
        return None
    i = bisect.bisect_right(starts, pos) - 1
    if i < 0 or pieces[i].start == own or not (pieces[i].start <= pos < pieces[i].end):
        return None
    return f"{doc_id}@{pieces[i].start}"
