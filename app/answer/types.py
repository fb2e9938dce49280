"""Typed records of the answer engine: what `answer()` returns and the HTTP/CLI emit as JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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


class Answer(BaseModel):
    question: str
    query: str = Field(description="The standalone retrieval query (follow-ups rewritten with the chat history)")
    text: str = Field(description="The answer with inline [n] markers; unsupported sentences are flagged")
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    abstained: bool = False
    answerer: str = Field("extractive", description="Which answerer produced the text")
    closest: list[Citation] = Field(default_factory=list, description="When abstaining: the closest passages found")
