"""Language-aware BM25 tokenisation (Kiwi for Korean, stemming for English) and the bm25s wrapper."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.retrieval.lexical import LexicalIndex
from index.retrieval.tokenize import LexicalTokenizer, has_hangul


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
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(tokens, show_progress=False)
    ours = LexicalIndex.build(tokens, k1=1.2, b=0.75)
    for query in ["designated persons visas", "sanctions", "기금 관리", "committee humanitarian exemptions"]:
        q = tok.tokenize(query)
        expected = reference.get_scores_from_ids(reference.get_tokens_ids(q))
        np.testing.assert_allclose(ours.scores(q), expected, rtol=1e-5, atol=1e-6)


def test_token_rows_take_extend_and_round_trip(tmp_path):
    from index.retrieval.tokens import TokenRows

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


def test_neighbour_windows_stay_inside_each_document():
    from index.retrieval.lexical import neighbour_windows

    window, member = neighbour_windows(np.array(["a", "a", "a", "b", "c", "c"]))
    pairs = sorted(zip(window.tolist(), member.tolist()))
    assert pairs == [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (4, 4), (4, 5), (5, 4), (5, 5)]
    assert [len(x) for x in neighbour_windows(np.array([], dtype=int))] == [0, 0]


def _window_corpus(tok):
    texts = [
        "The Secretary shall deny a visa to any person designated under this section.",  # doc 0, row 0
        "Such a person may also have assets blocked by the Treasury.",  # doc 0, row 1: 'assets', no 'visa'
        "Assets of exporters are blocked.",  # doc 1: 'assets' only, no neighbour
        "Unrelated fishing quota text.",  # doc 2, row 3
        "Visas for fishing crews are issued by consulates.",  # doc 2, row 4: 'visa', neighbour has no 'assets'
    ]
    return tok.tokenize_many(texts), np.array([0, 0, 1, 2, 2])


def test_neighbour_window_boosts_only_rows_that_match_on_their_own(tok):
    tokens, groups = _window_corpus(tok)
    plain = LexicalIndex.build(tokens)
    boosted = LexicalIndex.build(tokens, groups=groups, neighbour_weight=1.0)
    q = tok.tokenize("visa denied, assets blocked")
    p, s = plain.scores(q), boosted.scores(q)
    assert (s > 0).tolist() == (p > 0).tolist()  # same candidate rows
    assert np.all(s >= p)
    # rows 0 and 1 each see the other's words through the window; row 2 (a one-chunk document) gains less
    assert s[1] - p[1] > s[2] - p[2]
    assert s[0] - p[0] > s[4] - p[4]
    no_match = tok.tokenize("quota")
    np.testing.assert_array_equal(boosted.scores(no_match) > 0, plain.scores(no_match) > 0)
    assert boosted.scores(tok.tokenize("fishing"))[4] > 0 and boosted.scores(tok.tokenize("fishing"))[1] == 0


def test_neighbour_window_round_trips_and_checks_rows(tok, tmp_path):
    tokens, groups = _window_corpus(tok)
    index = LexicalIndex.build(tokens, groups=groups, neighbour_weight=0.5)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", rows=5)
    assert loaded.neighbour_weight == 0.5
    q = tok.tokenize("assets visa")
    np.testing.assert_allclose(loaded.scores(q), index.scores(q))
    assert not np.allclose(LexicalIndex.build(tokens).scores(q), index.scores(q))
    with pytest.raises(ValueError, match="groups"):
        LexicalIndex.build(tokens, groups=groups[:3])


def test_document_frequencies_count_rows_and_survive_save(tok, tmp_path):
    corpus = ["visa visa denial", "a denial of the visa", "fund use", "기금의 관리는 한국수출입은행이 한다."]
    index = LexicalIndex.build(tok.tokenize_many(corpus))
    visa, deni, fund = tok.tokenize("visa denial fund")
    fund_ko = tok.tokenize("기금")[0]
    df = index.document_frequencies([visa, deni, fund, fund_ko, "zebra"])
    assert df == {visa: 2, deni: 2, fund: 1, fund_ko: 1, "zebra": 0}  # rows, not occurrences
    index.save(tmp_path / "bm25")
    assert LexicalIndex.load(tmp_path / "bm25", rows=4).document_frequencies([visa, "zebra"]) == {visa: 2, "zebra": 0}
    assert LexicalIndex.build([]).document_frequencies(["visa"]) == {"visa": 0}
