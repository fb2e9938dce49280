"""Generate nabo-2026-budget-analysis-inter-korean-cooperation-fund.pdf, a 국회예산정책처 예산안 분석-style excerpt
written for evaluation (see README.md; not authoritative).

Run from anywhere: `.venv/bin/python bench/qa/unseen_docs5/make_pdf.py`. The output is byte-for-byte reproducible
(reportlab's invariant mode). Korean text uses reportlab's built-in Korean CID fonts (HYSMyeongJo-Medium,
HYGothic-Medium): nothing is embedded, so no font file is needed, and pypdf extracts the text as Unicode.
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # noqa: E402

OUT = Path(__file__).resolve().parent / "nabo-2026-budget-analysis-inter-korean-cooperation-fund.pdf"

TITLE = "2026년도 예산안 위원회별 분석: 외교통일위원회 — 남북협력기금 운용계획안"
SERIF, SANS = "HYSMyeongJo-Medium", "HYGothic-Medium"

# (kind, text): "h1" title, "h2" numbered heading, "h3" sub-heading, "p" paragraph, "pt" point, "tbl" table row,
# "meta" header line, "note" table note.
BODY: list[tuple[str, str]] = [
    ("meta", "국회예산정책처 | 2026년도 예산안 위원회별 분석 | 2025. 10."),
    ("meta", "예산분석실 행정예산분석과 분석관 정다은"),
    ("h1", "남북협력기금 운용계획안 분석"),
    ("h2", "1. 운용계획안 개요"),
    (
        "p",
        "통일부는 2026년도 남북협력기금 운용계획안에서 사업비를 1조 1,037억 원으로 편성하였다. 이는 2025년도 "
        "계획 1조 1,907억 원보다 870억 원(7.3%) 감액된 규모이다. 사업비 외에 공공자금관리기금 예탁 등 여유자금 "
        "운용을 포함한 기금 운용 총규모는 1조 5,426억 원이며, 정부내부수입인 일반회계 전입금은 1,000억 원으로 "
        "전년과 같다.",
    ),
    (
        "p",
        "남북협력기금은 1990년 「남북협력기금법」 제정 이후 인도적 지원, 이산가족 교류, 경제협력, 사회문화 교류 "
        "등에 사용되어 왔으나, 2016년 개성공단 전면중단과 2020년 남북공동연락사무소 폭파 이후 남북 간 사업이 "
        "사실상 중단되면서 대부분의 사업비가 집행되지 못하고 있다.",
    ),
    ("tbl", "〈표 1〉 2026년도 남북협력기금 사업비 계획안 (단위: 억 원, %)"),
    ("tbl", "구분 | 2024 결산 | 2025 계획 | 2026 계획안 | 증감률"),
    ("tbl", "인도적 문제 해결 | 1,204 | 6,502 | 5,871 | -9.7"),
    ("tbl", "남북 경제협력 | 412 | 4,130 | 3,904 | -5.5"),
    ("tbl", "사회문화 교류 | 38 | 415 | 402 | -3.1"),
    ("tbl", "경협보험·손실보조 | 251 | 860 | 860 | 0.0"),
    ("tbl", "합계 | 1,905 | 11,907 | 11,037 | -7.3"),
    ("note", "주: 증감률은 2025년 계획 대비. 2024년 결산의 경협보험·손실보조는 개성공단 입주기업 보험금 지급분."),
    ("note", "자료: 통일부 제출자료를 바탕으로 국회예산정책처 작성"),
    ("h2", "2. 분석 의견"),
    ("h3", "가. 실집행 가능성을 고려한 사업비 편성 필요"),
    (
        "p",
        "남북협력기금 사업비는 매년 1조 원 이상 편성되지만 실제 집행은 그 일부에 그치고 있다. 2024년에는 사업비 "
        "계획 1조 2,156억 원 가운데 1,905억 원을 집행하여 집행률이 15.7%에 불과하였고, 2020년부터 2024년까지 "
        "5년간 평균 집행률은 11.2%이다. 특히 남북 경제협력 사업은 같은 기간 집행 실적의 대부분이 경협보험금과 "
        "대출 이자 지원이었고, 북한과 직접 관련된 사업의 집행은 거의 없었다.",
    ),
    (
        "p",
        "통일부는 남북관계가 개선될 경우에 대비하여 사업비를 확보해 둘 필요가 있다고 설명한다. 그러나 기금은 "
        "「국가재정법」 제70조에 따라 주요항목 지출금액의 20% 이하 범위에서 국회 의결 없이 변경할 수 있고, "
        "여유자금을 활용할 수도 있으므로, 매년 대규모 사업비를 편성해 두는 것보다는 집행 가능성이 있는 사업 "
        "위주로 편성하고 상황 변화 시 계획을 변경하는 방식이 바람직하다.",
    ),
    ("h3", "나. 국제기구를 통한 인도적 지원 사업의 성과 관리"),
    (
        "p",
        "2026년도 계획안의 인도적 문제 해결 사업 5,871억 원 가운데 국제기구를 통한 지원은 2,980억 원, 민간단체를 "
        "통한 지원은 620억 원, 이산가족 교류 지원은 142억 원이다. 국제기구를 통한 지원은 2024년에 세계식량계획"
        "(WFP)과 유니세프(UNICEF)에 모두 83억 원이 집행되었는데, 북한이 2020년 1월 국경을 봉쇄한 이후 국제기구 "
        "상주 인력이 철수하여 현장 모니터링이 이루어지지 못하고 있다. 통일부는 사업 결과보고서를 받고 있으나 "
        "분배 현장을 확인할 수단이 없으므로, 모니터링이 가능한 사업에 우선 지원하는 등 성과 관리를 강화할 "
        "필요가 있다.",
    ),
    ("h3", "다. 이산가족 교류 지원 사업의 우선순위 조정"),
    (
        "p",
        "이산가족 교류 지원 사업에는 대면 상봉, 화상상봉, 생사확인, 영상편지 제작 등이 포함되어 있다. 대면 "
        "상봉은 2018년 8월 이후 열리지 못하였고, 정부에 등록된 생존 이산가족은 2025년 8월 말 현재 3만 6,942명으로 "
        "이 중 80세 이상이 66.3%를 차지한다. 계획안은 대면 상봉 행사비로 98억 원을 반영하였으나 최근 7년간 "
        "집행 실적이 없으므로, 영상편지 제작과 유전자 검사 등 남측에서 독자적으로 추진할 수 있는 사업의 비중을 "
        "늘릴 필요가 있다.",
    ),
    ("h3", "라. 경협보험 손실보조 재원의 적정성"),
    (
        "p",
        "경협보험·손실보조 사업은 2025년과 같은 860억 원이 편성되었다. 통일부는 개성공단 입주기업에 대한 보험금 "
        "지급이 대부분 완료되었다고 설명하나, 금강산 관광 관련 기업과 내륙 교역기업의 손실보조 신청이 "
        "남아 있으므로 지급 수요를 정확히 추계하여 편성할 필요가 있다.",
    ),
    ("h2", "3. 요약"),
    ("pt", "① 사업비 1조 1,037억 원(전년 대비 7.3% 감액)은 최근 5년 평균 집행률(11.2%)에 비추어 여전히 과다하다."),
    ("pt", "② 국제기구를 통한 인도적 지원은 현장 모니터링이 가능한 사업 위주로 지원해야 한다."),
    ("pt", "③ 이산가족 대면 상봉 행사비보다 남측에서 추진 가능한 사업의 비중을 늘려야 한다."),
]


def build(out: Path = OUT) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont(SERIF))
    pdfmetrics.registerFont(UnicodeCIDFont(SANS))
    body = ParagraphStyle("body", fontName=SERIF, fontSize=10.5, leading=17, spaceAfter=7, firstLineIndent=10)
    point = ParagraphStyle("pt", fontName=SERIF, fontSize=10.5, leading=17, spaceAfter=5, leftIndent=12)
    h1 = ParagraphStyle("h1", fontName=SANS, fontSize=17, leading=24, spaceBefore=6, spaceAfter=12)
    h2 = ParagraphStyle("h2", fontName=SANS, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=6)
    h3 = ParagraphStyle("h3", fontName=SANS, fontSize=11, leading=16, spaceBefore=6, spaceAfter=4)
    tbl = ParagraphStyle("tbl", fontName=SANS, fontSize=9.5, leading=13, leftIndent=16, spaceAfter=1)
    note = ParagraphStyle("note", fontName=SERIF, fontSize=8.5, leading=12, leftIndent=16, spaceAfter=1)
    meta = ParagraphStyle("meta", fontName=SANS, fontSize=9, leading=12, spaceAfter=4)
    styles = {"h1": h1, "h2": h2, "h3": h3, "p": body, "pt": point, "tbl": tbl, "note": note, "meta": meta}
    story = []
    for kind, text in BODY:
        story.append(Paragraph(text, styles[kind]))
        if kind == "note" and text.startswith("자료"):
            story.append(Spacer(1, 8))

    def page_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(SANS, 8.5)
        canvas.drawString(20 * mm, 12 * mm, "2026년도 예산안 위원회별 분석 | 외교통일위원회")
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"{doc.page + 86}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(out),
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=TITLE,
        author="국회예산정책처",
    )
    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return out


if __name__ == "__main__":
    print(build())
