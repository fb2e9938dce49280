"""`answer()`: a question (and chat history) in, a checked, cited `Answer` out. The steps, in order:

1. rewrite a follow-up into a standalone query (`app.answer.followup`);
2. retrieve `settings.answer.k` passages (`index.search`);
3. score the passages' sentences against the query (`app.answer.extractive.SentenceScorer`) and abstain when the best
   is below the measured threshold (`app.answer.abstain`);
4. draft an answer: extractive quotes (default, offline) or an LLM reply (`app.answer.llm`);
5. check every sentence against the passage(s) it cites (`app.answer.support`); unsupported sentences are flagged
   "[unsupported]" and carry no citation; when nothing is supported the answer abstains;
6. measure the answer's confidence signals and level (`app.answer.confidence`) and record the searched scope
   (query, filters, number of documents; `app.answer.scope`).

`answer_stream()` runs the same steps and yields the growing LLM text before the final `Answer`.
Heavy things (embedder, Korean analyser) come from the index (`index.embedder`, `index.tokenizer`) or are
injected; nothing is loaded per call beyond a stemmer.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from app.answer.abstain import AbstainRule, abstain_reason, no_answer_text
from app.answer.confidence import confidence_level, measure_signals
from app.answer.extractive import Draft, ExtractiveAnswerer, ScoredUnit, SentenceScorer, choose_units
from app.answer.followup import standalone_query
from app.answer.llm import LLMAnswerer
from app.answer.ports import SearchIndex
from app.answer.rules.named import index_names, named_documents
from app.answer.rules.paraphrase import expanded_query
from app.answer.rules.qtype import QuestionType, is_multi_part, question_type
from app.answer.scope import as_filters, search_scope
from app.answer.sentences import unescape_markdown
from app.answer.support import SupportChecker, SupportThresholds, VectorCache, locate_span
from app.answer.tokens import Tokenizer
from app.answer.types import Answer, AnswerSentence, Citation
from app.settings import Settings
from index.types import Filters, Hit

logger = logging.getLogger(__name__)

UNSUPPORTED_MARK = "[unsupported]"
_FROM_INDEX: Any = object()  # sentinel: take the embedder from the index


class Answerer(Protocol):
    name: str

    def draft(self, question: str, hits: Sequence[Hit], scored: Sequence[ScoredUnit] | None = None) -> Draft: ...


@dataclass
class Tools:
    """What one answer needs besides the index: tokenizer, per-call vector cache, scorer and checker."""

    tokenizer: Tokenizer
    vectors: VectorCache | None
    scorer: SentenceScorer
    checker: SupportChecker
    abstain: AbstainRule


def make_tools(index: SearchIndex, settings: Settings, *, embedder: Any = _FROM_INDEX, tokenizer: Any = None) -> Tools:
    """Build the per-answer tools. `embedder`: anything with encode_queries/encode_passages (default: the index's
    own, None for lexical-only); `tokenizer`: anything with `tokenize(text)` (default: the index's)."""
    if embedder is _FROM_INDEX:
        embedder = getattr(index, "embedder", None)
    lexical = tokenizer if tokenizer is not None else getattr(index, "tokenizer", None)
    if lexical is not None and not callable(getattr(lexical, "tokenize", None)):
        lexical = None
    tok = Tokenizer(lexical=lexical)
    vectors = VectorCache(embedder) if embedder is not None else None
    a = settings.answer
    kinds = frozenset(a.slot_kinds)
    scorer = SentenceScorer(tok.tokens, vectors, embed_top=a.embed_top, slot_kinds=kinds, slot_share=a.slot_share)
    checker = SupportChecker(tok.tokens, SupportThresholds(a.support_lexical, a.support_combined), vectors)
    if vectors is not None:
        own = a.abstain_by_embedder.get(str(getattr(embedder, "name", "")), a.abstain)
        rule = AbstainRule(
            own.below,
            own.agreed,
            own.section,
            a.abstain_agree_rank,
            a.abstain_anchors,
            a.abstain_anchor_names,
            own.passage,
            shape_weight=own.shape,
            slot_kinds=kinds,
        )
    else:  # lexical-only scores are on another scale: one measured threshold
        t = a.abstain_below_lexical
        rule = AbstainRule(t, t, t, a.abstain_agree_rank, a.abstain_anchors, a.abstain_anchor_names, slot_kinds=kinds)
    return Tools(tok, vectors, scorer, checker, rule)


def make_answerer(name: str, settings: Settings, tools: Tools) -> Answerer:
    if name == "extractive":
        return ExtractiveAnswerer(
            tools.scorer, max_sentences=settings.answer.max_sentences, closeness=settings.answer.closeness
        )
    if name == "llm":
        return LLMAnswerer(settings.llm, max_sentences=settings.answer.max_sentences)
    raise ValueError(f"unknown answerer {name!r}; use 'extractive' or 'llm'")


def retrieve(index: SearchIndex, query: str, k: int, filters: Filters | Mapping[str, Any] | None) -> list[Hit]:
    filters = as_filters(filters)
    return with_lead_ins(list(index.search(expanded_query(query), k=k, filters=filters)), index)


def with_lead_ins(hits: list[Hit], index: SearchIndex, most: int = 2) -> list[Hit]:
    """Retrieval expansion for lists: a retrieved item of a list whose lead-in is in another chunk ("Whoever …
    shall be imprisoned for not more than 3 years: … (6) visits North Korea without approval") brings that chunk
    in right after it, at most `most` of them, carrying the item's retrieval scores (the item is why it is
    there). Quotes and citations can then use the words the items complete; nothing un-retrieved is cited."""
    lead_in = getattr(index, "lead_in", None)
    if lead_in is None:
        return hits
    have = {h.passage.chunk_id for h in hits}
    out: list[Hit] = []
    added = 0
    for hit in hits:
        out.append(hit)
        if added >= most:
            continue
        passage = lead_in(hit.passage.chunk_id)
        if passage is not None and passage.chunk_id not in have:
            out.append(hit.model_copy(update={"passage": passage}))
            have.add(passage.chunk_id)
            added += 1
    return out


def named_first(
    question: str, qtype: QuestionType, scored: list[ScoredUnit], hits: Sequence[Hit], index: SearchIndex, tools: Tools
) -> list[ScoredUnit]:
    """A single-part question that names a retrieved document (`app.answer.rules.named`: "according to the State Department
    briefing", "광복절 경축사에서") is answered from it: that document's units come first (the asked value
    preferred among them), then the rest. Unchanged when no retrieved document is named, for a two-part question,
    or for an index that cannot list its documents."""
    documents = getattr(index, "documents", None)
    if not scored or not callable(documents) or is_multi_part(question):
        return scored
    tokens = tools.tokenizer.tokens
    retrieved: dict[str, set[str]] = {}
    for hit in hits:
        retrieved.setdefault(hit.passage.doc_id, set()).update(tokens(hit.passage.text))
    named = named_documents(tokens(question, question=True), index_names(documents(), tokens), retrieved)
    first = [s for s in scored if hits[s.hit_index].passage.doc_id in named]
    if not any(not s.unit.heading for s in first) or len(first) == len(scored):
        return scored
    rest = [s for s in scored if hits[s.hit_index].passage.doc_id not in named]
    return tools.scorer.prefer_answers(question, first, hits, qtype) + rest


def to_citation(n: int, hit: Hit, span: tuple[int, int]) -> Citation:
    p = hit.passage
    start, end = span
    return Citation(
        n=n,
        chunk_id=p.chunk_id,
        doc_id=p.doc_id,
        label=p.label,
        title=p.title,
        doc_type=p.doc_type,
        date=p.date,
        page=p.page,
        section=p.section,
        source=p.source,
        text=p.text,
        span_start=start,
        span_end=end,
        span=p.text[start:end],
        ocr=p.ocr,
    )


def closest_citations(hits: Sequence[Hit], scored: Sequence[ScoredUnit], limit: int = 3) -> list[Citation]:
    """The top passages with their best-scoring sentence as the span (shown when abstaining)."""
    best_unit: dict[int, ScoredUnit] = {}
    for s in scored:
        if not s.unit.heading and s.hit_index not in best_unit:
            best_unit[s.hit_index] = s
    out = []
    for i, hit in enumerate(hits[:limit]):
        u = best_unit.get(i)
        span = (u.unit.start, u.unit.end) if u else (0, min(len(hit.passage.text), 300))
        out.append(to_citation(i + 1, hit, span))
    return out


def abstained_answer(
    question: str,
    query: str,
    hits: Sequence[Hit],
    scored: Sequence[ScoredUnit],
    answerer: str,
    sentences: Sequence[AnswerSentence] = (),
) -> Answer:
    return Answer(
        question=question,
        query=query,
        text=no_answer_text(question),
        sentences=list(sentences),
        citations=[],
        abstained=True,
        answerer=answerer,
        closest=closest_citations(hits, scored),
    )


def check_draft(
    question: str,
    query: str,
    hits: Sequence[Hit],
    draft: Draft,
    tools: Tools,
    answerer: str,
    scored: Sequence[ScoredUnit],
) -> Answer:
    """Step 5: check every drafted sentence against the passages it cites and assemble the Answer."""
    if draft.declined or not draft.sentences:
        return abstained_answer(question, query, hits, scored, answerer)
    numbers: dict[int, int] = {}  # hit index -> citation number, in order of first supported use
    spans: dict[int, tuple[int, int]] = {}
    checked: list[tuple[str, list[int], bool, float]] = []
    omitted = [sent.omitted_items for sent in draft.sentences]
    for sent in draft.sentences:
        sources = [i for i in sent.sources if 0 <= i < len(hits)]
        supported_by: list[int] = []
        best_score = 0.0
        if not sent.invalid_markers:
            for i in sources:
                verdict = tools.checker.check(sent.text, hits[i].passage.text)
                best_score = max(best_score, verdict.score)
                if verdict.supported:
                    supported_by.append(i)
        for i in supported_by:
            text = hits[i].passage.text
            span = (
                sent.span
                if sent.span is not None and len(sent.sources) == 1
                else locate_span(sent.text, text, tools.tokenizer.tokens, tools.vectors)
            )
            numbers.setdefault(i, len(numbers) + 1)
            old = spans.get(i)
            spans[i] = span if old is None else (min(old[0], span[0]), max(old[1], span[1]))
        checked.append((sent.text, supported_by, bool(supported_by), best_score))
    sentences = [
        AnswerSentence(
            text=t, citations=[numbers[i] for i in by], supported=ok, support=round(score, 4), omitted_items=left
        )
        for (t, by, ok, score), left in zip(checked, omitted)
    ]
    if not any(s.supported for s in sentences):
        return abstained_answer(question, query, hits, scored, answerer, sentences)
    section = draft.qtype == "section"
    parts = []
    for (t, by, ok, _), s in zip(checked, sentences):
        if not ok:
            parts.append(f"{t} {UNSUPPORTED_MARK}")
            continue
        lead = f"{hits[by[0]].passage.label}: " if section else ""
        more = f" {omitted_note(s.omitted_items)}" if s.omitted_items else ""
        parts.append(lead + unescape_markdown(t) + more + " " + "".join(f"[{n}]" for n in s.citations))
    citations = sorted((to_citation(n, hits[i], spans[i]) for i, n in numbers.items()), key=lambda c: c.n)
    return Answer(
        question=question,
        query=query,
        text=" ".join(parts),
        sentences=sentences,
        citations=citations,
        abstained=False,
        answerer=answerer,
    )


def with_confidence(
    result: Answer,
    query: str,
    qtype: QuestionType,
    hits: Sequence[Hit],
    scored: Sequence[ScoredUnit],
    selected: Sequence[ScoredUnit],
    tools: Tools,
    settings: Settings,
    index: Any = None,
) -> Answer:
    """`result` with its measured confidence signals, level and what is missing (`app.answer.confidence`)."""
    c = settings.confidence
    idf = index_idf(index, tools.tokenizer.tokens(query, question=True))
    signals = measure_signals(
        query, qtype, hits, scored, selected, result, tools.abstain, tools.tokenizer.tokens, c.part_share, idf
    )
    level, missing = confidence_level(signals, result.abstained, c)
    return result.model_copy(update={"confidence": level, "confidence_signals": signals, "missing": missing})


def index_idf(index: Any, tokens: Sequence[str]) -> Callable[[str], float]:
    """BM25-style IDF of the question's tokens over the index (uniform when the index cannot count them)."""
    frequencies = getattr(index, "document_frequencies", None)
    if not callable(frequencies) or not tokens:
        return lambda _t: 1.0
    try:
        n = max(len(index), 1)
        df = frequencies(list(dict.fromkeys(tokens)))
    except (TypeError, AttributeError):
        return lambda _t: 1.0
    return lambda t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5))


