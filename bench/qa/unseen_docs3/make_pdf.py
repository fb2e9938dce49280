"""Generate unification-white-paper-2025-ch5.pdf, a 통일백서-style chapter written for evaluation (see README.md).

Run from anywhere: `.venv/bin/python bench/qa/unseen_docs3/make_pdf.py`. The output is byte-for-byte reproducible
(reportlab's invariant mode). Korean text uses reportlab's built-in Korean CID fonts (HYSMyeongJo-Medium,
HYGothic-Medium with the UniKS-UCS2-H encoding): nothing is embedded, so no font file is needed, and pypdf extracts
the text as Unicode.
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

OUT = Path(__file__).resolve().parent / "unification-white-paper-2025-ch5.pdf"

TITLE = "2025 통일백서 제5장 이산가족 등 인도적 문제 해결"
SERIF, SANS = "HYSMyeongJo-Medium", "HYGothic-Medium"

# (kind, text): "h1" chapter title, "h2" section (절), "h3" numbered heading, "p" paragraph, "tbl" a table row
# (monospaced-looking, one line), "box" a boxed note line, "meta" cover lines.
BODY: list[tuple[str, str]] = [
    ("meta", "통일부 | 2025 통일백서"),
    ("h1", "제5장 이산가족 등 인도적 문제 해결"),
    ("p", "정부는 남북관계의 상황과 관계없이 이산가족, 납북자·국군포로·억류자 문제 등 인도적 사안을 일관되게 "
          "해결해 나간다는 원칙을 유지하였다. 2024년에는 북한이 남북관계를 '적대적 두 국가 관계'로 규정하고 "
          "남북 간 연락채널에 일절 응답하지 않으면서 당국 차원의 협의는 이루어지지 못하였다. 정부는 이러한 "
          "여건에서도 국내에서 할 수 있는 조치를 확대하는 데 주력하였다."),
    ("h2", "제1절 이산가족 문제 해결"),
    ("h3", "1. 이산가족 현황"),
    ("p", "2025년 6월 30일 기준 이산가족정보통합시스템에 등록된 이산가족은 총 133,984명이며, 이 가운데 생존자는 "
          "36,912명으로 전체 등록자의 27.5%에 불과하다. 사망자는 97,072명에 이른다. 2024년 한 해 동안에만 "
          "2,950명의 등록 이산가족이 세상을 떠났으며, 이는 하루 평균 8명꼴이다."),
    ("p", "생존 이산가족의 고령화도 빠르게 진행되고 있다. 생존자 가운데 90세 이상이 31.2%, 80대가 38.5%로 "
          "80세 이상 고령자가 전체의 69.7%를 차지하며, 70대는 18.7%, 69세 이하는 11.6%이다. 거주 지역별로는 "
          "경기(26.4%)와 서울(22.1%)이 절반 가까이를 차지한다."),
    ("tbl", "〈표 5-1〉 이산가족 등록 현황 (단위: 명, 2025. 6. 30. 기준)"),
    ("tbl", "구분 | 총 등록자 | 생존자 | 사망자"),
    ("tbl", "2022년 말 | 133,654 | 43,746 | 89,908"),
    ("tbl", "2023년 말 | 133,903 | 39,823 | 94,080"),
    ("tbl", "2025년 6월 말 | 133,984 | 36,912 | 97,072"),
    ("h3", "2. 이산가족 실태조사"),
    ("p", "정부는 「남북 이산가족 생사확인 및 교류 촉진에 관한 법률」에 따라 이산가족 실태조사를 실시하고 있다. "
          "2024년 7월부터 11월까지 실시된 제4차 이산가족 실태조사는 생존 이산가족 전원에게 조사 안내문을 "
          "발송하고, 그 가운데 5,000명을 표본으로 선정하여 심층 면접조사를 병행하였다. 조사 결과는 2025년 "
          "2월 공표되었다."),
    ("p", "조사 결과 응답자들이 가장 희망하는 교류 방식은 '전면적 생사확인'(77.6%)이었고, '고향 방문'(51.2%), "
          "'대면상봉'(44.9%), '화상상봉'(23.5%)이 뒤를 이었다(복수응답). 응답자의 64.8%는 북한에 있는 가족의 "
          "생사를 아직 확인하지 못했다고 답하였으며, 생사를 확인한 응답자 중에서는 민간 경로를 통한 확인이 "
          "정부 경로보다 많았다."),
    ("h3", "3. 상봉 및 교류 실적"),
    ("p", "1985년 남북 이산가족 고향방문단 교환 이후 2018년까지 당국 차원의 대면상봉은 총 21차례 이루어졌다. "
          "마지막 대면상봉인 제21차 상봉행사는 2018년 8월 20일부터 26일까지 금강산에서 두 차례로 나뉘어 "
          "열렸으며, 남북 양측에서 모두 170가족이 만났다. 2005년부터 2007년까지는 일곱 차례의 화상상봉을 "
          "통해 557가족 3,748명이 화면으로 가족을 만났으나, 그 이후 화상상봉은 재개되지 못하였다."),
    ("p", "민간 차원의 교류도 크게 위축되었다. 2024년 정부가 교류경비를 지원한 민간 차원의 생사확인은 "
          "14건, 서신교환은 9건이었으며, 민간 차원의 상봉은 한 건도 이루어지지 않았다. 제3국을 통한 교류는 "
          "북한의 국경 통제 강화로 사실상 중단된 상태이다."),
    ("h3", "4. 이산가족 교류 기반 마련"),
    ("p", "정부는 상봉이 재개될 경우에 대비하고 이산가족의 기록을 남기기 위한 사업을 지속하였다. 2024년에는 "
          "영상편지 800편을 새로 제작하여 누적 25,112편이 되었으며, 유전자 검사는 1,215명이 새로 참여하여 "
          "누적 참여자가 27,480명에 이르렀다. 유전자 검사 결과는 통일 이후 또는 상봉 재개 시 가족 관계 확인에 "
          "활용된다."),
    ("p", "아울러 정부는 노후화된 화상상봉장을 정비하여 전국 13개소를 화상상봉센터로 재지정하는 작업을 "
          "추진하였다. 2025년 3월 개정된 시행령은 화상상봉센터를 시·도별로 1개소 이상 두도록 하였으며, 이 "
          "규정은 2025년 9월부터 시행된다."),
    ("p", "2023년 법 개정으로 추석 전전날이 '이산가족의 날'로 지정됨에 따라, 정부는 2024년 9월 15일 제2회 "
          "이산가족의 날 기념식을 개최하였다. 기념식에서 정부는 북한에 대해 이산가족 생사확인과 서신교환부터 "
          "조속히 시작할 것을 촉구하였다."),
    ("h2", "제2절 납북자·국군포로·억류자 문제"),
    ("p", "6·25전쟁 이후 북한에 납치되어 돌아오지 못한 전후 납북자는 516명으로 파악된다. 국군포로의 경우 "
          "1994년 고(故) 조창호 중위의 귀환 이후 모두 80명이 스스로 탈북하여 귀환하였으며, 2025년 6월 기준 이 중 "
          "생존자는 8명이다. 또한 2013년 이후 북한에 억류된 우리 국민은 6명으로, 정부는 이들의 생사조차 "
          "확인하지 못하고 있다."),
    ("p", "정부는 2024년 통일부 내에 납북자·국군포로·억류자 문제를 전담하는 대책팀을 두고, 유엔 인권이사회와 "
          "강제실종 실무그룹 등 국제사회에 이 문제를 지속적으로 제기하였다. 2024년 11월에는 납북자 가족 "
          "단체와 정례 간담회를 시작하여 연 4회 개최하기로 하였다."),
    ("h2", "제3절 대북 인도적 지원"),
    ("p", "2024년에도 북한은 국경 봉쇄를 대체로 유지하면서 남측의 지원 제의에 응하지 않았다. 정부 차원의 "
          "직접 지원이나 남북협력기금을 통한 국제기구 공여는 집행되지 않았다. 민간단체의 대북 지원물자 "
          "반출 승인은 12건, 약 31억 원 규모였으나, 실제로 북한에 전달된 것으로 확인된 물자는 그 일부에 "
          "그쳤다."),
    ("p", "정부는 인도적 지원은 정치·군사적 상황과 무관하게 추진한다는 원칙 아래, 영유아와 임산부 등 취약계층에 "
          "대한 지원이 분배 투명성을 확보하는 범위에서 이루어질 수 있도록 국제기구 및 민간단체와 협의를 "
          "지속하였다."),
]


def build(out: Path = OUT) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont(SERIF))
    pdfmetrics.registerFont(UnicodeCIDFont(SANS))
    body = ParagraphStyle("body", fontName=SERIF, fontSize=10.5, leading=17, spaceAfter=7, firstLineIndent=10)
    h1 = ParagraphStyle("h1", fontName=SANS, fontSize=17, leading=24, spaceBefore=6, spaceAfter=12)
    h2 = ParagraphStyle("h2", fontName=SANS, fontSize=13, leading=18, spaceBefore=10, spaceAfter=6)
    h3 = ParagraphStyle("h3", fontName=SANS, fontSize=11, leading=16, spaceBefore=6, spaceAfter=4)
    tbl = ParagraphStyle("tbl", fontName=SANS, fontSize=9.5, leading=13, leftIndent=16, spaceAfter=1)
    meta = ParagraphStyle("meta", fontName=SANS, fontSize=9, leading=12, spaceAfter=4)
    story = []
    for kind, text in BODY:
        style = {"h1": h1, "h2": h2, "h3": h3, "p": body, "tbl": tbl, "meta": meta}[kind]
        story.append(Paragraph(text, style))
        if kind == "tbl" and text.startswith("2025"):
            story.append(Spacer(1, 8))

    def page_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(SANS, 8.5)
        canvas.drawString(20 * mm, 12 * mm, "2025 통일백서")
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, str(doc.page + 140))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=25 * mm, title=TITLE, author="통일부")
    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return out


if __name__ == "__main__":
    print(build())
