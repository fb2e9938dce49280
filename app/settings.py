"""One settings object for policyqa, read from the environment (prefix POLICYQA_) and passed explicitly."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.settings import IndexSettings, default_home  # noqa: E402
from ingest.settings import ChunkingSettings  # noqa: E402


class AbstainThresholds(BaseModel):
    """When the answer engine says "the documents do not answer this" (see app.answer.abstain)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    below: float = Field(ge=0, le=5, description="Abstain when the best sentence's evidence score is below this")
    agreed: float = Field(
        ge=0,
        le=5,
        description="The threshold when the dense and lexical retrievers agree on the quoted passage "
        "(both rank it within abstain_agree_rank)",
    )
    section: float = Field(ge=0, le=5, description="The threshold for 'which section' questions (answered by a label)")
    passage: float = Field(
        0.0, ge=0, le=10, description="Weight of the question-passage dense cosine added to the evidence score"
    )
    shape: float = Field(
        1.0, ge=0, le=1, description="Share of the sentence's answer-shape bonus kept in the evidence score"
    )


class AnswerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    answerer: str = Field(
        "extractive", description="'extractive' (offline, default) or 'llm' (OpenAI-compatible endpoint)"
    )
    k: int = Field(8, ge=1, le=50, description="Passages retrieved per question")
    max_sentences: int = Field(
        3, ge=1, le=10, description="Most sentences in an answer (extractive quotes or LLM sentences)"
    )
    closeness: float = Field(
        0.75,
        gt=0,
        le=1,
        description="Extractive: further quotes of the best passage are kept when their score is at least this share "
        "of the best one",
    )
    support_lexical: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Citation check without an embedder: a sentence is supported when this share of its content words "
        "is in the cited passage (fitted by bench/calibration/support_thresholds.py)",
    )
    support_combined: float = Field(
        0.85,
        ge=0,
        le=1,
        description="Citation check with an embedder: supported when (lexical share + best sentence cosine) / 2 "
        "reaches this (fitted by bench/calibration/support_thresholds.py)",
    )
    abstain: AbstainThresholds = Field(
        default_factory=lambda: AbstainThresholds(below=0.5, agreed=0.5, section=0.5),
        description="Abstention thresholds for an embedder not listed in abstain_by_embedder",
    )
    abstain_by_embedder: dict[str, AbstainThresholds] = Field(
        default_factory=lambda: {
            "minilm": AbstainThresholds(below=0.43, agreed=0.43, section=0.29, passage=0.0),
            "e5-small": AbstainThresholds(below=2.677, agreed=2.677, section=2.537, passage=2.5, shape=0.0),
        },
        description="Abstention thresholds per embedder name: cosines live on a model-specific scale (e5 cosines sit "
        "higher than MiniLM's). Fitted by bench/calibration/abstain_features.py on "
        "bench/calibration/abstain_questions.jsonl",
    )
    abstain_agree_rank: int = Field(
        3,
        ge=1,
        le=100,
        description="The dense and lexical retrievers agree on a passage when both rank it within this many places",
    )
    abstain_anchors: bool = Field(
        True,
        description="Abstain when a long number the question is about (a year, an order number; "
        "app.answer.rules.anchors) occurs in none of the retrieved passages of the quoted documents (see abstain_anchor_names)",
    )
    abstain_anchor_names: bool = Field(
        False,
        description="With abstain_anchors: names of the question (capitalised words, acronyms) must occur "
        "too, not only its long numbers. Off by default: names are paraphrased in the documents ('Pyongyang' for the "
        "Government of North Korea), numbers are not",
    )
    slot_kinds: list[str] = Field(
        default_factory=lambda: ["money", "count", "date", "year", "percent", "document", "penalty", "distance"],
        description="Asked-slot kinds (app.answer.rules.slots) the extractive answerer checks: a question asking for a value of "
        "one of these kinds prefers a quote stating such a value (from any retrieved passage) and abstains when no "
        "quote states one. Kinds: money, count, date, year, percent, document (a numbered order or resolution), "
        "penalty, distance",
    )
    slot_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="A quote filling the asked slot is moved before the best quote that does not when its own "
        "evidence (score without the rank prior) is at least this share of the best's (0: whenever one is retrieved)",
    )
    abstain_below_lexical: float = Field(
        0.39,
        ge=0,
        le=2,
        description="Abstain below this best sentence score when there is no embedder (lexical-only scores are on "
        "their own scale; fitted by bench/calibration/abstain_thresholds.py --lexical)",
    )
    embed_top: int = Field(
        0,
        ge=0,
        le=1000,
        description="Extractive: embed this many best sentences (by the cheap signals) for a question-sentence cosine; "
        "0: no model call at answer time, each sentence takes its passage's question cosine from the index "
        "(Hit.dense_score)",
    )


