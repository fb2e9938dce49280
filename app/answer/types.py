"""Typed records of the answer engine: what `answer()` returns and the HTTP/CLI emit as JSON."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from index.types import Filters

ConfidenceLevel = Literal["high", "medium", "low"]


class Citation(BaseModel):
    """A numbered citation: the passage an answer sentence rests on, and the exact supporting span in it."""

    model_config = ConfigDict(frozen=True)

    n: int = Field(description="The marker number used in the answer text: [n]")
    chunk_id: str
    doc_id: str
    label: str = Field(description="Citation label, e.g. '22 U.S.C. § 9214(b)'")
    title: str
    doc_type: str
    date: str | None = None
    page: int | None = None
    section: str | None = None
    source: str
    text: str = Field(description="The full passage text")
    span_start: int = Field(description="Start of the supporting span within `text`")
    span_end: int
    span: str = Field(description="text[span_start:span_end]")
    ocr: bool = Field(False, description="The passage was read by OCR from a scanned page (check the original)")


class AnswerSentence(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    citations: list[int] = Field(default_factory=list, description="Citation numbers [n] this sentence carries")
    supported: bool = Field(description="True when the cited passage(s) support the sentence (checked, not assumed)")
    support: float = Field(0.0, description="Support score of the best cited passage, 0..1")
    omitted_items: int = Field(0, description="Items of a quoted list left out after this quote (shown as '… n more')")


class ConfidenceSignals(BaseModel):
    """The measured signals an answer's confidence level is decided from (`app.answer.confidence`)."""

    model_config = ConfigDict(frozen=True)

    evidence_margin: float = Field(
        0.0,
        description="How far the evidence signal of the best quoted sentence (app.answer.abstain.evidence_signal) is "
        "above the abstention threshold; negative when the engine abstained on it",
    )
    retrievers_agree: bool = Field(
        False, description="Dense and lexical retrieval both rank the cited passage near the top"
    )
    dense_rank: int | None = Field(None, description="Dense retriever's rank of the cited passage (None: not returned)")
    lexical_rank: int | None = Field(None, description="Lexical (BM25) rank of the cited passage (None: not returned)")
    passage_margin: float = Field(
        0.0,
        description="Dense question cosine of the cited passage minus the best one of a passage from another "
        "document (negative: the dense retriever prefers another document)",
    )
    support: float = Field(0.0, description="Lowest support score among the supported quoted sentences, 0..1")
    unsupported: int = Field(0, description="Answer sentences no cited passage supports")
    slot: Literal["none", "filled", "missing"] = Field(
        "none", description="Whether the value the question asks for (an amount, a date, a count …) is stated"
    )
    same_language: bool = Field(True, description="The cited passage is in the question's language")
    anchors_found: float = Field(
        1.0,
        description="Share of the question's names and long numbers (a year, an order number) found in the cited "
        "passages (1 when the question has none)",
    )
    term_coverage: float = Field(
        1.0, description="IDF-weighted share of the question's content words found in the cited passages, 0..1"
    )
    parts: int = Field(1, description="Parts of the question (a two-part question asks two things)")
    parts_covered: int = Field(1, description="Parts whose content words the quoted sentences contain")
    named_uncited: bool = Field(
        False,
        description="The question names an other-language document (its passages were retrieved by routing) and "
        "the answer cites none of them",
    )


class Scope(BaseModel):
    """What was searched to produce an answer."""

    model_config = ConfigDict(frozen=True)

    query: str = Field(description="The query actually searched (a follow-up rewritten with the chat history)")
    filters: Filters | None = Field(None, description="The active filters (None: the whole index)")
    documents: int = Field(0, description="How many documents the search covered (after the filters)")


class Answer(BaseModel):
    question: str
    query: str = Field(description="The standalone retrieval query (follow-ups rewritten with the chat history)")
    text: str = Field(description="The answer with inline [n] markers; unsupported sentences are flagged")
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    abstained: bool = False
    answerer: str = Field("extractive", description="Which answerer produced the text")
    closest: list[Citation] = Field(default_factory=list, description="When abstaining: the closest passages found")
    confidence: ConfidenceLevel = Field(
        "low",
        description="high: the answer is very likely right; medium: it may be incomplete (see `missing`); low: "
        "closest passages only, the documents may not answer this",
    )
    confidence_signals: ConfidenceSignals = Field(
        default_factory=ConfidenceSignals, description="The measured signals the confidence level comes from"
    )
    missing: list[str] = Field(
        default_factory=list, description="For a medium or low answer: what keeps it from high, in plain words"
    )
    scope: Scope | None = Field(None, description="The searched query, active filters and number of documents")
