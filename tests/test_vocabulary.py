"""Every entry of the language data files (app/answer/data, ingest/data) against its examples, through the function
that uses it: a phrase of a paraphrase group is found as that meaning, a stop word is dropped by the tokenizer,
"17 ships" answers "how many vessels", "See Sec. 5" stays one sentence …"""

from __future__ import annotations

import re

import pytest

from app.answer import followup
from app.answer.rules import slots
from app.answer.rules.anchors import question_anchors
from app.answer.rules.named import named_documents
from app.answer.rules.paraphrase import expanded_query, meanings
from app.answer.rules.qtype import answer_shape_score, states_number
from app.answer.rules.slots import asked_slot, count_nouns, korean_counter
from app.answer.sentences import split_units
from app.answer.tokens import Tokenizer
from app.answer.vocabulary import entries, glossary, paraphrase_groups, words
from ingest.dates import parse_date
from ingest.sentences import segment
from ingest.vocabulary import data_file, word_list


def _cases(items, ident=str):
    return [pytest.param(*item, id=ident(item)) for item in items]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()  # the tokenizer without the index's Kiwi: stop words, question words and endings apply


# --- paraphrase groups and glossary ------------------------------------------------------------------------------
MEANINGS = [(m, ex) for m in (*paraphrase_groups(), *glossary()) for ex in m.examples]


@pytest.mark.parametrize("meaning, example", _cases(MEANINGS, lambda c: f"{c[0].name}:{c[1]}"))
def test_meaning_found_in_its_examples(meaning, example):
    assert "zz" + meaning.name in meanings(example)


EXPANDED = [(m, m.examples[0]) for m in paraphrase_groups() if m.expansion]


@pytest.mark.parametrize("meaning, example", _cases(EXPANDED, lambda c: c[0].name))
def test_expansion_added_to_a_query_stating_the_meaning(meaning, example):
    query = expanded_query(example)
    assert all(re.search(rf"\b{w}", query, re.IGNORECASE) for w in meaning.expansion)


def test_every_meaning_has_examples_and_a_unique_name():
    names = [m.name for m in (*paraphrase_groups(), *glossary())]
    assert len(names) == len(set(names))
    assert all(m.examples for m in (*paraphrase_groups(), *glossary()))


# --- stop words, question words, Korean endings (app.answer.tokens) ----------------------------------------------
@pytest.mark.parametrize("word", words("stopwords", "english"))
def test_english_stopword_dropped(tokenizer, word):
    assert tokenizer.tokens(word) == []


@pytest.mark.parametrize(
    "word",
    words("stopwords", "question_en") + words("stopwords", "question_ko") + words("stopwords", "question_ko_stems"),
)
def test_question_word_dropped_from_questions(tokenizer, word):
    assert tokenizer.tokens(word, question=True) == []


@pytest.mark.parametrize("ending", words("stopwords", "korean_endings"))
def test_korean_ending_cut_off(tokenizer, ending):
    assert tokenizer.tokens("기금" + ending) == ["기금"]


# --- follow-up words (app.answer.followup) ---------------------------------------------------------------------
_STANDALONE_EN = "which agency administers the unification fund program?"
_STANDALONE_KO = "통일부 장관은 남북협력기금을 어떻게 운용하나요?"


@pytest.mark.parametrize("word", words("followup", "connectives_en"))
def test_english_connective_makes_a_followup(word):
    assert not followup.is_followup(_STANDALONE_EN)
    assert followup.is_followup(f"{word} {_STANDALONE_EN}")


@pytest.mark.parametrize("word", words("followup", "connectives_ko"))
def test_korean_connective_makes_a_followup(word):
    assert not followup.is_followup(_STANDALONE_KO)
    assert followup.is_followup(f"{word} {_STANDALONE_KO}")


@pytest.mark.parametrize("word", words("followup", "pronouns_en"))
def test_english_pronoun_makes_a_followup(word):
    assert not followup.is_followup("When did sanctions take effect under the statute?")
    assert followup.is_followup(f"When did {word} take effect under the statute?")


PRONOUNS_KO = [
    (item, ex)
    for item in data_file("app.answer", "followup.yaml")["pronouns_ko"]
    for ex in ([f"{item}은 어느 부처가 관리하고 있나요?"] if isinstance(item, str) else item["examples"])
]


