"""The default, offline answerer: quote the retrieved sentences that answer the question.

1. Split every retrieved passage into sentence units (`app.answer.sentences`).
2. Score each unit against the question: IDF-weighted recall of the question's content tokens in the sentence
   (and, with a smaller weight, in its passage + label/title, since a sentence often says "the Act" for the name
   the question uses), a semantic similarity — by default the dense retriever's question↔passage cosine the index
   already computed (`Hit.dense_score`; no model call at answer time), or with `embed_top` > 0 the embedding
   cosine question↔sentence of the best candidates —, a bonus when the sentence has the shape the question type
   asks for (`app.answer.rules.qtype`: a duration for "how long", "25명" for "몇 명" …), a retrieval-rank prior, and penalties
   for headings, fragments and addenda boilerplate.
3. Passage first (`select_units`): the best unit's passage is the primary source and gives the quotes (its units
   close to the best); another document joins only for a multi-part question and with independently strong
   evidence. Each kept sentence is verbatim `passage.text[start:end]`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.answer.rules.anchors import document_anchors, missing_anchors, passage_context
from app.answer.rules.paraphrase import canonical_question, is_meaning_token, with_meanings
from app.answer.rules.qtype import QuestionType, answer_shape_score, is_multi_part, question_type
from app.answer.rules.slots import SLOT_KINDS, Slot, asked_slot, slot_filled
from app.answer.sentences import Unit, is_complete, split_units
from app.answer.support import VectorCache
from index.types import Hit


@dataclass(frozen=True)
class ScoreWeights:
    lexical: float = 0.45
    semantic: float = 0.45
    shape: float = 0.15
    rank_prior: float = 0.2  # × 1/(1 + retrieval rank): the best passage first (measured on bench/calibration)
    heading_penalty: float = 0.25
    fragment_penalty: float = 0.15  # fewer than 4 words
    incomplete_penalty: float = 0.08  # cut mid-sentence (at a chunk boundary)
    context_share: float = 0.3  # part of the lexical score taken from the passage/label instead of the sentence
    addenda_penalty: float = 0.2  # 부칙 / addenda (enactment and transition boilerplate) unless the question asks
    unit_shape: float = 0.15  # added to `shape` when the question asks for a value of a known kind (`asked_slot`)
    question_penalty: float = 0.2  # a sentence that asks (a transcript's "Why is …?") states no answer


# Addenda (부칙, "Addenda", "Supplementary provisions") hold enactment dates and transition rules: they match any
# "when"/"how much" question by shape, so they only compete when the question is about entry into force.
_ADDENDA = re.compile(r"부칙|\bAddend|\bSupplementary provisions?\b", re.IGNORECASE)
_ASKS_ADDENDA = re.compile(r"부칙|시행|공포|경과|effective|enter(?:s|ed)? into force|addend|transition", re.IGNORECASE)


def is_addenda(hit: Hit) -> bool:
    p = hit.passage
    return bool(_ADDENDA.search(" ".join(x for x in (p.label, p.section or "") if x)))


@dataclass(frozen=True)
class ScoredUnit:
    hit_index: int  # position in the retrieved hit list (0-based)
    unit: Unit
    unit_index: int  # position of the unit within its passage
    score: float
    lexical: float
    semantic: float | None
    shape: float
    prior: float = 0.0  # the retrieval-rank part of `score` (what is left, `evidence`, is the sentence's own)
    shape_bonus: float = 0.0  # the answer-shape part of `score` (weight × `shape`): picks sentences, not questions

    @property
    def evidence(self) -> float:
        return self.score - self.prior


@dataclass(frozen=True)
class DraftSentence:
    """A sentence an answerer proposes: text, the hit indices it cites (0-based), and for a quote the span."""

    text: str
    sources: list[int]
    span: tuple[int, int] | None = None
    invalid_markers: bool = False  # the answerer cited a passage number that was not retrieved
    omitted_items: int = 0  # items of a quoted list left out after the quote


@dataclass(frozen=True)
class Draft:
    sentences: list[DraftSentence]
    qtype: QuestionType = "other"
    declined: bool = False  # the answerer itself said the passages do not answer
    raw: str = ""
    scored: list[ScoredUnit] = field(default_factory=list)


def _idf(docs: Sequence[set[str]]) -> dict[str, float]:
    n = len(docs)
    df: dict[str, int] = {}
    for d in docs:
        for t in d:
            df[t] = df.get(t, 0) + 1
    return {t: math.log(1 + (n + 1) / (c + 0.5)) for t, c in df.items()}


def _weighted_recall(query: set[str], have: set[str], idf: dict[str, float], default_idf: float) -> float:
    if not query:
        return 0.0
    total = sum(idf.get(t, default_idf) for t in query)
    return sum(idf.get(t, default_idf) for t in query & have) / total


class SentenceScorer:
    """Scores the sentence units of retrieved passages against a question."""

    def __init__(
        self,
        tokenize: Callable[..., list[str]],
        vectors: VectorCache | None = None,
        weights: ScoreWeights = ScoreWeights(),
        embed_top: int = 40,
        slot_kinds: frozenset[str] = frozenset(SLOT_KINDS),
        slot_share: float = 0.0,
    ) -> None:
        self._tokenize = tokenize
        self._vectors = vectors
        self.weights = weights
        # Only the best units by the cheap signals are embedded (latency); 0: none, the passage's dense cosine
        # from the index (`Hit.dense_score`) stands in for each sentence's (no model call at answer time).
        self.embed_top = embed_top
        # The asked-slot kinds recognised (`app.answer.rules.slots`), and how much of the best unit's own evidence a unit
        # filling the slot needs to be moved before it (`slot_first`; 0: always, when one is retrieved).
        self.slot_kinds = slot_kinds
        self.slot_share = slot_share

    def score(self, question: str, hits: Sequence[Hit], qtype: QuestionType | None = None) -> list[ScoredUnit]:
        w = self.weights
        qtype = qtype or question_type(question)
        q_tokens = set(self._tokenize(canonical_question(question), question=True))
        rows: list[tuple[int, int, Unit, set[str]]] = []
        contexts: list[set[str]] = []
        for hi, hit in enumerate(hits):
            p = hit.passage
            context = " ".join(x for x in (p.text, p.title, p.label, p.section or "") if x)
            contexts.append(set(self._tokenize(with_meanings(context))))
            title = set(self._tokenize(p.title))
            for ui, unit in enumerate(split_units(p.text)):
                toks = set(self._tokenize(with_meanings(unit.text)))
                if not unit.heading and repeats_title({t for t in toks if not is_meaning_token(t)}, title):
                    unit = dataclasses.replace(unit, heading=True)  # a masthead run into the text: a heading
                rows.append((hi, ui, unit, toks))
        if not rows:
            return []
        idf = _idf([r[3] for r in rows])
        default_idf = math.log(1 + (len(rows) + 1) / 0.5)
        addenda_ok = bool(_ASKS_ADDENDA.search(question))
        slot = question_slot(question, self.slot_kinds)
        shape_weight = w.shape + (w.unit_shape if slot is not None else 0.0)
        addenda = [not addenda_ok and is_addenda(h) for h in hits]
        cheap: list[tuple[float, float, float, int]] = []
        for i, (hi, _ui, unit, toks) in enumerate(rows):
            lex = (1 - w.context_share) * _weighted_recall(q_tokens, toks, idf, default_idf) + w.context_share * (
                _weighted_recall(q_tokens, contexts[hi], idf, default_idf)
            )
            # (a numbered document named only by the passage label fills the slot for `slot_first` and the
            # abstention check, but earns no bonus: every passage of that document would, on any question)
            filled = slot_filled(slot, unit.text, passage=hits[hi].passage.text) if slot is not None else None
            shape = answer_shape_score(qtype, unit.text, slot, filled)
            prior = 1.0 / (1 + hi)
            penalty = (
                (w.heading_penalty if unit.heading else 0.0)
                + (w.fragment_penalty if len(unit.text.split()) < 4 and len(unit.text) < 15 else 0.0)
                + (w.incomplete_penalty if not unit.heading and not is_complete(unit.text) else 0.0)
                + (w.addenda_penalty if addenda[hi] else 0.0)
                + (w.question_penalty if is_interrogative(unit.text) else 0.0)
            )
            base = w.lexical * lex + shape_weight * shape + w.rank_prior * prior - penalty
            cheap.append((base, lex, shape, i))
        semantic: dict[int, float] = {}
        passage_cos = passage_cosines(hits) if self._vectors is not None and self.embed_top == 0 else None
        if passage_cos is not None:  # no sentence embeddings: each unit takes its passage's question cosine
            semantic = {i: passage_cos[rows[i][0]] for i in range(len(rows))}
        elif self._vectors is not None:
            chosen = sorted(cheap, key=lambda c: -c[0])[: self.embed_top]
            qvec = self._vectors.query(question)
            uvecs = self._vectors.passages([rows[c[3]][2].text for c in chosen])
            sims = uvecs @ qvec
            semantic = {c[3]: float(s) for c, s in zip(chosen, sims)}
        out: list[ScoredUnit] = []
        for base, lex, shape, i in cheap:
            hi, ui, unit, _ = rows[i]
            if semantic:
                if i not in semantic:
                    continue  # not among the embedded candidates: cannot compete
                sem = semantic[i]
                total = base + w.semantic * sem
            else:
                sem = None
                total = base + w.semantic * lex  # lexical evidence stands in for the missing embedding
            out.append(
                ScoredUnit(
                    hi,
                    unit,
                    ui,
                    round(total, 4),
                    round(lex, 4),
                    sem,
                    shape,
                    round(w.rank_prior / (1 + hi), 4),
                    round(shape_weight * shape, 4),
                )
            )
        out.sort(key=lambda s: (-s.score, s.hit_index, s.unit_index))
        return self.prefer_answers(question, out, hits, qtype)

    def prefer_answers(
        self, question: str, ranked: list[ScoredUnit], hits: Sequence[Hit], qtype: QuestionType
    ) -> list[ScoredUnit]:
        """`ranked` with a unit stating the asked value first (`slot_first`, or `shape_first` for a value
        question without a recognised slot), when one qualifies."""
        slot = question_slot(question, self.slot_kinds)
        if slot is not None:
            return slot_first(ranked, slot, hits, self.slot_share, document_anchors(question))
        return shape_first(ranked, qtype, hits, document_anchors(question))


def repeats_title(unit_tokens: set[str], title_tokens: set[str], share: float = 0.7) -> bool:
    """True when a unit is mostly its document's title and holds most of it (a web page's masthead and headline
    run into the body text: "Foreign Policy Research Institute … Of Course North Korea Wants Sanctions Relief, But What Kind?"): it
    matches any question about the document's topic and answers none, like a heading."""
    common = len(unit_tokens & title_tokens)
    if len(unit_tokens) < 3 or common < 3:
        return False
    if common >= 0.85 * len(unit_tokens):  # the headline itself
        return True
    return common >= share * len(unit_tokens) and common >= share * len(title_tokens)  # title plus a masthead


