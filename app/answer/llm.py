"""The pluggable LLM answerer: any OpenAI-compatible endpoint (llama.cpp server, Ollama, vLLM, OpenAI) through
LangChain's chat-model interface (`langchain_openai.ChatOpenAI` with `base_url`), configured by
POLICYQA_LLM_BASE_URL / POLICYQA_LLM_MODEL / POLICYQA_LLM_API_KEY (see `app.settings.LLMSettings`).

The prompt numbers the retrieved passages [1]..[n] with their citation labels and asks for [n] after each claim,
and for a fixed sentence when the passages do not answer. The reply is parsed into sentences with their
markers; a marker outside 1..n is dropped and its sentence flagged (`invalid_markers`), so the citation check in
`app.answer.pipeline` marks it unsupported: a citation can only ever point at a retrieved passage.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

from app.answer.abstain import NO_ANSWER_EN, is_decline
from app.answer.extractive import Draft, DraftSentence
from app.answer.rules.qtype import question_type
from app.answer.sentences import split_units
from app.settings import LLMSettings
from index.types import Hit

logger = logging.getLogger(__name__)


class LLMError(RuntimeError):
    """The LLM endpoint is not configured or failed; the message says what to set or check."""


SYSTEM_PROMPT = (
    "You answer questions about policy documents using only the numbered passages given. "
    "Write at most {max_sentences} short sentences. After every sentence put the number of the passage it comes "
    "from in square brackets, like [1] or [2]. Use only numbers of the passages shown. Do not add facts that are "
    "not in the passages. If the passages do not contain the answer, reply exactly: " + NO_ANSWER_EN
)

_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
# "claim. [1] Next" -> "claim [1]. Next": a marker right after the full stop belongs to the sentence before it.
_MARKERS_AFTER_STOP = re.compile(r"([.!?。])((?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+)")


def format_passages(hits: Sequence[Hit], max_chars: int) -> str:
    """The numbered passage block of the prompt: "[n] (label, date) text", the text cut to `max_chars`."""
    blocks = []
    for n, hit in enumerate(hits, 1):
        p = hit.passage
        source = ", ".join(x for x in (p.label, p.date) if x)
        text = " ".join(p.text.split())
        if len(text) > max_chars:
            text = text[:max_chars].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{n}] ({source}) {text}")
    return "\n\n".join(blocks)


def build_messages(question: str, hits: Sequence[Hit], *, max_chars: int, max_sentences: int) -> list[tuple[str, str]]:
    """(role, content) pairs accepted by any LangChain chat model."""
    user = f"Passages:\n\n{format_passages(hits, max_chars)}\n\nQuestion: {question}\nAnswer with [n] citations:"
    return [("system", SYSTEM_PROMPT.format(max_sentences=max_sentences)), ("user", user)]


def parse_reply(reply: str, n_passages: int) -> list[DraftSentence]:
    """Split a generated reply into sentences with their [n] markers (0-based hit indices in `sources`).
    Markers outside 1..n_passages are dropped and the sentence is flagged `invalid_markers`."""
    out: list[DraftSentence] = []
    text_all = _MARKERS_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), reply.strip())
    for unit in split_units(text_all):
        raw = unit.text
        numbers = [int(x) for g in _MARKER.findall(raw) for x in re.split(r"[,;\s]+", g) if x]
        text = _MARKER.sub("", raw)
        text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()
        if len(re.findall(r"\w+", text)) < 2:
            continue  # a stray marker, a bullet, a "Sources:" line
        valid = list(dict.fromkeys(n - 1 for n in numbers if 1 <= n <= n_passages))
        invalid = any(not 1 <= n <= n_passages for n in numbers)
        out.append(DraftSentence(text=text, sources=valid, invalid_markers=invalid))
    return out


def make_chat_model(settings: LLMSettings) -> Any:
    """A streaming LangChain chat model for the configured endpoint."""
    if not settings.base_url:
        raise LLMError(
            "the LLM answerer needs an OpenAI-compatible endpoint: set POLICYQA_LLM_BASE_URL "
            "(e.g. http://127.0.0.1:8080/v1) and POLICYQA_LLM_MODEL, or use the extractive answerer"
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.base_url,
        model=settings.model,
        api_key=settings.api_key,
        temperature=settings.temperature,
        timeout=settings.timeout,
        max_retries=1,
        streaming=True,
        # llama.cpp / older servers read max_tokens, newer OpenAI APIs max_completion_tokens: send the former.
        extra_body={"max_tokens": settings.max_tokens},
    )


class LLMAnswerer:
    """Answers from the passages with a chat model. `chat`: any LangChain chat model (built from settings when
    None). Only the first `settings.max_passages` hits go into the prompt."""

    name = "llm"

    def __init__(self, settings: LLMSettings, chat: Any | None = None, *, max_sentences: int = 3) -> None:
        self.settings = settings
        self.chat = chat if chat is not None else make_chat_model(settings)
        self.max_sentences = max_sentences

    def prompt_hits(self, hits: Sequence[Hit]) -> list[Hit]:
        return list(hits[: self.settings.max_passages])

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        """Yield the reply's text as it is generated."""
        messages = build_messages(
            question,
            self.prompt_hits(hits),
            max_chars=self.settings.max_passage_chars,
            max_sentences=self.max_sentences,
        )
        try:
            for chunk in self.chat.stream(messages):
                content = (
                    chunk.content
                    if isinstance(chunk.content, str)
                    else "".join(
                        part.get("text", "") if isinstance(part, dict) else str(part) for part in chunk.content
                    )
                )
                if content:
                    yield content
        except Exception as exc:  # the client raises many transport/HTTP types; name the endpoint and the fix
            if isinstance(exc, LLMError):
                raise
            raise LLMError(
                f"the LLM endpoint {self.settings.base_url} failed ({type(exc).__name__}: {exc}); check that the "
                "server is running and POLICYQA_LLM_MODEL names a model it serves"
            ) from exc

    def draft_from_reply(self, question: str, hits: Sequence[Hit], reply: str) -> Draft:
        n = len(self.prompt_hits(hits))
        sentences = parse_reply(reply, n)
        declined = is_decline(reply) and not any(s.sources for s in sentences)
        return Draft(
            sentences=[] if declined else sentences, qtype=question_type(question), declined=declined, raw=reply
        )

    def draft(self, question: str, hits: Sequence[Hit], scored: Any = None) -> Draft:
        return self.draft_from_reply(question, hits, "".join(self.stream(question, hits)))
