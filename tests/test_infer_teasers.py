"""Titles of web pages saved as text whose top holds teasers of other stories (`ingest.infer.article_headline`):
the article's own headline, not the first teaser; documents without teasers keep the title they had."""

from __future__ import annotations

from ingest import load_text
from ingest.infer import article_headline, first_line_title

TEASERS = """Seoul weighs new aid package for flood-hit border towns
The unification ministry said it would decide on the package by the end of the month.
Russian tourists return to Wonsan beach resort
A second charter flight from Vladivostok landed on Tuesday, state media reported.
"""

BODY = """By Jane Park
August 19, 2025

North Korea has opened talks with a Chinese shipping firm about a ferry line to Rason, officials said.

The talks follow a year of growing trade across the Tumen River, where a new bridge opened in May.
"""


def lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def test_a_repeated_headline_after_teasers_is_the_title():
    page = TEASERS + "Economy | Pyongyang eyes ferry line to Rason\nPyongyang eyes ferry line to Rason\n" + BODY
    assert first_line_title(page) == "Pyongyang eyes ferry line to Rason"


def test_a_section_prefixed_headline_after_teasers_is_the_title_without_its_section():
    page = TEASERS + "Economy | Pyongyang eyes ferry line to Rason\n" + BODY
    assert first_line_title(page) == "Pyongyang eyes ferry line to Rason"


def test_a_section_line_above_the_headline():
    page = TEASERS + "NORTH KOREA\nPyongyang eyes ferry line to Rason\n" + BODY
    assert first_line_title(page) == "Pyongyang eyes ferry line to Rason"


def test_teaser_pairs_then_a_headline_followed_by_its_byline_and_date():
    page = TEASERS + "Pyongyang eyes ferry line to Rason\n" + BODY
    assert first_line_title(page) == "Pyongyang eyes ferry line to Rason"
    updated = (
        TEASERS + "Pyongyang eyes ferry line to Rason\nUpdated Aug. 19, 2025 10:32 KST\n" + BODY.split("\n\n", 1)[1]
    )
    assert first_line_title(updated) == "Pyongyang eyes ferry line to Rason"
    no_mark = TEASERS + "Pyongyang eyes ferry line to Rason\n" + BODY.split("\n\n", 1)[1]
    assert first_line_title(no_mark) == "Seoul weighs new aid package for flood-hit border towns"  # nothing to go by


def test_korean_page_with_teasers():
    page = (
        "통일부, 수해 접경지역 지원 검토\n통일부는 이달 말까지 지원 여부를 결정하겠다고 밝혔다.\n"
        "원산 해변 리조트에 러시아 관광객 다시 찾아\n블라디보스토크발 두 번째 전세기가 화요일 도착했다고 관영매체가 보도했다.\n"
        "경제 | 북한, 라선 여객선 항로 추진\n"
        "김민수 기자\n2025년 8월 19일\n\n북한이 중국 해운사와 라선 여객선 항로 개설을 논의하고 있다고 관계자들이 밝혔다.\n"
    )
    assert first_line_title(page) == "북한, 라선 여객선 항로 추진"


def test_pages_without_teasers_keep_their_first_line():
    article = "Pyongyang eyes ferry line to Rason\nA new route would link the port to Chinese buyers.\n" + BODY
    assert first_line_title(article) == "Pyongyang eyes ferry line to Rason"
    report = (
        "Sanctions Enforcement in Northeast Asia\nA review of the panel's findings, 2019 to 2024.\n"
        "Background and Methods\nThe panel documented ship-to-ship transfers in every year under review.\n"
        "Findings on Coal Exports\nCoal left Nampo on ships that switched off their transponders.\n"
    )
    assert first_line_title(report) == "Sanctions Enforcement in Northeast Asia"
    assert article_headline(lines("Title Of A Memo Here\nShort.\nAnother Line Of Text\n")) is None


def test_the_loader_titles_such_a_page_by_its_own_headline():
    page = TEASERS + "Economy | Pyongyang eyes ferry line to Rason\n" + BODY
    doc = load_text(page, doc_id="news-wire-rason-ferry")
    assert doc.title == "Pyongyang eyes ferry line to Rason"
    assert doc.date == "2025-08-19"