_ASKS = re.compile(r"[?？]\W*$")


def is_interrogative(sentence: str) -> bool:
    """True when the sentence is a question ("… 이유가 무엇입니까?", "Do we know how much …?"): in a transcript or
    an interview it is what someone asked, not what the document states."""
    return bool(_ASKS.search(sentence.strip()))


# Question types whose answer is a value a sentence either states or does not (a period, a date, a number): a
# sentence without that shape cannot answer them, however well it matches the question's words.
VALUE_TYPES: frozenset[str] = frozenset({"duration", "date", "quantity"})


def shape_first(
    ranked: list[ScoredUnit], qtype: QuestionType, hits: Sequence[Hit] = (), anchors: Sequence[str] = ()
) -> list[ScoredUnit]:
    """For a value question (`VALUE_TYPES`) whose best unit lacks the asked shape, move the best unit that has it
    to the front when its own evidence (`ScoredUnit.evidence`: the score without the retrieval-rank prior) is at
    least the best unit's: the rank prior only breaks ties between passages, it should not make a sentence that
    states no period win a "how long" question over one that does. With `anchors` (the question's numbers), a
    shaped unit from a document mentioning them all comes first ("How long does H.R. 4127 give …": the bill, not a
    podcast's "a week ago"). Otherwise `ranked` is returned unchanged."""
    if qtype not in VALUE_TYPES:
        return ranked
    candidates = [s for s in ranked if not s.unit.heading]
    if not candidates or candidates[0].shape > 0:
        return ranked
    top = candidates[0]
    shaped = [s for s in candidates if s.shape > 0 and s.evidence >= top.evidence]
    if anchors and hits:  # as in `slot_first`: a document mentioning the question's numbers first
        shaped = [s for s in shaped if _fits_anchors(s, hits, anchors)] or shaped
    if not shaped:
        return ranked
    return [shaped[0], *(s for s in ranked if s is not shaped[0])]