class ConfidenceSettings(BaseModel):
    """Thresholds of the answer's confidence level (`app.answer.confidence.confidence_level`) over the signals of
    `app.answer.types.ConfidenceSignals`; fitted by bench/calibration/confidence_fit.py."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    high_evidence_margin: float = Field(
        10.0,
        description="high needs the best quoted sentence's evidence signal at least this far above the abstention "
        "threshold (ConfidenceSignals.evidence_margin) when the dense and lexical retrievers disagree on the cited passage "
        "(10: above any margin, so high needs their agreement)",
    )
    high_agreed_evidence_margin: float = Field(
        0.45,
        description="… or at least this far when the dense and lexical retrievers both rank the cited passage near "
        "the top (ConfidenceSignals.retrievers_agree)",
    )
    high_support: float = Field(
        0.9, ge=0, le=1, description="high needs every quoted sentence supported at least this strongly (0..1)"
    )
    high_passage_margin: float = Field(
        0.0,
        description="high needs the cited passage's dense question cosine to be at most this far below the best "
        "passage of another document (ConfidenceSignals.passage_margin; negative: another document may be closer)",
    )
    high_same_language: bool = Field(
        True, description="high needs evidence in the question's language (a cross-language match is at most medium)"
    )
    high_anchors_found: float = Field(
        0.0,
        ge=0,
        le=1,
        description="high needs at least this share of the question's names and long numbers in the cited passages",
    )
    high_term_coverage: float = Field(
        0.4,
        ge=0,
        le=1,
        description="high needs at least this IDF-weighted share of the question's content words in the cited passages",
    )
    low_evidence_margin: float = Field(
        -0.035,
        description="An answer whose evidence margin is below this is low: closest passages, not a claim",
    )
    part_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="A part of a multi-part question is covered when the quoted sentences (and their citation "
        "labels) hold this share of its content words",
    )


class LLMSettings(BaseSettings):
    """Read from POLICYQA_LLM_BASE_URL / POLICYQA_LLM_MODEL / POLICYQA_LLM_API_KEY / POLICYQA_LLM_<FIELD> (its own
    env prefix, so the documented names work; POLICYQA_LLM__<FIELD> through the parent Settings works as well)."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_LLM_", extra="forbid", frozen=True)

    base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (POLICYQA_LLM_BASE_URL)"
    )
    model: str = Field("default", description="Model name sent to the endpoint (POLICYQA_LLM_MODEL)")
    api_key: str = Field("not-needed", description="API key for the endpoint (POLICYQA_LLM_API_KEY)")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature")
    timeout: float = Field(120.0, gt=0, description="Seconds before a request to the endpoint fails")
    max_tokens: int = Field(256, ge=16, le=8192, description="Most tokens generated per answer")
    max_passages: int = Field(
        5, ge=1, le=50, description="Most retrieved passages put into the prompt (small models have small contexts)"
    )
    max_passage_chars: int = Field(
        1200, ge=100, le=20000, description="Each passage is cut to this many characters in the prompt"
    )


class ServerSettings(BaseSettings):
    """Read from POLICYQA_API_TOKEN / POLICYQA_MAX_UPLOAD_MB (the documented names; POLICYQA_SERVER__<FIELD>
    through the parent Settings works as well)."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="forbid", frozen=True)

    api_token: str | None = Field(
        None, description="When set, mutating HTTP routes need 'Authorization: Bearer <token>' (POLICYQA_API_TOKEN)"
    )
    max_upload_mb: int = Field(50, ge=1, description="Largest accepted upload request in MiB (POLICYQA_MAX_UPLOAD_MB)")
    reindex_roots: list[Path] = Field(
        default_factory=list,
        description="Server folders the re-index-by-path action may read (and only below them); it also needs the "
        "token. Empty: re-indexing by path is off (POLICYQA_REINDEX_ROOTS='[\"/srv/docs\"]')",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the server answers to besides loopback and its bind address, e.g. the name a "
        "reverse proxy forwards ('*': any) (POLICYQA_ALLOWED_HOSTS='[\"qa.example.org\"]')",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to send changes besides the app's own, e.g. 'https://qa.example.org' "
        "behind a reverse proxy (POLICYQA_ALLOWED_ORIGINS)",
    )
    ingest_niceness: int = Field(
        10,
        ge=0,
        le=19,
        description="How much lower the OS priority of an upload's or re-index's loading and embedding is than the "
        "searches served meanwhile (0: the same) (POLICYQA_INGEST_NICENESS)",
    )


class Settings(BaseSettings):
    """All settings. Env: POLICYQA_HOME, POLICYQA_INDEX__EMBEDDER=e5-small, POLICYQA_LLM_BASE_URL, ..."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_", env_nested_delimiter="__", extra="forbid")

    home: Path = Field(default_factory=default_home, description="Where indexes and converted models live")
    index_dir: Path | None = Field(None, description="The index directory; default <home>/index")
    chunking: ChunkingSettings = ChunkingSettings()
    index: IndexSettings = IndexSettings()
    answer: AnswerSettings = AnswerSettings()
    confidence: ConfidenceSettings = ConfidenceSettings()
    llm: LLMSettings = Field(default_factory=LLMSettings, description="The LLM answerer's endpoint")
    server: ServerSettings = Field(default_factory=ServerSettings, description="The HTTP server's token and limits")

    def resolved_index_dir(self) -> Path:
        return self.index_dir if self.index_dir is not None else self.home / "index"
