"""Metadata inference for undescribed documents (ingest.infer, ingest.dates): pure functions, hand-written inputs."""

from __future__ import annotations

import pytest

from ingest import infer, load_text
from ingest.dates import find_dates, parse_date
from ingest.infer import (
    first_line_title,
    first_lines_title,
    header_lines,
    html_meta_date,
    html_title,
    infer_date,
    infer_doc_type,
    is_placeholder_title,
    korean_statute_header,
    leading_date,
    public_law_citation,
    title_case_heading,
)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024년 3월 5일", "2024-03-05"),
        ("2024. 3. 5.", "2024-03-05"),
        ("2024.03.05", "2024-03-05"),
        ("5 March 2024", "2024-03-05"),
        ("5th of March, 2024", "2024-03-05"),
        ("March 5, 2024", "2024-03-05"),
        ("Mar. 5, 2024", "2024-03-05"),
        ("Tuesday, March 5th, 2024", "2024-03-05"),
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T23:30:00-05:00", "2024-03-05"),
        ("Tue, 05 Mar 2024 09:00:00 GMT", "2024-03-05"),
        ("2024/03/05", "2024-03-05"),
        ("February 2019", "2019-02"),
        ("2019년 2월", "2019-02"),
        ("2024-02-30", None),
        ("2019-13", None),
        ("March 5", None),
        ("1234.56", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_written_forms(raw, iso):
    assert parse_date(raw) == iso


def test_find_dates_reports_full_dates_in_order_and_skips_months_alone():
    text = "In March 2024 the panel ended. [시행 2016. 9. 4.] [법률 제14070호, 2016. 3. 3., 제정] then 22 December 2017"
    assert [d.iso for d in find_dates(text)] == ["2016-09-04", "2016-03-03", "2017-12-22"]
    d = find_dates("Issued in Seoul, 14 August 2025.")[0]
    assert "Issued in Seoul, 14 August 2025."[d.start : d.end] == "14 August 2025"
    assert find_dates("version 3.2.1 of 2024 rules, section 2024.13.40") == []


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("# Joint Statement\n\nIssued in Seoul, 14 August 2025.\n\nThe two governments agreed.", "2025-08-14"),
        (
            "Resolution 9999 (2031)\nAdopted by the Security Council at its 9999th meeting, on 3 June 2031\n\n"
            "1. Condemns the launch conducted on 28 May 2031;",
            "2031-06-03",
        ),
        ("Executive Order 99999 of January 15, 2030\nExample Title\n\nSection 1. Policy.", "2030-01-15"),
        ("# A commentary\n\nBy Jane Park and Tom Lee | March 5, 2024\n\n## First part\n\nText.", "2024-03-05"),
        ("북한, 미사일 발사\n입력 2024.03.05. 오후 2:00\n\n합동참모본부는 2024년 3월 4일 발표했다.", "2024-03-05"),
        ("Quarterly review\nFebruary 2019\n\nText.", "2019-02"),
    ],
)
def test_leading_date_reads_the_header_block(text, iso):
    assert leading_date(text) == iso


def test_dates_in_the_body_are_events_not_the_documents_date():
    # a U.S. Code chapter: the header has no date; the 1953 armistice is in § 9201's text
    usc = (
        "Title 22 - FOREIGN RELATIONS\nCHAPTER 99 - EXAMPLE (22 U.S.C. 9201 et seq.)\n\n§ 9201. Findings\n\n"
        "(A) unilaterally withdrawn from the Agreement, signed at Panmunjom July 27, 1953;"
    )
    assert header_lines(usc) == ["Title 22 - FOREIGN RELATIONS", "CHAPTER 99 - EXAMPLE (22 U.S.C. 9201 et seq.)"]
    assert leading_date(usc) is None
    # a text that opens with a paragraph has no header block
    assert leading_date("The armistice was signed on July 27, 1953 at Panmunjom after two years of talks. " * 4) is None
    # a Korean statute body: the date inside 제2조 is not the statute's date
    assert leading_date("예시법\n\n제1조(목적) 이 법은 2030년 3월 1일부터 시작된 사업을 정한다.") is None
    # past the line budget
    many = "\n".join(f"Line {i} of the header" for i in range(20)) + "\nMarch 5, 2024"
    assert leading_date(many) is None