def _fits_anchors(s: ScoredUnit, hits: Sequence[Hit], anchors: Sequence[str]) -> bool:
    """True when the document of unit `s` mentions every anchor in one of its retrieved passages."""
    doc = hits[s.hit_index].passage.doc_id
    return not missing_anchors(anchors, [passage_context(h.passage) for h in hits if h.passage.doc_id == doc])


def question_slot(question: str, kinds: frozenset[str] | None = None) -> Slot | None:
    """The value a single-part question asks for (`app.answer.rules.slots.asked_slot`); None for a two-part question
    (`is_multi_part`): the slot of one part cannot be required of the whole answer."""
    return None if is_multi_part(question) else asked_slot(question, kinds)


def fills(slot: Slot, s: ScoredUnit, hits: Sequence[Hit]) -> bool:
    """True when unit `s` states the value `slot` asks for (or, for a numbered document, its passage label does)."""
    p = hits[s.hit_index].passage
    return slot_filled(slot, s.unit.text, p.label, p.text)


def slot_first(
    ranked: list[ScoredUnit], slot: Slot, hits: Sequence[Hit], share: float = 0.0, anchors: Sequence[str] = ()
) -> list[ScoredUnit]:
    """For a question asking for a value of a known kind (`app.answer.rules.slots.asked_slot`) whose best unit does not state
    one, move the best unit that does to the front — from any retrieved passage — when its own evidence
    (`ScoredUnit.evidence`) is at least `share` × the best unit's. A sentence that matches the question's words but
    lacks the asked value ("I served on the Panel for four years" for "How many letters did the Panel send?") is no
    answer, however well it matches; when no unit fills the slot, `ranked` is returned unchanged and the abstention
    check (`app.answer.abstain.abstain_reason`) refuses. With `anchors` (the question's numbers, `document_anchors`), a
    filling unit from a document mentioning them all (in any retrieved passage) comes before one from a document
    that does not ("… designated in July 2025?": the release of 2025, not an order of 2005 citing other orders)."""
    candidates = [s for s in ranked if not s.unit.heading]
    if not candidates:
        return ranked
    top = candidates[0]
    bar = top.evidence * share if top.evidence > 0 else top.evidence
    filled = [s for s in candidates if fills(slot, s, hits) and (s is top or s.evidence >= bar)]
    if anchors:
        filled = [s for s in filled if _fits_anchors(s, hits, anchors)] or filled
    if not filled or filled[0] is top:
        return ranked
    return [filled[0], *(s for s in ranked if s is not filled[0])]


