"""Quoted lists keep their item numbers and say how many items were left out (real statute text, no model)."""

from __future__ import annotations

from pathlib import Path

from answer_fixtures import TinyIndex, passage

from app.answer.extractive import introduces_list, list_after, omitted
from app.answer.pipeline import answer
from app.answer.sentences import split_units, unescape_markdown
from app.answer.types import AnswerSentence
from app.settings import Settings
from app.web.render import sentence_html

# 남북협력기금법 제8조 as law.go.kr's markdown export prints it (escaped item numbers, an amendment note)
FUND_USES = (
    "##### 제8조 (기금의 용도)\n\n"
    "기금은 다음 각 호의 어느 하나에 해당하는 용도에 사용한다. <개정 2010.3.26, 2023.3.28, 2024.1.16>\n\n"
    "  1\\. 남북한 주민의 남북 간 왕래에 필요한 비용의 전부 또는 일부의 지원\n"
    "  2\\. 환경, 통계, 학술, 과학기술, 정보통신, 문화, 체육, 관광, 보건의료 분야 등의 협력사업에 필요한 자금의 지원\n"
    "  3\\. 교역 및 경제 분야 협력사업을 촉진하기 위한 보증 및 자금의 융자, 그 밖에 필요한 지원\n"
    "  4\\. 교역 및 경제 분야 협력사업 추진 중 경영 외적인 사유로 인하여 발생하는 손실을 보상하기 위한 보험\n"
    "  5\\. 남북교류ㆍ협력을 촉진하기 위하여 자금을 융자하는 금융기관에 대한 자금지원\n"
    "  6\\. 그 밖에 남북교류ㆍ협력을 증진하기 위한 사업의 지원\n"
    "  7\\. 차입금의 원리금 상환\n"
    "  8\\. 기금의 조성ㆍ운용 및 관리를 위한 경비의 지출\n"
)


def test_items_keep_their_numbers_and_the_lead_in_introduces_them():
    units = split_units(FUND_USES)
    items = [u for u in units if unescape_markdown(u.text)[:2] in {f"{n}." for n in range(1, 9)}]
    assert len(items) == 8  # every item keeps its number
    lead = next(i for i, u in enumerate(units) if introduces_list(u, FUND_USES))
    assert units[lead].text.startswith("기금은 다음 각 호")
    listed = list_after(units, lead)
    assert len(listed) == 8
    assert omitted(listed, units[lead].start, listed[2].end) == 5
    assert omitted(listed, units[lead].start, listed[-1].end) == 0


def test_a_quoted_list_marks_the_items_left_out():
    index = TinyIndex([passage("fund#8", "fund_act", FUND_USES, "남북협력기금법 제8조", language="ko", doc_type="law")])
    result = answer("남북협력기금은 다음 각 호의 어느 용도에 사용하나요?", index=index, settings=Settings())
    assert not result.abstained
    first = result.sentences[0]
    assert "1\\. 남북한" in first.text  # verbatim quote, number kept
    assert first.omitted_items == 8 - 3 and "(… 5 more items)" in result.text
    assert "1. 남북한" in result.text  # shown without the markdown escape
    html = sentence_html(first)
    assert "… 5 more items" in html and "1. 남북한" in html


def test_sentence_without_omitted_items_has_no_mark():
    html = sentence_html(AnswerSentence(text="The fund pays travel costs.", citations=[1], supported=True))
    assert "more item" not in html


def test_the_real_statute_file_keeps_item_numbers():
    path = (
        Path(__file__).resolve().parents[2]
        / "shared/data/kr_law_inter_korean/inter_korean_cooperation_fund_act__act.md"
    )
    if not path.exists():  # the shared data folder is beside the checkout
        return
    text = path.read_text(encoding="utf-8")
    article = text[text.index("##### 제8조") : text.index("##### 제9조")]
    numbered = [u for u in split_units(article) if unescape_markdown(u.text)[:2].rstrip(".").isdigit()]
    assert len(numbered) == 8
