"""Follow-ups → standalone retrieval queries: a follow-up that names a new subject keeps only the anchors."""

from __future__ import annotations

from pathlib import Path

from app.answer.followup import anchors, standalone_query, swaps_subject


def test_anchors_are_names_and_numbered_units_in_order():
    assert anchors("Which section of EO 13382 covers § 9214 and 제10조 of 북한인권법?") == [
        "EO 13382",
        "§ 9214",
        "제10조",
        "북한인권법",
    ]
    assert anchors("What does resolution 2397 say about crude oil?") == ["resolution 2397"]
    assert anchors("남북교류협력에 관한 법률 제17조의2는 무엇을 규정하나요?") == [
        "남북교류협력에 관한 법률",
        "제17조의2",
    ]
    assert anchors("how long do sanctions last?") == []


def test_a_follow_up_naming_a_new_subject_swaps_the_subject_and_keeps_the_anchor():
    history = [("What does resolution 2397 say about crude oil?", "… [1]")]
    assert swaps_subject("What about workers?") and swaps_subject("and refined petroleum?")
    assert standalone_query("What about workers?", history) == "resolution 2397 What about workers?"
    # chained: the anchor survives every swap
    chained = history + [("and refined petroleum?", "… [1]")]
    assert standalone_query("What about workers?", chained) == "resolution 2397 What about workers?"
    assert standalone_query("그럼 재단은?", [("북한인권법의 목적은 무엇인가요?", "…")]) == "북한인권법 그럼 재단은?"


def test_a_follow_up_asking_something_new_about_the_same_subject_keeps_the_whole_topic():
    history = [("What does resolution 2397 say about crude oil?", "… [1]")]
    assert not swaps_subject("and for how long?") and not swaps_subject("Who signed it?")
    assert standalone_query("and for how long?", history) == "resolution 2397 crude oil and for how long?"
    # no anchor in the previous question: the whole topic is carried, as before
    plain = [("Which law allows sanctions deferral for humanitarian purposes?", "…")]
    assert standalone_query("What about development projects?", plain).startswith("law allows sanctions deferral")


def test_the_first_word_is_no_anchor_for_being_capitalised():
    assert anchors("After the first report, how often must IEEPA reports follow?") == ["IEEPA"]
    assert anchors("DPRK ports are named where?") == ["DPRK"]


def test_the_follow_up_set_is_valid_and_its_evidence_is_in_the_documents(shared_data):
    from bench.evalsets import doc_id_for
    from bench.followups import load_conversations
    from bench.relevance import normalize_for_match
    from ingest import load_document
    from ingest.loaders import discover

    conversations = load_conversations()
    assert len(conversations) >= 20 and {c.kind for c in conversations} == {"same", "swap"}
    assert len({c.id for c in conversations}) == len(conversations)
    roots = [
        shared_data / "us_law_north_korea",
        shared_data / "us_executive_orders_north_korea",
        shared_data / "kr_law_inter_korean",
        Path(__file__).resolve().parents[1] / "corpus",
    ]
    texts = {doc_id_for(p): normalize_for_match(load_document(p).text) for p in discover(roots)}
    for c in conversations:
        for e in c.evidence:
            assert normalize_for_match(e.text) in texts[e.doc_id], (c.id, e.text)
        assert normalize_for_match(c.evidence[0].text) not in normalize_for_match(" ".join(c.turns)), c.id


def test_an_elliptical_follow_up_carries_the_previous_answers_subject():
    from app.answer.followup import is_elliptical, standalone_query

    history = [
        (
            "Who can the President deny visas to under the North Korea sanctions law?",
            "The Secretary of State may deny a visa to, and the Secretary of Homeland Security may deny entry into "
            "the United States of, any alien who is [1]",
        )
    ]
    query = standalone_query("And for how long?", history)
    assert "Homeland" in query and "visa" in query and query.endswith("And for how long?")
    assert is_elliptical("Who decides?") and is_elliptical("그 기간은?")
    assert not is_elliptical("And the maximum prison term?")
    # a follow-up naming a new subject keeps the previous anchors only, not the answer's words
    assert "Homeland" not in standalone_query("What about vessels?", history)