def passage_cosines(hits: Sequence[Hit]) -> list[float] | None:
    """The dense retriever's question↔passage cosine of every hit (`Hit.dense_score`, computed by the index; a
    passage only the lexical retriever found takes the lowest cosine among the hits); None when no hit has one."""
    known = [h.dense_score for h in hits if h.dense_score is not None]
    if not known:
        return None
    floor = min(known)
    return [h.dense_score if h.dense_score is not None else floor for h in hits]


def document_span(hits: Sequence[Hit], s: ScoredUnit) -> tuple[str, int, int]:
    """Where a unit sits in its document: (doc_id, start, end), from the passage's document offset."""
    p = hits[s.hit_index].passage
    return p.doc_id, p.start + s.unit.start, p.start + s.unit.end


_WORDS = re.compile(r"\w+")


def near_duplicate(a: str, b: str, share: float = 0.8) -> bool:
    """True when two sentences share at least `share` of their distinct words (Jaccard): the same boilerplate in
    several documents ("I hereby determine that the making of donations …" in three executive orders)."""
    wa, wb = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= share


def _same_text(hits: Sequence[Hit], a: ScoredUnit, b: ScoredUnit) -> bool:
    """True when two units quote the same document text (overlapping chunks) or the same sentence (copies)."""
    if a.unit.text == b.unit.text:
        return True
    da, sa, ea = document_span(hits, a)
    db, sb, eb = document_span(hits, b)
    return da == db and sa < eb and sb < ea


