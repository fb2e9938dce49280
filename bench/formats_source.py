"""The source side of the formats benchmark: real documents picked from the benchmark data by a seeded rule, read
into blocks (title, section headings with their labels, paragraphs, list items), an excerpt of whole sections
each, and the questions asked of them (one sentence of each section's body).

The plain-text rendering of the blocks (`plain_text`) is the reference every format's extracted text is compared
with; every format is written from the same blocks (`bench.formats_files`)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["heading", "chapter", "para", "item"]

# Folders of the benchmark data and the language of their documents.
CORPORA: dict[str, str] = {
    "us_law_north_korea": "en",
    "us_executive_orders_north_korea": "en",
    "kr_law_inter_korean": "ko",
}
SECTION_PATTERNS = (
    re.compile(r"^(?P<label>§\s*\d+[a-z]?(?:-\d+)?)\.?\s*(?P<rest>.*)$"),
    re.compile(r"^Sec(?:tion|\.)\s*(?P<num>\d+[a-z]?)\.?\s*(?P<rest>.*)$"),
    re.compile(r"^(?P<label>제\s*\d+\s*조(?:\s*의\s*\d+)?)\s*(?P<rest>(?:\([^)]*\))?.*)$"),
)
CHAPTER = re.compile(r"^(제\s*\d+\s*[장절편관]|CHAPTER\s+\d+|Subchapter\s+[IVX]+)\b", re.I)
LIST_ITEM = re.compile(r"^(\(\s*[0-9a-zA-Z]{1,4}\s*\)|[0-9]{1,3}(?:의[0-9]+)?\.|[가-하]\.|[①-⑳])\s*")
SENTENCE_END = re.compile(r"(?<=[.!?다])\s+(?=\S)")
MIN_SECTIONS = 3  # an excerpt has at least this many sections (when the document has them)
HEADING_MAX_CHARS = 90  # a section line longer than this starts the body ("Section 1. (a) All property …")


@dataclass(frozen=True)
class Block:
    kind: Kind
    text: str
    label: str | None = None  # the section label of a heading: "§ 7801", "Sec. 3", "제17조"


@dataclass
class Section:
    label: str
    heading: str  # the heading line as written ("§ 7801. Findings", "제1조 (목적)")
    body: list[Block] = field(default_factory=list)

    def body_text(self) -> str:
        return " ".join(b.text for b in self.body)


@dataclass
class SourceDoc:
    name: str  # file stem, also the document id in the benchmark's indexes
    corpus: str
    language: str
    title: str
    sections: list[Section]
    table: list[list[str]]  # a small table of the excerpt's sections (column names first)

    def blocks(self) -> list[Block]:
        """The document in reading order: title, then each section's heading and body, then the table's rows."""
        out = [Block("chapter", self.title)]
        for s in self.sections:
            out.append(Block("heading", s.heading, s.label))
            out.extend(s.body)
        return out


@dataclass(frozen=True)
class Question:
    qid: str
    doc: str
    label: str
    language: str
    query: str  # a sentence of the section's body
    evidence: str  # the same sentence: a passage holding (most of) it answers the question


def is_fragment(raw: str, line: str) -> bool:
    """A body line that carries no text of the document: a bold-only marker (``**purpose**``) or a lone word."""
    return bool(re.fullmatch(r"\s*\*\*[^*]*\*\*\s*", raw)) or len(line.split()) < 2


def clean_line(line: str) -> str:
    """A source line without markdown marks (heading hashes, bold, escapes) and with single spaces."""
    line = re.sub(r"^\s*#+\s*", "", line)
    line = line.replace("**", "").replace("\\", "")
    return " ".join(line.split())


def canonical_label(text: str | None) -> str | None:
    """The section label at the start of `text` in one spelling: "§ 7801", "Sec. 3", "제17조", "제17조의2"."""
    if not text:
        return None
    text = clean_line(text)
    for i, pattern in enumerate(SECTION_PATTERNS):
        m = pattern.match(text)
        if not m:
            continue
        if i == 1:
            return f"Sec. {m.group('num')}"
        return re.sub(r"\s+", "", m.group("label")).replace("§", "§ ")
    return None


def covered_labels(section: str | None) -> set[str]:
    """The labels a chunk's section covers: one ("§ 7801(b)" → § 7801), or each of a merged range ("§ 7802–7804",
    "제2조–제3조") when its ends are plain numbers."""
    first = canonical_label(section)
    if not section or not first:
        return set()
    parts = re.split(r"\s*[–—]\s*", clean_line(section), maxsplit=1)
    if len(parts) < 2:
        return {first}
    last = canonical_label(parts[1]) or canonical_label(
        first.split()[0] + " " + parts[1] if first.startswith(("§", "Sec")) else ""
    )
    if not last:
        return {first}
    lead = re.compile(r"(§ |Sec\. |제)(\d+)(조?)")
    a, b = lead.match(first), lead.match(last)
    if a and b and a.group(1) == b.group(1):
        later = int(a.group(2)) + (a.end() < len(first))  # "제2조의2–제4조" covers 제3조, 제4조, not 제2조
        between = {f"{a.group(1)}{n}{a.group(3)}" for n in range(later, int(b.group(2)) + (b.end() < len(last)))}
        return {first, last} | between
    return {first, last}


def _strip_front_matter(text: str) -> tuple[dict[str, str], str]:
    m = re.match(r"\A---\n(.*?)\n---\n", text, flags=re.S)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        if ":" in line and not line.startswith(" "):
            key, value = line.split(":", 1)
            meta[key.strip()] = value.strip().strip("'\"")
    return meta, text[m.end() :]


def parse_source(path: Path, corpus: str, language: str, max_chars: int) -> SourceDoc:
    """The document at `path` as blocks: its title and its first whole sections up to `max_chars` characters of
    body (at least three sections)."""
    meta, text = _strip_front_matter(path.read_text(encoding="utf-8"))
    lines = [(raw.lstrip().startswith("#"), clean_line(raw), raw) for raw in text.splitlines()]
    lines = [(marked, line, raw) for marked, line, raw in lines if line]
    title = meta.get("제목") or next((line for marked, line, _ in lines if marked), lines[0][1] if lines else path.stem)
    sections: list[Section] = []
    chars = 0
    for marked, line, raw in lines:
        label = canonical_label(line)
        if label and (language == "en" or marked):
            if len(sections) >= MIN_SECTIONS and chars >= max_chars:
                break
            heading, rest = line, ""
            if len(line) > HEADING_MAX_CHARS:  # "Section 1. (a) All property …": the label line starts the body
                m = re.match(r"^(Sec(?:tion|\.)\s*\d+[a-z]?\.)\s*(.*)$", line)
                heading, rest = (m.group(1), m.group(2)) if m else (line, "")
            sections.append(Section(label, heading))
            if rest:
                sections[-1].body.append(Block("para", rest))
                chars += len(rest)
            continue
        if not sections or line.startswith("---") or is_fragment(raw, line):
            continue
        if sum(len(b.text) for b in sections[-1].body) > max_chars / MIN_SECTIONS:  # a long section is cut
            continue
        kind: Kind = (
            "chapter" if CHAPTER.match(line) and len(line) < 40 else "item" if LIST_ITEM.match(line) else "para"
        )
        sections[-1].body.append(Block(kind, line))
        chars += len(line)
    sections = [s for s in sections if s.body]
    column_names = ["조", "제목"] if language == "ko" else ["Section", "Heading"]
    rows = [[s.label, _heading_words(s)] for s in sections[:3]]
    return SourceDoc(path.stem, corpus, language, title, sections, [column_names, *rows])


def _heading_words(section: Section) -> str:
    rest = clean_line(section.heading)[len(section.label) :].strip(" .()")
    rest = re.sub(r"^(ection|ec\.)\s*\d+[a-z]?\.?", "", rest).strip(" .()")
    return rest or section.body_text()[:40]


def plain_text(doc: SourceDoc, named_cells: bool = False) -> str:
    """The reference text: the blocks one a line, then the table's rows: cells separated by two spaces, or, with
    `named_cells`, each cell named by its column as the product writes the rows of Word and HWPX tables
    ("조: 제1조; 제목: 목적")."""
    lines = [b.text for b in doc.blocks()]
    header, rows = doc.table[0], doc.table[1:]
    if named_cells:
        lines += ["; ".join(f"{name}: {cell}" for name, cell in zip(header, row)) for row in rows]
    else:
        lines += ["  ".join(row) for row in doc.table]
    return "\n\n".join(lines) + "\n"


def pick_documents(data: Path, per_corpus: int, seed: int, max_chars: int) -> list[SourceDoc]:
    """`per_corpus` documents of each corpus folder, drawn by a seeded random sample of its sorted document files
    (the provenance notes excluded)."""
    rng = random.Random(seed)
    docs = []
    for corpus, language in CORPORA.items():
        files = sorted(
            p for p in (data / corpus).iterdir() if p.suffix in (".md", ".txt") and p.stem.upper() != "SOURCE"
        )
        for path in sorted(rng.sample(files, min(per_corpus, len(files)))):
            doc = parse_source(path, corpus, language, max_chars)
            if doc.sections:
                docs.append(doc)
    return docs


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def make_questions(docs: list[SourceDoc], seed: int, max_words: int = 30) -> list[Question]:
    """One question per section: a seeded pick among the sentences of its body long enough to be specific (at
    least 8 words in English, 5 in Korean), cut to `max_words` words."""
    rng = random.Random(seed)
    out = []
    for doc in docs:
        min_words = 5 if doc.language == "ko" else 8
        for section in doc.sections:
            candidates = [s for s in sentences(section.body_text()) if len(s.split()) >= min_words]
            if not candidates:
                continue
            sentence = " ".join(rng.choice(candidates).split()[:max_words])
            qid = f"{doc.name}#{section.label}"
            out.append(Question(qid, doc.name, section.label, doc.language, sentence, sentence))
    return out
