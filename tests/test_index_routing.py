"""Routing a question to the documents it names (pure functions of `index.retrieval.routing`)."""

from __future__ import annotations

import numpy as np
import pytest

from index.retrieval.routing import DocumentNames, document_name, document_names, routed_documents


def simple_tokens(texts: list[str]) -> list[list[str]]:
    return [[w for w in t.lower().split() if len(w) > 1] for t in texts]


NAMES = {
    "fund": document_name("남북협력기금법", "/data/inter_korean_cooperation_fund_act__act.md"),
    "fund_decree": document_name(
        "남북협력기금법 시행령", "/data/inter_korean_cooperation_fund_act__enforcement_decree.md"
    ),
    "defectors": document_name("북한이탈주민법", "defectors.md", aliases=["North Korean Defectors Protection Act"]),
    "rights": document_name("북한인권법", "/data/north_korean_human_rights_act_kr__act.md"),
}


@pytest.fixture()
def names() -> DocumentNames:
    return DocumentNames.build(list(NAMES), list(NAMES.values()), simple_tokens)


def test_document_name_joins_title_aliases_and_file_stem():
    assert document_name("남북협력기금법", "/x/inter_korean_cooperation_fund_act__act.md", ["IKCF Act"]) == (
        "남북협력기금법 IKCF Act inter korean cooperation fund act act"
    )
    assert document_name("Title", "") == "Title"


def test_the_document_a_question_names_scores_highest(names):
    scores = names.scores(simple_tokens(["what may the cooperation fund be spent on?"])[0])
    assert scores[0] > scores[1] > 0  # the act and its decree share the name's words; the shorter name weighs more
    assert scores[2] == scores[3] == 0


def test_an_alias_names_a_document(names):
    scores = names.scores(["defectors", "protection"])
    assert int(np.argmax(scores)) == 2


def test_words_in_every_name_weigh_less_than_distinctive_ones(names):
    common = names.scores(["act"])  # in all four names
    distinctive = names.scores(["rights"])  # in one
    assert distinctive[3] > common[3] > 0


def test_repeated_query_words_count_once(names):
    assert np.allclose(names.scores(["fund", "fund"]), names.scores(["fund"]))


def test_routed_documents_keep_the_close_ones_best_first():
    scores = np.array([1.0, 6.0, 5.0, 2.0, 0.0])
    eligible = np.array([True, True, True, True, True])
    assert routed_documents(scores, eligible, share=0.5, max_docs=3).tolist() == [1, 2]
    assert routed_documents(scores, eligible, share=0.1, max_docs=3).tolist() == [1, 2, 3]


def test_routing_ignores_ineligible_documents_and_names_that_do_not_match():
    scores = np.array([9.0, 3.0, 0.0])
    assert routed_documents(scores, np.array([False, True, True]), share=0.5, max_docs=3).tolist() == [1]
    assert routed_documents(np.zeros(3), np.ones(3, dtype=bool), share=0.5, max_docs=3).tolist() == []
    with pytest.raises(ValueError):
        routed_documents(scores, np.ones(3, dtype=bool), share=0.0, max_docs=3)


def test_document_names_lists_each_name_once_without_empty_ones():
    assert document_names("  남북협력기금법 ", "/x/fund_act.md", ["IKCF Act", " "]) == (
        "남북협력기금법",
        "IKCF Act",
        "fund act",
    )
    assert document_names("", "") == ()


VARIANTS = {
    "day": document_names("광복절 경축사", "liberation-day-address-2024.md"),
    "fund": document_names("남북협력기금법", "inter_korean_cooperation_fund_act.md", ["IKCF Act"]),
    "minutes": document_names("외교통일위원회 회의록", "assembly-unification-committee-minutes.md"),
}


@pytest.fixture()
def variant_names() -> DocumentNames:
    return DocumentNames.build(list(VARIANTS), list(VARIANTS.values()), simple_tokens)


def test_a_question_that_spells_out_a_name_covers_it(variant_names):
    query = simple_tokens(["what may the inter korean cooperation fund act pay for?"])[0]
    assert variant_names.coverage(query, np.array([1]))[0] > 0.7
    # the alias alone is a whole name
    assert variant_names.coverage(["ikcf", "act"], np.array([1]))[0] == pytest.approx(1.0)


def test_one_shared_word_does_not_cover_a_name(variant_names):
    query = simple_tokens(["how much aid was promised under the leap day deal?"])[0]
    scores = variant_names.scores(query)
    assert scores[0] > 0  # BM25 over the names matches "day" ...
    assert variant_names.coverage(query, np.array([0]))[0] < 0.5  # ... but the question does not name the address


def test_routing_skips_documents_the_question_does_not_name(variant_names):
    query = simple_tokens(["which ship should the committee blacklist under the day deal?"])[0]
    scores = variant_names.scores(query)
    eligible = np.ones(3, dtype=bool)
    assert routed_documents(scores, eligible, share=0.5, max_docs=1).tolist() != []  # names matched loosely
    routed = routed_documents(
        scores,
        eligible,
        share=0.5,
        max_docs=1,
        coverage=lambda docs: variant_names.coverage(query, docs),
        min_coverage=0.5,
    )
    assert routed.tolist() == []
    named = simple_tokens(["who runs the inter korean cooperation fund?"])[0]
    routed = routed_documents(
        variant_names.scores(named),
        eligible,
        share=0.5,
        max_docs=1,
        coverage=lambda docs: variant_names.coverage(named, docs),
        min_coverage=0.5,
    )
    assert routed.tolist() == [1]


def test_names_and_ids_must_align():
    with pytest.raises(ValueError):
        DocumentNames.build(["a", "b"], ["only one"], simple_tokens)


def test_document_languages_say_which_languages_each_document_has():
    from index.retrieval.routing import document_languages

    langs = document_languages(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 0]), n_docs=4, n_codes=3)
    assert langs.tolist() == [
        [True, True, False],
        [False, True, False],
        [True, False, False],
        [False, False, False],
    ]