def select_units(
    scored: Sequence[ScoredUnit],
    hits: Sequence[Hit],
    *,
    max_sentences: int = 3,
    closeness: float = 0.85,
    other_closeness: float = 0.9,
    other_documents: bool = True,
) -> list[ScoredUnit]:
    """Passage first. The passage of the best unit is the primary source: its units scoring at least `closeness` ×
    best are kept. A unit of another passage joins only when it is independently strong — from a document not yet
    quoted, and its `evidence` (score without the retrieval-rank prior, which already chose the primary passage)
    at least `other_closeness` × the best's — since every extra passage is one more citation that may lack the
    evidence (on the benchmark, extra documents for single-part questions cost citation precision and gained no
    answer: callers pass `other_documents=is_multi_part(question)`). At most `max_sentences` units, never the same
    document text twice (overlapping chunks) nor another document's copy of a kept sentence; ordered primary
    passage first, then by passage rank, then position."""
    candidates = [s for s in scored if not s.unit.heading]
    if not candidates:
        return []
    best = candidates[0]
    keep = [best]

    def bar(share: float) -> float:
        return best.score * share if best.score > 0 else best.score

    primary = [s for s in candidates[1:] if s.hit_index == best.hit_index and s.score >= bar(closeness)]
    used_docs = {hits[best.hit_index].passage.doc_id}
    own_bar = best.evidence * other_closeness if best.evidence > 0 else best.evidence
    others = [
        s
        for s in candidates[1:]
        if other_documents
        and s.hit_index != best.hit_index
        and s.evidence >= own_bar
        and hits[s.hit_index].passage.doc_id not in used_docs
    ]
    for s in primary + others:
        if len(keep) >= max_sentences:
            break
        doc = hits[s.hit_index].passage.doc_id
        if s.hit_index != best.hit_index and doc in used_docs:
            continue  # one extra quote per other document
        if any(_same_text(hits, k, s) for k in keep):
            continue  # the same sentence again: overlapping chunks of one document, or a duplicate passage
        if s.hit_index != best.hit_index and any(near_duplicate(k.unit.text, s.unit.text) for k in keep):
            continue  # another document's copy of a kept sentence adds a citation, not an answer
        keep.append(s)
        used_docs.add(doc)
    keep.sort(key=lambda s: (s.hit_index != best.hit_index, s.hit_index, s.unit_index))
    return keep