def scope_of(index: Any, query: str, filters: Filters | Mapping[str, Any] | None) -> Any:
    documents = getattr(index, "documents", None)
    return search_scope(query, as_filters(filters), documents() if callable(documents) else [])


def omitted_note(count: int) -> str:
    """The mark of list items left out of a quote: "(… 4 more items)"."""
    return f"(… {count} more item{'s' if count != 1 else ''})"


def _validate(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise ValueError("the question is empty; ask something about the indexed documents")
    return question.strip()


def answer_stream(
    question: str,
    history: Sequence[tuple[str, str]] = (),
    *,
    index: SearchIndex,
    settings: Settings,
    filters: Filters | Mapping[str, Any] | None = None,
    answerer: Answerer | str | None = None,
    embedder: Any = _FROM_INDEX,
    tokenizer: Any = None,
) -> Iterator[str | Answer]:
    """Yield the growing answer text while an LLM generates it, then the checked `Answer` (always last).
    The extractive answerer yields only the `Answer`."""
    question = _validate(question)
    history = [(str(turn[0]), str(turn[1])) for turn in history]
    query = standalone_query(question, history)  # 1. follow-up -> standalone query
    hits = retrieve(index, query, settings.answer.k, filters)  # 2. retrieve
    tools = make_tools(index, settings, embedder=embedder, tokenizer=tokenizer)
    chosen: Answerer = (
        make_answerer(answerer or settings.answer.answerer, settings, tools)
        if (answerer is None or isinstance(answerer, str))
        else answerer
    )
    qtype = question_type(query)
    scored = tools.scorer.score(query, hits, qtype) if hits else []  # 3. score sentences
    scored = named_first(query, qtype, scored, hits, index, tools)
    selected = choose_units(
        query, scored, hits, max_sentences=settings.answer.max_sentences, closeness=settings.answer.closeness
    )
    reason = abstain_reason(query, qtype, scored, hits, selected, tools.abstain)
    scope = scope_of(index, query, filters)
    if reason is not None:  # 3b. nothing relevant: abstain
        logger.debug("abstaining on %r: %s", query, reason)
        result = abstained_answer(question, query, hits, scored, chosen.name)
        yield with_confidence(result, query, qtype, hits, scored, selected, tools, settings, index).model_copy(
            update={"scope": scope}
        )
        return
    stream = getattr(chosen, "stream", None)
    if callable(stream):  # 4. draft (streaming LLM)
        reply = ""
        for piece in stream(query, hits):
            reply += piece
            yield reply
        draft = chosen.draft_from_reply(query, hits, reply)  # type: ignore[attr-defined]
    else:  # 4. draft (extractive)
        draft = chosen.draft(query, hits, scored)
    result = check_draft(question, query, hits, draft, tools, chosen.name, scored)  # 5. check citations
    result = with_confidence(result, query, qtype, hits, scored, selected, tools, settings, index)  # 6. confidence
    yield result.model_copy(update={"scope": scope})


def answer(
    question: str,
    history: Sequence[tuple[str, str]] = (),
    *,
    index: SearchIndex,
    settings: Settings,
    filters: Filters | Mapping[str, Any] | None = None,
    answerer: Answerer | str | None = None,
    embedder: Any = _FROM_INDEX,
    tokenizer: Any = None,
) -> Answer:
    """Answer `question` from the indexed documents with checked citations (see the module docstring)."""
    result: Answer | None = None
    for item in answer_stream(
        question,
        history,
        index=index,
        settings=settings,
        filters=filters,
        answerer=answerer,
        embedder=embedder,
        tokenizer=tokenizer,
    ):
        if isinstance(item, Answer):
            result = item
    assert result is not None  # answer_stream always ends with an Answer
    return result
