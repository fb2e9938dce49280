"""Language-aware BM25 tokenisation (Kiwi for Korean, stemming for English) and the bm25s wrapper."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.lexical import LexicalIndex
from index.tokenize import LexicalTokenizer, has_hangul


@pytest.fixture(scope="module")
def tok() -> LexicalTokenizer:
    return LexicalTokenizer()


def test_english_lowercases_drops_stopwords_and_stems(tok):
    assert tok.tokenize("The Designated persons are DENIED visas") == ["design", "person", "deni", "visa"]
    assert tok.tokenize("sanctions") == tok.tokenize("Sanction")


def test_korean_particles_do_not_block_matches(tok):
    for word in ("기금의", "기금은", "기금을", "기금이", "기금"):
        assert tok.tokenize(word) == ["기금"], word


def test_korean_keeps_content_morphemes_only(tok):
    tokens = tok.tokenize("협력사업의 승인 등을 받아야 한다.")
    assert {"협력", "사업", "승인"} <= set(tokens)
    assert not {"의", "을", "다", "야"} & set(tokens)  # particles and endings dropped


def test_mixed_korean_english_text(tok):
    tokens = tok.tokenize("통일부장관은 UN Sanctions Committee의 면제 결정을 고려한다")
    assert {"통일부", "장관", "면제", "결정", "고려"} <= set(tokens)
    assert {"un", "sanction", "committe"} <= set(tokens)  # Latin words normalised like English
    assert tok.tokenize_many(["sanctions", "UN Sanctions의 면제"]) == [["sanction"], ["un", "sanction", "면제"]]


def test_numbers_in_article_references(tok):
    assert "17" in tok.tokenize("제17조의2")


def test_has_hangul():
    assert has_hangul("a 기금") and not has_hangul("fund 17")


def test_kiwi_is_created_lazily_per_tokenizer():
    t = LexicalTokenizer()
    t.tokenize("only English here")
    assert t._kiwi is None


def test_bm25_matches_korean_across_particles_and_saves_without_pickle(tok, tmp_path):
    corpus = [
        "남북협력기금은 다음 각 호의 용도에 사용한다.",
        "기금의 관리는 한국수출입은행이 한다.",
        "The President shall designate persons who export arms to North Korea.",
        "통일부장관은 협력사업을 승인할 수 있다.",
    ]
    index = LexicalIndex.build(tok.tokenize_many(corpus))
    scores = index.scores(tok.tokenize("기금을 누가 관리하나"))
    assert int(np.argmax(scores)) == 1
    assert scores[2] == 0
    scores = index.scores(tok.tokenize("designated persons"))
    assert int(np.argmax(scores)) == 2

    index.save(tmp_path / "bm25")
    for f in (tmp_path / "bm25").iterdir():
        if f.suffix == ".npy":
            np.load(f, allow_pickle=False)  # would raise on pickled object arrays
        if f.suffix == ".json":
            json.loads(f.read_text())
    loaded = LexicalIndex.load(tmp_path / "bm25", rows=4)
    np.testing.assert_allclose(loaded.scores(tok.tokenize("기금")), index.scores(tok.tokenize("기금")))
    with pytest.raises(ValueError, match="rows"):
        LexicalIndex.load(tmp_path / "bm25", rows=5)


def test_unknown_query_tokens_score_zero(tok):
    index = LexicalIndex.build(tok.tokenize_many(["visa denial", "fund use"]))
    assert not index.scores(["zzz"]).any()
    assert LexicalIndex.build([]).scores(["visa"]).shape == (0,)


def test_vectorised_bm25_equals_bm25s_own_builder(tok):
    import bm25s

    corpus = [
        "Sanctions relief for North Korea could follow steps toward denuclearisation.",
        "The Secretary shall deny visas to designated persons and block their assets.",
        "Humanitarian exemptions from sanctions are granted by the committee.",
        "",
        "Assets of designated persons are blocked; designated persons are denied visas.",
        "남북협력기금은 다음 각 호의 용도에 사용한다. 기금의 관리는 한국수출입은행이 한다.",
    ]
    tokens = tok.tokenize_many(corpus)
    reference = bm25s.BM25()
    reference.index(tokens, show_progress=False)
    ours = LexicalIndex.build(tokens)
    for query in ["designated persons visas", "sanctions", "기금 관리", "committee humanitarian exemptions"]:
        q = tok.tokenize(query)
        expected = reference.get_scores_from_ids(reference.get_tokens_ids(q))
        np.testing.assert_allclose(ours.scores(q), expected, rtol=1e-5, atol=1e-6)


def test_token_rows_take_extend_and_round_trip(tmp_path):
    from index.tokens import TokenRows

    rows = TokenRows.from_lists([["a", "b"], [], ["b", "c", "a"]])
    assert [rows.tokens(i) for i in range(3)] == [["a", "b"], [], ["b", "c", "a"]]
    picked = rows.take([2, 0])
    assert [picked.tokens(i) for i in range(2)] == [["b", "c", "a"], ["a", "b"]]
    grown = picked.extend([["d", "a"]])
    assert grown.vocab[:3] == rows.vocab and grown.tokens(2) == ["d", "a"]
    grown.save(tmp_path / "t")
    back = TokenRows.load(tmp_path / "t")
    assert [back.tokens(i) for i in range(3)] == [grown.tokens(i) for i in range(3)]
    assert len(rows.take([])) == 0


def test_compound_nouns_also_give_their_parts(tok):
    tokens = tok.tokenize("남북협력기금의 운용")
    assert tokens[0] == "남북협력기금" and {"남북", "협력", "기금", "운용"} <= set(tokens)
    corpus = ["기금은 다음 각 호의 용도에 사용한다.", "통일부장관은 협력사업을 승인할 수 있다."]
    index = LexicalIndex.build(tok.tokenize_many(corpus))
    assert int(np.argmax(index.scores(tok.tokenize("남북협력기금의 용도")))) == 0
