"""The evaluation question sets (bench/qa/*.jsonl) as typed records, and the benchmark corpus they are over.

Two sets:
- answers.jsonl (`AnswerQuestion`): questions for the answer benchmark, with gold answer strings, the
  evidence (doc id + verbatim text + expected citation label) and whether the corpus answers them.
- bilingual.jsonl (`RetrievalQuestion`): queries for the retrieval benchmark, grouped by query/answer language,
  with relevant citation units. `en_en_from_answers` turns the English answerable questions of answers.jsonl
  into a fifth group at run time.

The corpus: ../shared/data/{us_law_north_korea,us_executive_orders_north_korea,kr_law_inter_korean} (without the
SOURCE.md files) plus the repo's corpus/*.md. A document's id is the slug of its file stem (`doc_id_for`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bench.relevance import Unit

ANSWER_GROUPS: tuple[str, ...] = ("en_factoid", "which_section", "ko", "multi_doc", "unanswerable")
RETRIEVAL_GROUPS: tuple[str, ...] = ("en_ko", "ko_ko", "ko_en", "en_en")
ENGLISH_ANSWER_GROUPS: tuple[str, ...] = ("en_factoid", "which_section", "multi_doc")

SHARED_CORPUS_DIRS: tuple[str, ...] = ("us_law_north_korea", "us_executive_orders_north_korea", "kr_law_inter_korean")
CORPUS_SUFFIXES: tuple[str, ...] = (".txt", ".md")
_NOT_CORPUS = {"SOURCE.md", "README.md"}


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str
    text: str = Field(min_length=3, description="A short verbatim substring of the document that proves the answer")
    label: str = Field(min_length=1, description="The expected citation unit, e.g. '22 U.S.C. § 9226'")


class AnswerQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str = Field(min_length=5)
    group: Literal["en_factoid", "which_section", "ko", "multi_doc", "unanswerable"]
    answers: list[str] = Field(description="Acceptable gold answer strings; empty when unanswerable")
    evidence: list[Evidence]
    answerable: bool

    @model_validator(mode="after")
    def _consistent(self) -> AnswerQuestion:
        if self.answerable != (self.group != "unanswerable"):
            raise ValueError(f"{self.id}: answerable must be False exactly for group 'unanswerable'")
        if self.answerable and (not self.answers or not self.evidence):
            raise ValueError(f"{self.id}: an answerable question needs answers and evidence")
        if not self.answerable and (self.answers or self.evidence):
            raise ValueError(f"{self.id}: an unanswerable question has no answers and no evidence")
        if self.group == "multi_doc" and len({e.doc_id for e in self.evidence}) < 2:
            raise ValueError(f"{self.id}: a multi_doc question needs evidence from at least two documents")
        return self

    def units(self) -> list[Unit]:
        return [Unit(e.doc_id, e.text, e.label) for e in self.evidence]


class Relevant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str
    label: str = Field(min_length=1)
    evidence: str = Field(min_length=3)


class RetrievalQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    query: str = Field(min_length=5)
    group: Literal["en_ko", "ko_ko", "ko_en", "en_en"]
    relevant: list[Relevant] = Field(min_length=1)

    def units(self) -> list[Unit]:
        return [Unit(r.doc_id, r.evidence, r.label) for r in self.relevant]


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict]]:
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg}); one object per line") from exc


def load_answer_set(path: Path) -> list[AnswerQuestion]:
    """Read answers.jsonl; raises ValueError naming the file and line of a bad record or a duplicate id."""
    return _load(path, AnswerQuestion)


def load_retrieval_set(path: Path) -> list[RetrievalQuestion]:
    """Read bilingual.jsonl; raises ValueError naming the file and line of a bad record or a duplicate id."""
    return _load(path, RetrievalQuestion)


def _load(path: Path, model):
    out, seen = [], set()
    for lineno, obj in _read_jsonl(path):
        try:
            q = model.model_validate(obj)
        except ValueError as exc:
            raise ValueError(f"{path}:{lineno}: {exc}") from exc
        if q.id in seen:
            raise ValueError(f"{path}:{lineno}: duplicate id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    return out


def en_en_from_answers(questions: Iterable[AnswerQuestion]) -> list[RetrievalQuestion]:
    """The English answerable questions of the answer set as retrieval questions (group en_en)."""
    return [
        RetrievalQuestion(
            id=f"en_en:{q.id}",
            query=q.question,
            group="en_en",
            relevant=[Relevant(doc_id=e.doc_id, label=e.label, evidence=e.text) for e in q.evidence],
        )
        for q in questions
        if q.answerable and q.group in ENGLISH_ANSWER_GROUPS
    ]


def doc_id_for(path: Path) -> str:
    """The document id of a corpus file: the slug of its file stem (lowercase; runs of other characters → '-')."""
    slug = re.sub(r"[^a-z0-9_\-]+", "-", Path(path).stem.lower()).strip("-")
    return slug or "document"


def corpus_files(shared_data: Path, corpus_dir: Path | None = None) -> dict[str, Path]:
    """doc_id → file for the benchmark corpus. Raises FileNotFoundError naming a missing folder."""
    files: dict[str, Path] = {}
    dirs = [Path(shared_data) / d for d in SHARED_CORPUS_DIRS]
    if corpus_dir is not None:
        dirs.append(Path(corpus_dir))
    for folder in dirs:
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{folder}: benchmark corpus folder not found (expected ../shared/data beside the repo)"
            )
        for path in sorted(folder.iterdir()):
            if path.suffix in CORPUS_SUFFIXES and path.name not in _NOT_CORPUS and path.is_file():
                doc_id = doc_id_for(path)
                if doc_id in files:
                    raise ValueError(f"{path}: doc id {doc_id!r} also used by {files[doc_id]}")
                files[doc_id] = path
    return files