@pytest.mark.parametrize("entry, example", _cases(PRONOUNS_KO, lambda c: c[1]))
def test_korean_pronoun_makes_a_followup(entry, example):
    assert not followup.is_followup("기금은 어느 부처가 관리하고 있나요?")
    assert followup.is_followup(example)


@pytest.mark.parametrize("word", words("followup", "swap_leads_en"))
def test_swap_lead_is_cut_before_the_new_subject(word):
    assert followup.swaps_subject(f"{word} workers?")
    assert followup._SWAP_LEAD_EN.sub("", f"{word} workers?", count=1).strip() == "workers?"


@pytest.mark.parametrize("word", words("followup", "function_words_en"))
def test_function_word_not_carried(word):
    assert followup.content_words(f"{word} sanctions") == ["sanctions"]


@pytest.mark.parametrize("word", words("followup", "question_words_en"))
def test_question_word_asks_something_new(word):
    assert followup.swaps_subject("and workers?")
    assert not followup.swaps_subject(f"and {word} workers?")


@pytest.mark.parametrize("ending", words("followup", "question_endings_ko"))
def test_korean_question_ending_asks_something_new(ending):
    assert followup.swaps_subject("그럼 재단은?")
    assert not followup.swaps_subject(f"그럼 재단{ending}")


@pytest.mark.parametrize("particle", words("followup", "particles_ko"))
def test_korean_particle_cut_before_question_words(particle):
    assert followup.content_words(f"언제{particle}") == []


@pytest.mark.parametrize("suffix", words("followup", "name_suffixes_ko"))
def test_korean_name_suffix_makes_an_anchor(suffix):
    assert f"남북교류{suffix}" in followup.anchors(f"남북교류{suffix}에 따르면 누가 승인하나요?")


# --- anchors, named sources ------------------------------------------------------------------------------------
@pytest.mark.parametrize("word", words("anchors", "generic_words"))
def test_generic_word_is_no_anchor(word):
    assert question_anchors(f"Tell me what the {word.capitalize()} says about Japan") == ["Japan"]


SOURCE_KINDS = [(e["word"], ex) for e in entries("source_kinds", "kinds") for ex in e["examples"]]


@pytest.mark.parametrize("kind, example", _cases(SOURCE_KINDS, lambda c: c[0]))
def test_source_kind_names_a_document(tokenizer, kind, example):
    token = tokenizer.tokens(example)[-1] if kind.isascii() and "-" not in kind else kind
    assert token == kind
    names = {"named": {token, "pacific"}, "other": {"statute"}}
    assert named_documents([token], names, {"named": set(), "other": set()}) == {"named"}


# --- slots: number words, count nouns, Korean counters, money ----------------------------------------------------
@pytest.mark.parametrize("word", words("number_words", "number_words"))
def test_number_word_states_a_count(word):
    slot = asked_slot("How many ships were seized?")
    assert slot is not None and slot.kind == "count"
    assert slot.fills(f"{word} ships were seized") and not slot.fills("several ships were seized")


CLASSES = entries("count_nouns", "classes")


@pytest.mark.parametrize("cls", _cases([(c,) for c in CLASSES], lambda c: c[0]["words"][0]))
def test_count_class(cls):
    question, *answers = cls["examples"]
    slot = asked_slot(question)
    assert slot is not None and slot.kind == "count"
    assert all(slot.fills(a) for a in answers)
    for word in cls["words"]:
        assert set(cls["words"]) <= set(count_nouns(word))
    assert korean_counter(cls["words"][0]) == cls["korean_counters"]


@pytest.mark.parametrize("word", words("count_nouns", "role_people"))
def test_role_counted_as_people(word):
    assert word in count_nouns("sailors")


@pytest.mark.parametrize("word", words("count_nouns", "irregular_plurals"))
def test_irregular_plural_is_a_count_head(word):
    slot = asked_slot(f"How many {word} were there?")
    assert slot is not None and slot.kind == "count" and slot.fills(f"12 {word}")


@pytest.mark.parametrize("word", words("count_nouns", "not_person"))
def test_not_a_person(word):
    assert "people" not in count_nouns(word)


COUNTERS = [(e["word"], *e["examples"]) for e in entries("korean_counters", "asked")]


@pytest.mark.parametrize("counter, question, answer", _cases(COUNTERS, lambda c: c[0]))
def test_korean_counter_asked(counter, question, answer):
    pattern = slots._count_slot(question)
    assert pattern is not None and pattern.search(answer)


