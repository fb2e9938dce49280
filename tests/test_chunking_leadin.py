"""List lead-ins ("chapeaux") carried into the context of the chunks that continue a split list."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from ingest import chunk_document, load_document, load_text
from ingest.chunking import _Chunker
from ingest.leadins import find_leadins, introduces_list, plain, trim_leadin
from ingest.settings import ChunkingSettings
from ingest.types import Chunk
from tests.test_chunking import COUNTERS, check_invariants, piece_tokens, whitespace_tokens

_PORTS = (
    "Dandong and Dalian",
    "Abadan and Bushehr",
    "Nakhodka, Vanino, and Vladivostok",
    "Latakia and Tartous",
    "Nampo and Chongjin",
    "Rason and Wonsan",
)

USC = "\n\n".join(
    [
        "§ 99005. Enhanced inspection authorities",
        "(a) Report required",
        "Not later than 180 days after the date of enactment, the President shall submit a report on the foreign "
        "sea ports and airports that knowingly fail to inspect ships and cargo in transit to or from the country.",
        "(b) Specific findings",
        "Each report required under subsection (a) shall include specific findings with respect to the following "
        "ports and airports:",
        *(
            f"({i}) The ports of {p}, and any other port in that country that the President deems appropriate, "
            f"including every terminal operator, shipping agent and freight forwarder that served a vessel there."
            for i, p in enumerate(_PORTS, start=1)
        ),
        "(c) Exceptions",
        "The authority granted to the President by this section does not include the authority to regulate or "
        "prohibit, directly or indirectly",
        *(
            f"({i}) any {what}, which does not involve a transfer of anything of value and which the person makes "
            f"in good faith, in the ordinary course of business, and without knowledge of a violation;"
            for i, what in enumerate(
                (
                    "postal communication",
                    "telephone call",
                    "donation of food or medicine",
                    "import of informational materials",
                    "transaction incident to travel",
                ),
                start=1,
            )
        ),
        "(d) Rule of construction",
        "Nothing in this section shall be construed to limit the authority of the President under any other law.",
    ]
)

_ITEMS_1 = [
    "제9조제1항에 따른 승인을 받지 아니하고 북한을 방문한 자",
    "거짓이나 그 밖의 부정한 방법으로 제9조제1항에 따른 승인을 받은 자",
    "제13조제1항에 따른 승인을 받지 아니하고 물품등을 반출하거나 반입한 자",
    "제17조제1항에 따른 승인을 받지 아니하고 협력사업을 시행한 자",
    "제20조제1항에 따른 승인을 받지 아니하고 남한과 북한 간에 수송장비를 운행한 자",
    "거짓이나 그 밖의 부정한 방법으로 제13조제1항 또는 제17조제1항에 따른 승인을 받은 자",
    "제9조의2제1항에 따른 신고를 하지 아니하고 회합ㆍ통신, 그 밖의 방법으로 북한의 주민과 접촉한 자",
    "제15조제1항에 따른 조정명령을 따르지 아니하고 물품등을 계속하여 반출하거나 반입한 자",
    "제18조제1항에 따른 조정명령을 따르지 아니하고 협력사업을 계속하여 시행한 자",
    "제17조의2제1항에 따른 신고를 하지 아니하고 대통령령으로 정하는 협력사업을 시행한 자",
]
KR = "\n\n".join(
    [
        "# 예시교류법",
        "##### 제1조 (목적)",
        "이 법은 남한과 북한의 상호 교류와 협력을 촉진하기 위하여 필요한 사항을 규정함을 목적으로 한다.",
        "##### 제27조 (벌칙)",
        "**①** 다음 각 호의 어느 하나에 해당하는 자는 3년 이하의 징역 또는 3천만원 이하의 벌금에 처한다. <개정 2014.3.11>\n\n"
        + "\n".join(f"  {i}\\. {t}" for i, t in enumerate(_ITEMS_1, start=1)),
        "**②** 제1항 각 호의 미수범은 처벌한다.",
    ]
)


def _chunks(text: str, max_tokens: int, count=whitespace_tokens, **meta) -> tuple[list[Chunk], object]:
    doc = load_text(text, doc_id="leadin", metadata=meta or None)
    settings = ChunkingSettings(max_tokens=max_tokens, min_tokens=8, overlap_sentences=1)
    chunks = chunk_document(doc, settings, count)
    check_invariants(doc, chunks, settings, count)  # text == doc.text[start:end], contexts within the budget
    return chunks, doc


def _containing(chunks: list[Chunk], needle: str) -> list[Chunk]:
    return [c for c in chunks if needle in c.text]


# ---- the chunker ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("count", COUNTERS, ids=lambda f: f.__name__)
def test_us_code_continuation_chunks_carry_the_colon_lead_in(count):
    chunks, doc = _chunks(USC, 120, count, citation_prefix="22 U.S.C.")
    lead = (
        "Each report required under subsection (a) shall include specific findings with respect to the "
        "following ports and airports:"
    )
    b = [c for c in chunks if c.label == "22 U.S.C. § 99005(b)"]
    assert len(b) >= 3  # (b) is over the budget and split
    with_lead = [c for c in b if lead in c.text]
    continuing = [c for c in b if lead not in c.text]
    assert with_lead and continuing
    russia = _containing(continuing, "Nakhodka")[0]
    for c in continuing:  # the lead-in is a context line after the headings, before the chunk's own text
        head, body = c.context.split("\n\n", 1)
        assert head.split("\n")[-1].endswith("with respect to the following ports and airports:")
        assert lead in head or count is piece_tokens  # within max_tokens // 4 = 30 piece-tokens it is cut
        assert "(b) Specific findings" in head
        assert body.startswith(c.text[:20])
    assert russia.text == doc.text[russia.start : russia.end] and "Each report" not in russia.text
    for c in with_lead:  # a chunk holding the lead-in gets no second copy
        assert c.context.count("Each report required") == 1


@pytest.mark.parametrize("count", COUNTERS, ids=lambda f: f.__name__)
def test_continuation_chunks_name_the_chunk_holding_their_lead_in(count):
    for text, tokens, lead in ((USC, 120, "following ports and airports:"), (KR, 80, "다음 각 호의 어느 하나에")):
        chunks, doc = _chunks(text, tokens, count)
        by_id = {c.chunk_id: c for c in chunks}
        continuing = [c for c in chunks if c.lead_in_chunk]
        assert continuing
        for c in continuing:
            holder = by_id[c.lead_in_chunk]
            assert holder.start < c.start and holder.chunk_id != c.chunk_id
        assert any(lead in by_id[c.lead_in_chunk].text for c in continuing)
        assert all(c.lead_in_chunk is None for c in chunks if lead in c.text and c is chunks[0])
    prose, _ = _chunks("A plain paragraph.\n\nAnother one.", 40)
    assert all(c.lead_in_chunk is None for c in prose)


def test_lead_in_without_its_dash_runs_on_into_lowercase_items():
    """Statute texts lose the em dash: "… directly or indirectly" + "(1) any postal …" is still a lead-in."""
    chunks, _ = _chunks(USC, 120, citation_prefix="22 U.S.C.")
    travel = _containing(chunks, "transaction incident to travel")[0]
    assert travel.label == "22 U.S.C. § 99005(c)" and "directly or indirectly" not in travel.text
    assert "prohibit, directly or indirectly\n\n" in travel.context
    # (d) is after the list: its chunk continues nothing
    d = _containing(chunks, "Rule of construction")[0]
    assert "directly or indirectly" not in (d.context or "") and "following ports" not in (d.context or "")


@pytest.mark.parametrize("count", COUNTERS, ids=lambda f: f.__name__)
def test_korean_hang_items_carry_the_penalty_lead_in(count):
    chunks, doc = _chunks(KR, 80, count)
    later = _containing(chunks, "대통령령으로 정하는 협력사업을 시행한 자")[-1]
    assert "다음 각 호의" not in later.text
    lead_line = "① 다음 각 호의 어느 하나에 해당하는 자는 3년 이하의 징역 또는 3천만원 이하의 벌금에 처한다."
    lines = later.context.split("\n\n")[0].split("\n")
    assert lead_line in lines or count is piece_tokens  # amendment note and markup dropped
    assert lines[-1].startswith("① 다음 각 호의 어느 하나에 해당하는 자는 3년 이하의 징역")
    assert "<개정" not in later.context.split("\n\n")[0]
    assert later.text == doc.text[later.start : later.end]
    # the next 항 is outside the list: no lead-in
    hang2 = _containing(chunks, "미수범은 처벌한다")[0]
    assert "3년 이하의 징역" not in hang2.context or "3년 이하의 징역" in hang2.text


def test_only_the_context_changes_not_the_text_or_offsets():
    """The chunk spans are those of a plain packing: every chunk's text is its span, chunks are in order, cover
    the document, and a chunk's context ends with the chunk's own text (without markup)."""
    for text, meta, max_tokens in ((USC, {"citation_prefix": "22 U.S.C."}, 120), (KR, {}, 80)):
        chunks, doc = _chunks(text, max_tokens, **meta)
        for c in chunks:
            assert c.text == doc.text[c.start : c.end]
            body = c.context.split("\n\n", 1)[1]
            assert body.replace("\\", "").replace("**", "")[-30:] == c.text.replace("\\", "").replace("**", "")[-30:]


@pytest.mark.parametrize("count", COUNTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("max_tokens", [32, 48, 64, 80, 120, 200])
def test_budget_holds_with_lead_ins(count, max_tokens):
    """Contexts stay within max_tokens, and the room for the lead-ins was reserved when the text was packed: no
    chunk that continues a list loses its lead-in lines to the budget."""
    for text, meta, split_up_to in ((USC, {"citation_prefix": "22 U.S.C."}, 120), (KR, {}, 80)):
        chunks, doc = _chunks(text, max_tokens, count, **meta)
        ch = _Chunker(doc, ChunkingSettings(max_tokens=max_tokens, min_tokens=8, overlap_sentences=1), count)
        by_start = {c.start: c for c in chunks}
        continuing = 0
        for p in ch.chunk_node(ch.root):
            c = by_start[p.start]
            assert count(c.context or c.text) <= max_tokens
            leads = ch.leadin_lines(p.node, p.start)
            if leads and c.context is not None:
                continuing += 1
                assert "\n".join(leads) + "\n\n" in c.context
        if 64 <= max_tokens <= split_up_to:  # the lists are split and their lead-ins fit max_tokens // 4
            assert continuing >= 2


def test_nested_lists_carry_outer_and_inner_lead_ins():
    items = "\n\n".join(
        f"({r}) {w} ports and their terminal operators, shipping agents and freight forwarders, "
        f"whether owned by the state or by private persons, and whether or not the port is open "
        f"to foreign vessels under the laws of the country in which it lies;"
        for r, w in (
            ("i", "significantly fail to inspect cargo at"),
            ("ii", "facilitate the transfer of designated vessels through"),
            ("iii", "facilitate prohibited activities described in section 9214 at"),
        )
    )
    text = (
        "§ 99006. Report\n\n(a) In general\n\nThe President shall submit to the appropriate congressional "
        "committees a report\n\n(A) identifying the operators of foreign sea ports and airports that knowingly"
        f"\n\n{items}\n\n(B) describing the compliance of other countries with the resolutions.\n\n(b) Form\n\n"
        "The report shall be submitted in unclassified form."
    )
    chunks, _ = _chunks(text, 120, citation_prefix="22 U.S.C.")
    last = _containing(chunks, "(iii) facilitate prohibited")[0]
    assert (
        "a report\n(A) identifying the operators of foreign sea ports and airports that knowingly\n\n" in last.context
    )
    b_item = _containing(chunks, "(B) describing")[0]
    if b_item.text.startswith("(B)"):  # (B) ends the inner list: only the outer lead-in
        assert "that knowingly" not in b_item.context.split("\n\n")[0]
        assert "a report" in b_item.context.split("\n\n")[0]


def test_prose_is_unaffected_unless_a_paragraph_ends_with_a_colon():
    sentences = " ".join(f"Point {i} of the briefing covers one more exemption in detail." for i in range(12))
    prose = f"# Briefing\n\n## Exemptions\n\nThe exemptions are described below.\n\n{sentences}\n\n{sentences}\n"
    chunks, _ = _chunks(prose, 40)
    assert all("described below" not in c.context for c in chunks if "described below" not in c.text)
    numbered = "# Briefing\n\n## Steps\n\nThe agency took three steps in 2017.\n\n" + "\n".join(
        f"{i}. The agency reviewed licence number {i} and every amendment filed with it, then wrote to the applicant."
        for i in range(1, 7)
    )
    chunks, _ = _chunks(numbered, 40)
    assert all("three steps" not in c.context for c in chunks if "three steps" not in c.text)
    bullets = (
        "# Briefing\n\n## Steps\n\nThe agency took the following steps:\n\n"
        + "\n".join(
            f"- It reviewed licence number {i} and every amendment filed with it, then wrote to the applicant."
            for i in range(1, 7)
        )
        + "\n\nLater the agency published its findings. "
        + sentences
    )
    chunks, _ = _chunks(bullets, 40)
    later = _containing(chunks, "licence number 6")[0]
    assert "following steps" not in later.text and "The agency took the following steps:" in later.context
    after = [c for c in chunks if c.start > later.end]
    assert after and all("following steps" not in c.context for c in after)  # the list has ended


# ---- the lead-in finder -------------------------------------------------------------------------------------
def test_introduces_list():
    assert introduces_list("shall include the following ports:", "The ports of", legal=False)
    assert introduces_list("다음 각 호의 어느 하나에 해당하는 자는 처한다. <개정 2014.3.11>", "제9조", legal=True)
    assert introduces_list("이 법에서 사용하는 용어의 뜻은 다음과 같다.", '"북한"이란', legal=False)
    assert introduces_list("may not regulate, directly or indirectly", "any postal", legal=True)
    assert introduces_list("Congress finds the following", "The Government", legal=True)
    assert not introduces_list("may not regulate, directly or indirectly", "any postal", legal=False)
    assert not introduces_list("The report shall be unclassified.", "any annex", legal=True)
    assert not introduces_list("(c) Enhanced security targeting requirements", "In general", legal=True)
    assert not introduces_list("(i)", "the first clause", legal=True)  # a bare marker adds nothing


def test_find_leadins_scopes_and_letter_i_after_h():
    text = (
        "(h) Other persons\n\nThe President may designate any person that\n\n(1) ships arms; or\n\n"
        "(2) buys coal.\n\n(i) Definitions\n\nIn this section:\n\n(1) The term x means y.\n"
    )
    leads = find_leadins(text, 0, len(text), legal=True)
    assert [text[li.start : li.end] for li in leads] == [
        "The President may designate any person that",
        "In this section:",
    ]
    assert text[leads[0].scope_end :].startswith("(i) Definitions")  # (i) after (h) is a letter: it ends (1)–(2)
    assert leads[1].scope_end == len(text)


def test_find_leadins_korean_items_end_at_the_next_hang():
    art = KR.split("##### 제27조 (벌칙)\n\n")[1]
    leads = find_leadins(art, 0, len(art), legal=True)
    assert len(leads) == 1 and plain(art[leads[0].start : leads[0].end]).startswith("① 다음 각 호의")
    assert art[leads[0].scope_end :].startswith("**②**")


def test_trim_leadin_keeps_the_sentence_that_introduces_the_list():
    text = (
        "기금의 지원 요건은 다음 각 호의 어느 하나와 같으며, 그 밖에 필요한 사항은 기금운용관리규정이 정하는 바에 "
        "따른다."
    )
    cut = trim_leadin(text, 10, whitespace_tokens)  # the clause with the lead-in phrase, not the text's end
    assert cut == "기금의 지원 요건은 다음 각 호의 어느 하나와 같으며, …"
    cut = trim_leadin(text, 6, whitespace_tokens)  # words from the phrase on
    assert cut.startswith("… 다음 각 호의") and whitespace_tokens(cut) <= 6
    long_en = "Not later than 180 days after the date of enactment, the President shall submit a report"
    assert trim_leadin(long_en, 9, whitespace_tokens) == "… the President shall submit a report"
    assert trim_leadin(long_en, 100, whitespace_tokens) == long_en
    assert trim_leadin("Supercalifragilistic", 1, piece_tokens) == ""


# ---- the real shared texts ------------------------------------------------------------------------------------
def _real(shared: Path, pattern: str, max_tokens: int) -> list[Chunk]:
    doc = load_document(Path(glob.glob(str(shared / pattern))[0]))
    settings = ChunkingSettings(max_tokens=max_tokens)
    chunks = chunk_document(doc, settings, whitespace_tokens)
    check_invariants(doc, chunks, settings, whitespace_tokens)
    return chunks


def test_real_lead_ins_reach_the_chunks_that_continue_the_lists(shared_data: Path):
    ch99 = _real(shared_data, "us_law_north_korea/22usc_ch99_*.txt", 60)
    russia = next(c for c in ch99 if "Nakhodka" in c.text and c.label.endswith("§ 9225(b)"))
    assert "specific findings" not in russia.text and "specific findings" in russia.context
    ieepa = _real(shared_data, "us_law_north_korea/50usc_ch35_*.txt", 120)
    travel = next(c for c in ieepa if "incident to travel" in c.text and "§ 1702(b)" in c.label)
    assert "does not include the authority to regulate or prohibit" in travel.context
    kr = _real(shared_data, "kr_law_inter_korean/inter_korean_exchange_and_cooperation_act__act.md", 80)
    art = [c for c in kr if c.label.endswith("제27조제1항")]
    continuing = [c for c in art if "다음 각 호의" not in c.text]
    assert len(art) >= 2 and continuing
    assert all("3년 이하의 징역 또는 3천만원 이하의 벌금에 처한다" in c.context for c in continuing)
