"""Citation checks on hand-written pairs (pure functions; a tiny deterministic bag-of-words embedder stands in
for the model only where the semantic signal itself is under test)."""

from __future__ import annotations

import numpy as np
import pytest

from app.answer.support import (
    SupportChecker,
    SupportThresholds,
    VectorCache,
    judge,
    lexical_support,
    locate_span,
    numbers_consistent,
    semantic_support,
)
from app.answer.tokens import Tokenizer

PASSAGE = (
    "(b) Humanitarian waiver\n\nThe President may waive, for renewable periods of between 30 days and 1 year, the "
    "application of the sanctions authorized under this chapter. The waiver must be reported to Congress."
)
THRESHOLDS = SupportThresholds(lexical=0.8, combined=0.7)


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer()


def test_lexical_support_counts_distinct_content_tokens():
    assert lexical_support(["a", "b", "b"], ["a", "b", "c"]) == 1.0
    assert lexical_support(["a", "b", "d", "e"], ["a", "b"]) == 0.5
    assert lexical_support([], ["a"]) == 0.0


def test_semantic_support_is_the_best_unit_cosine():
    units = np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    assert semantic_support(np.array([0.6, 0.8], dtype=np.float32), units) == pytest.approx(1.0)
    assert semantic_support(np.array([0.0, 1.0], dtype=np.float32), units) == pytest.approx(0.8)
    assert semantic_support(np.array([-1.0, 0.0], dtype=np.float32), units) == 0.0  # clipped
    assert semantic_support(np.array([1.0, 0.0]), np.zeros((0, 2))) == 0.0


def test_numbers_must_appear_in_the_passage():
    assert numbers_consistent("between 30 days and 1 year", PASSAGE)
    assert not numbers_consistent("between 90 days and 1 year", PASSAGE)
    assert numbers_consistent("a fine of $250,000", "up to 250000 dollars")
    assert numbers_consistent("no numbers here", PASSAGE)


def test_judge_combines_signals():
    assert judge(1.0, None, True, THRESHOLDS).supported
    assert not judge(0.5, None, True, THRESHOLDS).supported
    assert judge(0.6, 0.9, True, THRESHOLDS).supported  # paraphrase: (0.6 + 0.9) / 2 = 0.75
    assert not judge(0.4, 0.5, True, THRESHOLDS).supported
    assert not judge(1.0, 1.0, False, THRESHOLDS).supported  # a changed number is never supported
    assert judge(0.6, 0.9, True, THRESHOLDS).score == pytest.approx(0.75)


def test_verbatim_quote_is_supported_lexically(tok):
    checker = SupportChecker(tok.tokens, THRESHOLDS)
    verdict = checker.check("The waiver must be reported to Congress.", PASSAGE)
    assert verdict.supported and verdict.lexical == 1.0 and verdict.semantic is None


def test_claim_from_another_passage_is_not_supported(tok):
    checker = SupportChecker(tok.tokens, THRESHOLDS)
    verdict = checker.check("President Trump and Kim Jong-un will meet in Hanoi in February.", PASSAGE)
    assert not verdict.supported and verdict.lexical < 0.5


def test_changed_number_is_not_supported(tok):
    checker = SupportChecker(tok.tokens, THRESHOLDS)
    verdict = checker.check("The President may waive the sanctions for periods of between 90 days and 1 year.", PASSAGE)
    assert not verdict.numbers_ok and not verdict.supported


def test_korean_pair(tok):
    passage = "위원장은 통일부장관이 되며, 협의회의 업무를 총괄한다."
    checker = SupportChecker(tok.tokens, THRESHOLDS)
    assert checker.check("위원장은 통일부장관이 된다.", passage).supported
    assert not checker.check("기금은 한국수출입은행이 관리한다.", passage).supported


class BagOfWords:
    """Deterministic hashing embedder for the semantic path (test double, L2-normalised)."""

    name, dim, max_tokens = "bow", 64, 512

    def _enc(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, sum(map(ord, w.strip(".,"))) % self.dim] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def encode_passages(self, texts, batch_size=32):
        return self._enc(texts)

    def encode_queries(self, texts):
        return self._enc(texts)


def test_semantic_path_and_cache(tok):
    emb = BagOfWords()
    cache = VectorCache(emb)
    checker = SupportChecker(tok.tokens, THRESHOLDS, cache)
    verdict = checker.check("The waiver must be reported to Congress.", PASSAGE)
    assert verdict.semantic == pytest.approx(1.0, abs=1e-5) and verdict.supported
    a = cache.passages(["x y", "x y"])
    assert a.shape == (2, 64) and np.allclose(a[0], a[1])


def test_best_picks_the_supporting_passage(tok):
    checker = SupportChecker(tok.tokens, THRESHOLDS)
    i, verdict = checker.best("The waiver must be reported to Congress.", ["Hanoi summit in February.", PASSAGE])
    assert i == 1 and verdict.supported
    assert checker.best("anything", []) is None


def test_locate_span_finds_verbatim_and_paraphrase(tok):
    s, e = locate_span("The waiver must be reported to Congress.", PASSAGE, tok.tokens)
    assert PASSAGE[s:e] == "The waiver must be reported to Congress."
    s, e = locate_span("Congress gets a report of the waiver", PASSAGE, tok.tokens)
    assert PASSAGE[s:e] == "The waiver must be reported to Congress."


def test_a_verbatim_quote_is_supported_without_embedding_the_passage():
    class CountingEmbedder:
        name, dim = "count", 2
        calls = 0

        def encode_passages(self, texts):
            CountingEmbedder.calls += len(texts)
            import numpy as np

            return np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(texts), 1))

        def encode_queries(self, texts):
            return self.encode_passages(texts)

    from app.answer.support import SupportChecker, SupportThresholds, VectorCache

    checker = SupportChecker(lambda t: t.lower().split(), SupportThresholds(0.9, 0.85), VectorCache(CountingEmbedder()))
    passage = "The President may waive sanctions for 30 days. Another sentence follows here."
    verdict = checker.check("The President may waive sanctions for 30 days.", passage)
    assert verdict.supported and verdict.score == 1.0 and CountingEmbedder.calls == 0
    other = checker.check("The President may waive sanctions for 90 days.", passage)
    assert not other.supported  # a changed number is still caught (and this path embeds)
    assert CountingEmbedder.calls > 0