def cover_anchors(
    selected: Sequence[ScoredUnit],
    scored: Sequence[ScoredUnit],
    hits: Sequence[Hit],
    anchors: Sequence[str],
    max_sentences: int,
) -> list[ScoredUnit]:
    """For a question naming two or more number anchors (two orders, two sections, two years), each anchor must be
    covered by a quoted document: when the quoted documents do not mention one, add the best unit of the
    best-ranked retrieved passage whose document does (a document "mentions" an anchor in any retrieved passage,
    title, label or date). Up to `max_sentences` units; `selected` is kept as it is. Pure."""
    if len(set(anchors)) < 2 or not selected:
        return list(selected)
    contexts_of: dict[str, list[str]] = {}
    for hit in hits:
        contexts_of.setdefault(hit.passage.doc_id, []).append(passage_context(hit.passage))
    keep = list(selected)
    for anchor in dict.fromkeys(anchors):
        if len(keep) >= max_sentences:
            break
        quoted = {hits[s.hit_index].passage.doc_id for s in keep}
        if not missing_anchors([anchor], [c for d in quoted for c in contexts_of[d]]):
            continue
        docs = {d for d, ctx in contexts_of.items() if d not in quoted and not missing_anchors([anchor], ctx)}
        extra = next((s for s in scored if not s.unit.heading and hits[s.hit_index].passage.doc_id in docs), None)
        if extra is not None:
            keep.append(extra)
    best = keep[0]
    keep[1:] = sorted(keep[1:], key=lambda s: (s.hit_index != best.hit_index, s.hit_index, s.unit_index))
    return keep


def choose_units(
    question: str, scored: Sequence[ScoredUnit], hits: Sequence[Hit], *, max_sentences: int, closeness: float
) -> list[ScoredUnit]:
    """The units an extractive answer quotes: `select_units` (another document only for a two-part question),
    then `cover_anchors` for a question about two or more numbered documents."""
    chosen = select_units(
        scored, hits, max_sentences=max_sentences, closeness=closeness, other_documents=is_multi_part(question)
    )
    return cover_anchors(chosen, scored, hits, document_anchors(question), max_sentences)


def fill_gaps(chosen: Sequence[ScoredUnit], scored: Sequence[ScoredUnit]) -> list[ScoredUnit]:
    """Quotes of one passage read as one stretch: when two chosen units of a passage have exactly one unit between
    them, that unit joins ("Russia vetoed the draft. Thirteen members voted in favor. [China abstained.] Russia's
    veto ends …"): skipping it would cut the passage's own account, often at the answer. The unit is taken from
    `scored` (all units the scorer saw); headings never join, nor units the scorer took for one (a masthead run
    into the text). The order is `chosen`'s, each gap after its predecessor. Pure."""
    units = {(s.hit_index, s.unit_index): s for s in scored}
    out: list[ScoredUnit] = []
    for s in chosen:
        out.append(s)
        later = [o.unit_index for o in chosen if o.hit_index == s.hit_index and o.unit_index > s.unit_index]
        if not later or min(later) != s.unit_index + 2:
            continue
        middle = units.get((s.hit_index, s.unit_index + 1))
        if middle is not None and not middle.unit.heading:
            out.append(middle)
    return out


# The start of an enumerated item right after a unit: "(1) …", "(A) …", "2. …", "① …", "가. …".
_NEXT_ITEM = re.compile(r"\s*(?:\(\w{1,4}\)\s|\d{1,3}\\?\.\s|\*\*[①-⑳]|[①-⑳]|[가나다라마바사아자차카타파하]\\?\.\s)")


# A sentence announcing the list after it (a statute's formula), whatever its ending.
_LEAD_IN = re.compile(r"다음\s*각\s*호|\bthe following\b", re.IGNORECASE)


_NOTES = re.compile(r"(?:\s*<[^>\n]{1,80}>)*")  # amendment notes ("<개정 2010.3.26>") between a lead-in and item 1


def item_follows(passage_text: str, end: int) -> bool:
    """True when an enumerated item starts right after `end` (past any amendment notes)."""
    m = _NOTES.match(passage_text, end)
    return _NEXT_ITEM.match(passage_text, m.end() if m else end) is not None


def is_item(unit: Unit) -> bool:
    """True when `unit` starts with an item number ("(1) …", "2. …", "① …", "가. …")."""
    return _NEXT_ITEM.match(unit.text) is not None