@pytest.mark.parametrize("word", words("korean_counters", "native_numbers"))
def test_korean_native_number(word):
    pattern = slots._count_slot("몇 명이 참석했나요?")
    assert pattern is not None and pattern.search(f"{word} 명")


@pytest.mark.parametrize("unit", words("korean_counters", "units"))
def test_korean_number_unit(unit):
    pattern = slots._count_slot("몇 명이 입국했나요?")
    assert pattern is not None and pattern.search(f"3{unit}명")


@pytest.mark.parametrize("noun", words("money", "nouns_en"))
def test_english_money_noun_asks_an_amount(noun):
    slot = asked_slot(f"What was the {noun}?")
    assert slot is not None and slot.kind == "money"


@pytest.mark.parametrize("noun", words("money", "nouns_ko"))
def test_korean_money_noun_asks_an_amount(noun):
    slot = asked_slot(f"{noun}은 얼마인가요?")
    assert slot is not None and slot.kind == "money"


TOPICS = [(t["nouns"], *t["examples"]) for t in entries("money", "topics")]


@pytest.mark.parametrize("nouns, question, sentence", _cases(TOPICS, lambda c: c[0]))
def test_money_topic(nouns, question, sentence):
    slot = asked_slot(question)
    assert slot is not None and slot.kind == "money" and slot.topic is not None
    assert slot.fills(sentence) and slot.topic.search(sentence)


# --- ingest data: months, abbreviations --------------------------------------------------------------------------
@pytest.mark.parametrize("name, number", list(data_file("ingest", "months.yaml")["months"].items()))
def test_month(name, number):
    assert parse_date(f"{name} 5, 2024") == f"2024-{number:02d}-05"
    slot = asked_slot("On what date was it signed?")
    assert slot is not None and slot.fills(f"signed on {name} 5")


def _one_sentence_in_answers(word: str) -> bool:
    return len(split_units(f"See {word}. Smith for details.")) == 1


def _one_unit_for_packing(word: str) -> bool:
    text = f"See {word}. Smith for details."
    return len(segment(text, 0, len(text))) == 1


@pytest.mark.parametrize("word", word_list("ingest", "abbreviations.yaml", "common"))
def test_abbreviation_in_both_splitters(word):
    assert _one_sentence_in_answers(word) and _one_unit_for_packing(word)


@pytest.mark.parametrize("word", word_list("ingest", "abbreviations.yaml", "packing"))
def test_abbreviation_for_packing(word):
    assert _one_unit_for_packing(word)


@pytest.mark.parametrize("word", word_list("ingest", "abbreviations.yaml", "quoting"))
def test_abbreviation_for_quoting(word):
    assert _one_sentence_in_answers(word)


def test_splitters_end_a_sentence_at_a_word_that_is_no_abbreviation():
    assert not _one_sentence_in_answers("staff") and not _one_unit_for_packing("staff")


# --- answer shapes (app.answer.rules.qtype) ----------------------------------------------------------------------
@pytest.mark.parametrize("word", words("answer_shapes", "duration_numbers"))
def test_duration_number(word):
    assert answer_shape_score("duration", f"for {word} years") == 1.0
    assert answer_shape_score("duration", "for many years") == 0.0


@pytest.mark.parametrize("word", words("answer_shapes", "quantity_words"))
def test_quantity_word(word):
    assert answer_shape_score("quantity", f"about {word} of them") == 1.0
    assert answer_shape_score("quantity", "about many of them") == 0.0


@pytest.mark.parametrize("word", words("answer_shapes", "count_words"))
def test_count_word(word):
    assert states_number(f"they met {word} times") and not states_number("they met many times")


@pytest.mark.parametrize(
    "word", words("answer_shapes", "person_titles_en") + words("answer_shapes", "person_bodies_ko")
)
def test_person_word(word):
    plain = re.sub(r"\(\?!.*?\)", "", word)  # "대통령(?!령)" -> 대통령
    assert answer_shape_score("person", f"approved by the {plain}" if word.isascii() else f"{plain}이 정한다") == 1.0
    assert answer_shape_score("person", "approved by the crowd") == answer_shape_score("person", "누군가 정한다") == 0.0


@pytest.mark.parametrize("word", words("answer_shapes", "places_en") + words("answer_shapes", "places_ko"))
def test_place_word(word):
    assert answer_shape_score("place", f"held near {word}" if word.isascii() else f"{word}에서 열렸다") == 1.0
    assert answer_shape_score("place", "held near here") == 0.0