def test_korean_statute_header_takes_the_promulgation_date():
    text = "북한인권법\n[시행 2016. 9. 4.] [법률 제14070호, 2016. 3. 3., 제정]\n통일부(인권인도실)\n\n제1조(목적) …"
    header = korean_statute_header(text)
    assert header is not None
    assert (header.promulgated, header.effective, header.kind, header.number) == (
        "2016-03-03",
        "2016-09-04",
        "법률",
        "14070",
    )
    assert header.date == "2016-03-03" == infer_date(text)
    assert header.as_metadata() == {
        "공포일자": "2016-03-03",
        "시행일자": "2016-09-04",
        "법령구분": "법률",
        "공포번호": "14070",
    }
    only_effective = korean_statute_header("예시법 시행령\n[시행 2031.1.1.]\n\n제1조(목적) …")
    assert only_effective is not None and only_effective.date == "2031-01-01"
    decree = korean_statute_header("x\n[시행 2026. 1. 2.] [대통령령 제35947호, 2025. 12. 30., 타법개정]\n")
    assert decree is not None and (decree.kind, decree.date) == ("대통령령", "2025-12-30")
    assert korean_statute_header("제1조(목적) 이 법은 …") is None


def test_infer_date_order_meta_then_labelled_line_then_header():
    body = "# Title\n\nBy A. Writer | May 12, 2031\n\n**Date:** April 8, 2031\n"
    assert infer_date(body, html_meta={"article:published_time": "2031-04-01T09:00:00Z"}) == "2031-04-01"
    assert infer_date(body) == "2031-04-08"  # a labelled Date: line beats the byline
    assert infer_date(body.replace("**Date:** April 8, 2031\n", "")) == "2031-05-12"
    assert infer_date("No date anywhere.\n\nJust text.") is None


def test_html_meta_date_prefers_the_most_specific_tag():
    meta = {
        "date": "2020-01-01",
        "citation_publication_date": "2031/04/09",
        "article:published_time": "garbage",
        "og:site_name": "X",
    }
    assert html_meta_date(meta) == "2031-04-09"  # an unparsable value is skipped
    assert html_meta_date({"DC.date": "2019-02-20"}) == "2019-02-20"  # keys are case-insensitive
    assert html_meta_date({"description": "Analysis of enforcement gaps"}) is None


@pytest.mark.parametrize(
    ("title", "h1", "meta", "expected"),
    [
        (
            "Why Enforcement Is Slipping | Center for Policy Studies",
            "Why Enforcement Is Slipping",
            {},
            "Why Enforcement Is Slipping",
        ),
        (
            "Center for Policy Studies - Why Enforcement Is Slipping",
            "Why Enforcement Is Slipping",
            {},
            "Why Enforcement Is Slipping",
        ),
        ("Seminar on the peace economy", "Experts discuss sanctions exemptions", {}, "Seminar on the peace economy"),
        ("Why sanctions fail | News", "News", {}, "Why sanctions fail | News"),  # the <h1> is the site's short name
        ("Why sanctions fail – Example Institute", None, {"og:site_name": "Example Institute"}, "Why sanctions fail"),
        ("Why sanctions fail – Example Institute", None, {"og:title": "Why sanctions fail"}, "Why sanctions fail"),
        ("Korea - US Relations", None, {}, "Korea - US Relations"),  # no evidence of a site name: kept
        ("Kim’s “new” line — Example Review", 'Kim\'s "new" line', {}, 'Kim\'s "new" line'),  # typography differs
        (None, "Only a heading", {}, "Only a heading"),
        (None, None, {}, None),
    ],
)
def test_html_title(title, h1, meta, expected):
    assert html_title(title, h1, meta) == expected


@pytest.mark.parametrize(
    ("title", "placeholder"),
    [
        ("untitled", True),
        ("Untitled Document", True),
        ("Microsoft Word - draft3.docx", True),
        ("Document1", True),
        ("draft_final_v2.pdf", True),
        ("C:\\Users\\x\\report", True),
        ("PowerPoint Presentation", True),
        ("", True),
        (None, True),
        ("2019", True),
        ("제목 없음", True),
        ("Sanctions exemptions briefing", False),
        ("北 인권 보고서", False),
        ("Public Law 116-92", False),
    ],
)
def test_is_placeholder_title(title, placeholder):
    assert is_placeholder_title(title) is placeholder


