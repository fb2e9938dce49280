"""Clean text (markdown markup stripped with an offset map), citation cards whose marks cover only the quoted
sentences, closest passages shown as not an answer, cards sharing a label told apart, and the copy text."""

from __future__ import annotations

from app.answer.types import Answer, AnswerSentence, Citation
from app.web.cards import answer_markdown, distinctions, marked_html, quoted_spans
from app.web.markup import clean, plain
from app.web.render import answer_html


def _citation(
    text: str,
    n: int = 1,
    *,
    label: str = "Act § 2",
    page: int | None = None,
    section: str | None = None,
    span: tuple[int, int] | None = None,
) -> Citation:
    start, end = span or (0, len(text))
    return Citation(
        n=n,
        chunk_id=f"act@{n}",
        doc_id="act",
        label=label,
        title="**Sanctions** Act",
        doc_type="law",
        date="2016-02-18",
        page=page,
        section=section,
        source="act.md",
        text=text,
        span_start=start,
        span_end=end,
        span=text[start:end],
    )


def test_markup_is_stripped_and_offsets_map_back():
    assert clean("##### 제11조 (목적)") == "제11조 (목적)"
    assert plain("**④** 통일부장관은").text == "④ 통일부장관은"
    assert plain("1\\. First").text == "1. First"
    assert plain("South Korea\\'s [Ministry](http://x.kr) said").text == "South Korea's Ministry said"
    assert clean("# Title #") == "Title" and plain("a * b and 2*3").text == "a * b and 2*3"
    p = plain("**④** abc def")
    assert p.text[slice(*p.span(6, 9))] == "abc"


def test_only_the_quoted_sentences_are_marked():
    text = "## Sec. 2\nThe Act applies. The President shall designate persons. Penalties follow."
    c = _citation(text)  # the cited span covers the whole passage
    answer = Answer(
        question="q",
        query="q",
        text="The President shall designate persons. [1]",
        citations=[c],
        sentences=[AnswerSentence(text="The President shall designate persons. [1]", citations=[1], supported=True)],
    )
    spans = quoted_spans(c, answer)
    assert [text[a:b] for a, b in spans] == ["The President shall designate persons."]
    html = marked_html(text, spans)
    assert html.startswith("Sec. 2<br>The Act applies. <mark>The President") and "##" not in html
    # a paraphrase found nowhere verbatim falls back to the cited span
    para = answer.model_copy(
        update={"sentences": [AnswerSentence(text="It designates. [1]", citations=[1], supported=True)]}
    )
    assert quoted_spans(c, para) == [(0, len(text))]


def test_cards_sharing_a_label_say_what_differs():
    a, b = _citation("First text here.", 1, page=3), _citation("Second text here.", 2, page=7)
    assert distinctions([a, b]) == {1: "page 3", 2: "page 7"}
    a, b = _citation("One.", 1, section="§ 2(a)"), _citation("Two.", 2, section="§ 2(b)")
    assert distinctions([a, b]) == {1: "§ 2(a)", 2: "§ 2(b)"}
    assert distinctions([a, _citation("x", 3, label="Other")]) == {}
    html = answer_html(
        Answer(
            question="q",
            query="q",
            text="One. [1] Two. [2]",
            citations=[a, b],
            sentences=[
                AnswerSentence(text="One. [1]", citations=[1], supported=True),
                AnswerSentence(text="Two. [2]", citations=[2], supported=True),
            ],
        )
    )
    assert html.count('class="pqa-distinct"') == 2 and "§ 2(b)" in html


def test_closest_passages_are_unmarked_and_not_an_answer():
    html = answer_html(
        Answer(
            question="q",
            query="q",
            text="The documents do not answer this.",
            abstained=True,
            closest=[_citation("Nearby **text**", span=(0, 6))],
        )
    )
    assert "not an answer" in html and "<mark>" not in html and "Nearby text" in html
    assert html.index("do not answer this") < html.index("Nearby")  # the statement comes first


def test_copy_text_has_numbered_references():
    c = _citation("The President shall designate persons.", page=4)
    answer = Answer(
        question="q",
        query="q",
        text="The President shall designate persons. [1]",
        citations=[c],
        sentences=[AnswerSentence(text="The President shall designate persons. [1]", citations=[1], supported=True)],
    )
    md = answer_markdown(answer)
    assert md == (
        "The President shall designate persons.[1]\n\nReferences:\n[1] Act § 2 — Sanctions Act (2016-02-18, p. 4)"
    )
    html = answer_html(answer)
    assert 'class="pqa-copy"' in html and "References:<br>[1] Act § 2" in html and "<div" not in md
    assert 'href="/documents/act/view?chunk=act%401&amp;mark=0-38#cited"' in html
