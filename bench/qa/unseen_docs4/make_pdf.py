"""Generate nars-issue-brief-kaesong-firms-compensation.pdf, a 국회입법조사처 「이슈와 논점」-style brief written for
evaluation (see README.md; not authoritative).

Run from anywhere: `.venv/bin/python bench/qa/unseen_docs4/make_pdf.py`. The output is byte-for-byte reproducible
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

OUT = Path(__file__).resolve().parent / "nars-issue-brief-kaesong-firms-compensation.pdf"

TITLE = "개성공단 입주기업 피해지원의 현황과 입법 과제 (이슈와 논점 제2391호)"
SERIF, SANS = "HYSMyeongJo-Medium", "HYGothic-Medium"

# (kind, text): "h1" title, "h2" numbered heading, "p" paragraph, "pt" numbered point, "tbl" a table row, "meta".
BODY: list[tuple[str, str]] = [
    ("meta", "국회입법조사처 | 이슈와 논점 제2391호 | 2025년 8월 14일"),
    ("meta", "외교안보팀 입법조사관 한지우"),
    ("h1", "개성공단 입주기업 피해지원의 현황과 입법 과제"),
    ("h2", "1. 들어가며"),
    ("p", "정부는 2016년 2월 10일 북한의 제4차 핵실험과 장거리 미사일 발사에 대응하여 개성공단의 전면중단을 "
          "결정하였다. 북한은 다음 날인 2월 11일 개성공단을 군사통제구역으로 선포하고 남측 인원을 추방하였으며 "
          "남측 자산을 동결하였다. 이로써 2004년 첫 제품 생산 이후 약 12년간 운영되던 개성공단은 문을 닫았고, "
          "당시 가동 중이던 124개 입주기업은 설비와 원부자재, 완제품을 현지에 남겨 둔 채 철수하였다."),
    ("p", "개성공단은 이전에도 2013년 4월 북한의 일방적인 근로자 철수로 160일간 가동이 중단된 바 있으나, 당시에는 "
          "남북 당국 간 합의로 같은 해 9월 재가동되었다. 이와 달리 2016년의 전면중단은 우리 정부의 결정에 따른 "
          "것으로, 이후 9년이 넘도록 재개 논의가 이루어지지 못하고 있다. 이 글은 입주기업에 대한 피해지원의 "
          "현황을 정리하고, 지원의 법적 근거를 둘러싼 쟁점과 입법 과제를 검토한다."),
    ("h2", "2. 피해지원 현황"),
    ("p", "정부는 전면중단 직후 관계부처 합동대책반을 구성하고, 남북협력기금을 재원으로 경제협력사업 보험금 지급, "
          "특별대출, 피해 실태조사에 따른 지원금 지급을 단계적으로 추진하였다. 경협보험은 기업당 보험금 지급 "
          "한도가 70억 원으로, 보험에 가입하지 않았거나 한도를 넘는 손실은 별도의 지원금으로 보전하였다."),
    ("p", "2025년 6월 말 기준 입주기업 등이 신고한 피해액은 9,456억 원이며, 정부가 회계법인 실사를 거쳐 확인한 "
          "피해액은 7,861억 원이다. 이 가운데 보험금과 지원금을 합하여 5,833억 원이 지급되어 확인 피해액 대비 "
          "지원율은 74.2%이다. 유형별로는 토지·건물·기계설비 등 투자자산 피해의 지원율(67.8%)이 원부자재와 "
          "완제품 등 유동자산 피해의 지원율(84.6%)보다 낮다."),
    ("tbl", "〈표 1〉 개성공단 입주기업 피해 신고·확인·지원 현황 (단위: 억 원, 2025. 6. 30. 기준)"),
    ("tbl", "구분 | 신고 피해액 | 정부 확인 피해액 | 지원액 | 지원율"),
    ("tbl", "투자자산 | 5,688 | 5,088 | 3,450 | 67.8%"),
    ("tbl", "유동자산 | 2,452 | 2,130 | 1,802 | 84.6%"),
    ("tbl", "위약금 등 기타 | 1,316 | 643 | 581 | 90.4%"),
    ("tbl", "합계 | 9,456 | 7,861 | 5,833 | 74.2%"),
    ("p", "입주기업들은 신고액과 확인액의 차이(1,595억 원)가 영업손실과 거래처 위약금 등 간접 피해를 제외한 "
          "결과라며 추가 지원을 요구하고 있다. 또한 2025년 6월 입주기업 단체의 조사에 따르면 응답 기업 108개사 "
          "가운데 19개사가 휴업 또는 폐업 상태이다."),
    ("h2", "3. 쟁점"),
    ("pt", "(1) 지원의 법적 근거. 현행 「개성공업지구 지원에 관한 법률」에는 정부의 결정으로 공단 운영이 중단된 "
           "경우의 손실 보상이나 피해 지원에 관한 규정이 없다. 그간의 지원은 남북협력기금 운용관리규정과 "
           "정부의 정책 결정에 근거한 것이어서, 지원 범위와 기준이 그때그때 달라진다는 비판이 있다."),
    ("pt", "(2) 헌법재판소 결정의 의미. 헌법재판소는 2022년 1월 27일 전면중단 조치에 대한 헌법소원을 재판관 "
           "전원일치 의견으로 기각하였다. 헌법재판소는 이 조치가 공용수용에 해당하지 않아 헌법 제23조 제3항의 "
           "정당한 보상 조항이 적용되지 않는다고 보았으나, 입법자가 입주기업의 손실을 보전하는 제도를 마련하는 "
           "것을 막는 취지는 아니라는 것이 일반적인 해석이다."),
    ("pt", "(3) 재입주 보장과 자산 관리. 북한은 2020년 6월 16일 개성공단 내 남북공동연락사무소 청사를 폭파하였고, "
           "2024년 이후에는 일부 공장에서 남측 설비를 무단으로 가동하는 정황이 위성사진으로 확인되고 있다. "
           "향후 공단이 재개될 경우 기존 입주기업에 우선 입주권을 줄 것인지, 훼손된 자산을 어떻게 평가할 "
           "것인지에 대한 기준이 마련되어 있지 않다."),
    ("h2", "4. 입법 과제"),
    ("p", "제22대 국회에는 2025년 6월 말 현재 개성공단 입주기업 피해지원을 위한 「개성공업지구 지원에 관한 법률」 "
          "일부개정법률안 3건이 외교통일위원회에 계류되어 있다. 개정안들은 공통적으로 정부의 조치로 "
          "개성공업지구 사업이 중단된 경우 통일부장관이 피해를 지원할 수 있도록 하는 근거를 두고 있으나, "
          "지원 대상 손실의 범위와 지원 한도에서 차이가 있다."),
    ("pt", "첫째, 지원 근거를 법률에 명시하되, 간접 피해의 인정 여부와 산정 방식은 시행령에 위임하면서 "
           "위임의 범위를 구체적으로 정할 필요가 있다."),
    ("pt", "둘째, 피해 확인 절차의 신뢰성을 높이기 위해 통일부 소속으로 민간 전문가가 과반수인 피해지원심의위원회를 "
           "두는 방안을 검토할 수 있다. 개정안 중 1건은 위원회를 15명 이내로 구성하도록 하고 있다."),
    ("pt", "셋째, 향후 공단 재개 시 기존 입주기업의 우선 입주를 보장하는 규정을 함께 두어 기업들의 예측 가능성을 "
           "높일 필요가 있다."),
    ("p", "개성공단 입주기업 피해지원은 남북관계의 특수성 속에서 정부 결정에 따른 손실을 누가 어떻게 부담할 "
          "것인가의 문제이다. 헌법재판소 결정 이후 3년 넘게 입법 논의가 진척되지 않은 만큼, 국회 차원의 "
          "공론화가 필요하다."),
]


def build(out: Path = OUT) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont(SERIF))
    pdfmetrics.registerFont(UnicodeCIDFont(SANS))
    body = ParagraphStyle("body", fontName=SERIF, fontSize=10.5, leading=17, spaceAfter=7, firstLineIndent=10)
    point = ParagraphStyle("pt", fontName=SERIF, fontSize=10.5, leading=17, spaceAfter=6, leftIndent=12)
    h1 = ParagraphStyle("h1", fontName=SANS, fontSize=17, leading=24, spaceBefore=6, spaceAfter=12)
    h2 = ParagraphStyle("h2", fontName=SANS, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=6)
    tbl = ParagraphStyle("tbl", fontName=SANS, fontSize=9.5, leading=13, leftIndent=16, spaceAfter=1)
    meta = ParagraphStyle("meta", fontName=SANS, fontSize=9, leading=12, spaceAfter=4)
    story = []
    for kind, text in BODY:
        style = {"h1": h1, "h2": h2, "p": body, "pt": point, "tbl": tbl, "meta": meta}[kind]
        story.append(Paragraph(text, style))
        if kind == "tbl" and text.startswith("합계"):
            story.append(Spacer(1, 8))

    def page_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(SANS, 8.5)
        canvas.drawString(20 * mm, 12 * mm, "국회입법조사처 이슈와 논점 제2391호")
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"- {doc.page} -")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=25 * mm, title=TITLE, author="국회입법조사처")
    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return out


if __name__ == "__main__":
    print(build())