def test_first_lines_title_joins_a_wrapped_heading_and_stops_at_the_body():
    text = (
        "PUBLIC LAW 116-92 - OTTO WARMBIER BRINGING NORTH KOREA'S\nREPRESSIVE OPPRESSION TO JUSTICE ACT OF 2019\n"
        "SEC. 7111. SHORT TITLE.\nThis subtitle may be cited as …"
    )
    assert first_lines_title(text) == (
        "Public Law 116-92 - Otto Warmbier Bringing North Korea's Repressive Oppression to Justice Act of 2019"
    )
    # running heads skipped; a mixed-case title continues over a line ending in a connecting word only
    assert (
        first_lines_title(
            "3\nhttps://example.org/report\nSanctions and the peace economy in the\n"
            "Korean Peninsula\nA report by the institute\n"
        )
        == "Sanctions and the peace economy in the Korean Peninsula"
    )
    assert first_lines_title("SEC. 1. SHORT TITLE.\nThis Act …") is None
    assert first_lines_title("A paragraph " * 30) is None


def test_title_case_heading_keeps_acronyms_and_numbers():
    assert (
        title_case_heading("NORTH KOREA SANCTIONS REVIEW: A BRIEFING FOR THE DPRK AND UN (22 U.S.C. 9201)")
        == "North Korea Sanctions Review: A Briefing for the DPRK and UN (22 U.S.C. 9201)"
    )


def test_first_line_title_for_plain_text():
    assert (
        first_line_title("Friday, December 5, 2025\n\nNorth Korea promotes a resort\n\nText")
        == "North Korea promotes a resort"
    )  # a bare date is not a title
    assert (
        first_line_title(
            "Example Institute A Nation Must Think Why Talks Stalled, And What Next?\n"
            "Why Talks Stalled, And What Next?\n\nBody."
        )
        == "Why Talks Stalled, And What Next?"
    )
    assert first_line_title("# Heading\n\nBody") == "Heading"
    assert (
        first_line_title("FOR IMMEDIATE RELEASE\nMarch 5, 2031\n\nMinistry welcomes talks\n\nText")
        == "Ministry welcomes talks"
    )
    assert first_line_title("보도자료\n\n통일부, 이산가족 상봉 추진\n\n본문") == "통일부, 이산가족 상봉 추진"
    assert first_line_title("x " * 100) is None


def _turns(n: int) -> str:
    return "\n\n".join(f"{'SENATOR KIM' if i % 2 else 'AMB. LEE'}: Point number {i}." for i in range(n))


@pytest.mark.parametrize(
    ("text", "title", "meta", "doc_type"),
    [
        ("PUBLIC LAW 999-1 - EXAMPLE ACT\nSEC. 1. SHORT TITLE.\nThis Act …", "Example", None, "law"),
        ("An Act to provide for example cooperation.\n\nSection 1. Short title.\nThis Act …", "x", None, "law"),
        ("SEC. 101. FINDINGS.\nCongress finds …\nSEC. 102. POLICY.\nIt is the policy …", "x", None, "law"),
        ("예시법\n[시행 2031. 1. 1.] [법률 제1호, 2030. 7. 1., 제정]\n\n제1조(목적) 이 법은 …", "예시법", None, "law"),
        ("제1조(목적) …\n제2조(정의) …\n제3조(적용) …", "예시법", None, "law"),
        ("Executive Order 99999 of January 15, 2030\nTitle\n\nSection 1. Policy.", "Example", None, "order"),
        (
            "By the authority vested in me as President by the Constitution, I hereby order:\n\nSection 1. X.",
            "x",
            None,
            "order",
        ),
        (_turns(6), "Hearing", None, "transcript"),
        (
            "Public Law 116-92 explained: what the act changes for sanctions.\n\nThe law passed in 2019.",
            "x",
            None,
            "other",
        ),  # opens with a law's name but has no sections: not the law itself
        ("A short page.", "x", {"og:type": "article"}, "article"),
        ("A short page.", "x", {"og:type": "website"}, "other"),
    ],
)
def test_infer_doc_type_from_structure_cues(text, title, meta, doc_type):
    assert infer_doc_type(text, title, meta) == doc_type


def test_public_law_citation():
    assert public_law_citation("Public Law 116-92 - Otto Warmbier Act") == "Pub. L. 116-92"
    assert public_law_citation("untitled", "P.L. 115–44\nCountering America's Adversaries") == "Pub. L. 115-44"
    assert public_law_citation("Why Public Law 116-92 matters", "Commentary\n\nPublic Law 116-92 …") is None