def list_after(units: Sequence[Unit], lead_in: int) -> list[Unit]:
    """The items of the list introduced by `units[lead_in]`: the run of numbered units after it (an item's own
    unnumbered continuation sentences stay with it); headings end the run."""
    out: list[Unit] = []
    for u in units[lead_in + 1 :]:
        if u.heading or (not out and not is_item(u)):
            break
        if not is_item(u) and out and is_complete(out[-1].text) and u.text[:1].isupper():
            break  # a new sentence after the list, not part of an item
        out.append(u)
    return out


def introduces_list(unit: Unit, passage_text: str) -> bool:
    """True when `unit` is the lead-in of an enumeration: it ends with ":" ("… the following ports:"), or it stops
    without ending a sentence ("… a report that describes, with respect to each camp") and the passage continues
    with an enumerated item. Its answer is the list that follows."""
    if unit.text.endswith(":"):
        return True
    if _LEAD_IN.search(unit.text) and item_follows(passage_text, unit.end):
        return True  # "기금은 다음 각 호의 … 용도에 사용한다." / "… any of the following." followed by item 1
    if _NEXT_ITEM.match(unit.text):
        return (
            False  # an item of a list ("1. 생사확인 경비: …") that ends without a period is followed by the next item
        )
    return not is_complete(unit.text) and _NEXT_ITEM.match(passage_text, unit.end) is not None


class ExtractiveAnswerer:
    """Composes an answer from verbatim quotes of the retrieved passages (no generative model)."""

    name = "extractive"

    def __init__(
        self, scorer: SentenceScorer, *, max_sentences: int = 3, closeness: float = 0.85, list_items: int = 3
    ) -> None:
        self.scorer = scorer
        self.list_items = list_items  # a quote ending with ":" takes up to this many following items
        self.max_sentences = max_sentences
        self.closeness = closeness

    def draft(self, question: str, hits: Sequence[Hit], scored: Sequence[ScoredUnit] | None = None) -> Draft:
        qtype = question_type(question)
        if scored is None:
            scored = self.scorer.score(question, hits, qtype)
        chosen = fill_gaps(
            choose_units(question, scored, hits, max_sentences=self.max_sentences, closeness=self.closeness), scored
        )
        spans: list[tuple[int, int, int]] = []  # (hit index, start, end) in the order quoted
        items_of: dict[int, list[Unit]] = {}  # hit index -> the items of a quoted list
        for s in chosen:
            start, end = s.unit.start, s.unit.end
            if introduces_list(s.unit, hits[s.hit_index].passage.text):  # the answer is the list that follows
                units = split_units(hits[s.hit_index].passage.text)
                follow = [u for u in units[s.unit_index + 1 : s.unit_index + 1 + self.list_items] if not u.heading]
                if follow:
                    end = follow[-1].end
                items_of.setdefault(s.hit_index, []).extend(list_after(units, s.unit_index))
            spans.append((s.hit_index, start, end))
        sentences = [
            DraftSentence(hits[h].passage.text[a:b], [h], (a, b), omitted_items=omitted(items_of.get(h, []), a, b))
            for h, a, b in merge_spans(spans)
        ]
        return Draft(sentences=sentences, qtype=qtype, scored=list(scored))


def omitted(items: Sequence[Unit], start: int, end: int) -> int:
    """How many of a list's items start after a quote [start, end) that holds some of them: the items left out."""
    inside = [u for u in items if start <= u.start < end]
    return sum(1 for u in items if u.start >= end) if inside else 0


def merge_spans(spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Quoted spans (hit index, start, end) with the overlapping ones of a passage merged into one, so no text is
    quoted twice (a list lead-in's items that are also quoted on their own); each merged span takes the place of
    its first member. Pure."""
    out: list[tuple[int, int, int]] = []
    for h, a, b in spans:
        for i, (oh, oa, ob) in enumerate(out):
            if oh == h and a < ob and oa < b:
                out[i] = (h, min(a, oa), max(b, ob))
                break
        else:
            out.append((h, a, b))
    # a merge can make two earlier spans overlap: repeat until stable
    return out if len(out) == len(spans) else merge_spans(out)