# ---- mastheads, two-column headers, law.go.kr short titles, field labels that are not speakers ----------------


def test_headline_after_a_press_release_masthead():
    text = (
        "U.S. DEPARTMENT OF THE TREASURY\nPress Releases\n\nFOR IMMEDIATE RELEASE\nJuly 24, 2025\n\n"
        "Treasury Sanctions Network Generating Revenue Through IT Workers\n\n"
        "WASHINGTON — Today, the Department of the Treasury sanctioned three individuals."
    )
    assert infer.first_line_title(text) == "Treasury Sanctions Network Generating Revenue Through IT Workers"


def test_a_two_column_document_header_is_not_the_title():
    text = (
        "United Nations                          S/RES/2397 (2017)\n\n"
        "Security Council                        Distr.: General\n"
        "                                        22 December 2017\n\n"
        "Resolution 2397 (2017)\n\nAdopted by the Security Council at its 8151st meeting, on 22 December 2017\n"
    )
    assert infer.is_layout_line("United Nations                          S/RES/2397 (2017)")
    assert infer.first_line_title(text) == "Resolution 2397 (2017)"


def test_a_title_before_its_dateline_stays_the_title():
    text = "Hearing on North Korea Policy — Transcript\nJune 12, 2025\n\nSENATOR HARRIS: The subcommittee will come to order."
    assert infer.first_line_title(text) == "Hearing on North Korea Policy — Transcript"


def test_a_short_title_then_its_date_and_venue():
    # a speech: title, date, venue — no masthead (agency in capitals, release label, column header) before the date
    text = "제79주년 광복절 경축사\n\n2024년 8월 15일\n서울 세종문화회관 대극장\n\n존경하는 국민 여러분,\n"
    assert infer.first_line_title(text) == "제79주년 광복절 경축사"
    text = "Remarks by the Minister\nMarch 3, 2025\nSeoul Foreign Correspondents' Club\n\nThank you all."
    assert infer.first_line_title(text) == "Remarks by the Minister"


def test_law_go_kr_short_title_becomes_the_citation_prefix():
    text = (
        "군사정전에 관한 협정 체결 이후 납북피해자의 보상 및 지원에 관한 법률 ( 약칭: 납북피해자보상법 )\n"
        "[시행 2024. 7. 10.] [법률 제19528호, 2023. 7. 9., 일부개정]\n\n"
        "제1조(목적) 이 법은 납북피해자의 보상을 목적으로 한다.\n제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다.\n"
        "제3조(다른 법률과의 관계) 이 법은 다른 법률에 우선한다.\n"
    )
    assert infer.first_line_title(text) == "군사정전에 관한 협정 체결 이후 납북피해자의 보상 및 지원에 관한 법률"
    assert infer.korean_short_title(text) == "납북피해자보상법"
    doc = load_text(text, doc_id="kr")
    assert doc.metadata["citation_prefix"] == "납북피해자보상법" and doc.doc_type == "law"


def test_field_labels_in_an_annex_do_not_make_a_transcript():
    preamble = "\n\n".join(
        f"Recalling its resolution {n} and the statements made on that occasion by its President, "
        f"and expressing concern at the launches in violation of its decisions number {n}."
        for n in range(1, 8)
    )
    annex = "\n\n".join(
        f"Description: Person {i} is a bank representative in Dandong.\nDate of birth: 1 May 1970; Nationality: DPRK"
        for i in range(6)
    )
    assert not infer.is_transcript(preamble + "\n\n" + annex)
    turns = "\n\n".join(
        f"{who}: Remarks number {i} on enforcement." for i, who in enumerate(["SENATOR HARRIS", "AMB. MILLER"] * 4)
    )
    assert infer.is_transcript("Hearing\n\n" + turns)


def test_a_bare_time_line_is_not_a_title():
    assert infer.is_running_head("1:14 p.m. EDT") and infer.is_running_head("14:00~16:30")
    assert (
        infer.first_line_title("1:14 p.m. EDT\n\nDepartment Press Briefing\n\nMR MILLER: Good afternoon.")
        == "Department Press Briefing"
    )


# ---- bills, UN meeting records, recorded conversations ----------------------------------------------------------

BILL = (
    "119th CONGRESS\n  1st Session\n\n                                H. R. 4127\n\n"
    "To impose sanctions with respect to persons who facilitate the employment of\n  North Korean workers.\n\n"
    "    IN THE HOUSE OF REPRESENTATIVES\n\n"
    "SECTION 1. SHORT TITLE.\n\n    This Act may be cited as the ``North Korean Remote Worker Fraud\n"
    "Prevention Act of 2025''.\n\nSEC. 2. FINDINGS.\n\n    Congress finds the following.\n"
)


def test_a_bill_is_titled_and_cited_by_its_number():
    assert infer.bill_number(BILL) == "H.R. 4127"
    assert infer.bill_title(BILL) == "H.R. 4127, North Korean Remote Worker Fraud Prevention Act of 2025"
    assert infer.bill_number("118th CONGRESS\n2d Session\nS. 12\n\nAN ACT\n") == "S. 12"
    assert infer.bill_number("H. R. 4127 would require platforms to verify identities.") is None  # an article


def test_a_un_meeting_record_is_titled_by_its_symbol_and_is_a_transcript():
    text = (
        "United Nations                                S/PV.9872\nSecurity Council\nEightieth year\n\n"
        "9872nd meeting\nMonday, 2 June 2025, 10 a.m.\nNew York\n\n"
        "Members:  China .............................. Mr. Liang Wen\n\n"
        "The President: I invite the representatives to participate in this meeting.\n\n"
        "Mr. Adeyemi: Since the Council last met, the country launched 11 missiles.\n\n"
        "It also continued construction at the nuclear complex, as the report describes in detail.\n\n"
        "The President: I thank Mr. Adeyemi for his briefing.\n\n"
        "Mr. Kim Sang-jin (Republic of Korea): My delegation condemns the launches in the strongest terms.\n\n"
        "The launches violate the resolutions, and the Council must respond to them together.\n\n"
        "Mr. Polyakov (Russian Federation): My delegation cannot agree with this one-sided assessment.\n\n"
        "The President: The meeting rose at 12.40 p.m.\n"
    )
    assert infer.is_layout_line("China .............................. Mr. Liang Wen")
    assert infer.meeting_record_title(text) == "Security Council, 9872nd meeting (S/PV.9872)"
    assert infer.infer_doc_type(text, "x") == "transcript"


def test_turns_after_a_timestamp_are_speaker_turns():
    text = (
        "THE PENINSULA BRIEF\nEpisode 142\n\n[00:00:04] DANA OKAFOR: Welcome to the podcast.\n\n"
        "[00:00:31] MARCUS LINDQVIST: Thanks, Dana.\n\n[00:00:34] DANA OKAFOR: How many workers are there?\n\n"
        "[00:00:38] MARCUS LINDQVIST: Nobody knows precisely.\n"
    )
    assert infer.infer_doc_type(text, "x") == "transcript"


def test_a_un_document_is_titled_after_its_agenda_item_with_its_symbol():
    text = (
        "United Nations                                   A/80/275\n\n"
        "General Assembly                                 Distr.: General\n"
        "                                                 28 July 2025\n\n"
        "                                                 Original: English\n\n"
        "Eightieth session\nItem 71 (c) of the provisional agenda\n"
        "Promotion and protection of human rights: human rights situations and reports of special rapporteurs and\n"
        "representatives\n\n"
        "Situation of human rights in the Democratic People's Republic of Korea\n\n"
        "Note by the Secretary-General\n"
    )
    assert (
        infer.un_document_title(text)
        == "Situation of human rights in the Democratic People's Republic of Korea (A/80/275)"
    )
    assert infer.un_document_title("Resolution 2397 (2017)\n\nAdopted by the Security Council") is None


def test_a_federal_register_document_is_titled_by_the_line_before_agency():
    text = (
        "DEPARTMENT OF THE TREASURY\n\nOffice of Foreign Assets Control\n\n31 CFR Part 510\n\n"
        "Publication of North Korea Sanctions Regulations General License No. 14\n\n"
        "AGENCY: Office of Foreign Assets Control, Treasury.\n\nACTION: Publication of a general license.\n"
    )
    assert (
        infer.federal_register_title(text) == "Publication of North Korea Sanctions Regulations General License No. 14"
    )
    assert infer.federal_register_title("AGENCY: none here\n") is None
