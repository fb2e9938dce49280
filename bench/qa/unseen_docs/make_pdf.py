"""Generate divided_families_act_pl118.pdf, the unseen set's PDF document (a public law in slip-law layout).

The text was written for evaluation, modelled on U.S. public laws; it is not an authoritative legal text.
Run from the repo root: `.venv/bin/python bench/qa/unseen_docs/make_pdf.py` (reportlab; output is byte-stable).
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

OUT = Path(__file__).resolve().parent / "divided_families_act_pl118.pdf"
RUNNING_HEAD = "PUBLIC LAW 118–211—DEC. 23, 2024"

# (style, text) in reading order. Styles: head (centred caps), title, sec (section heading), p (body), q (indented).
BODY: list[tuple[str, str]] = [
    ("head", "PUBLIC LAW 118–211—DEC. 23, 2024"),
    ("head", "138 STAT. 2871"),
    ("title", "Public Law 118–211<br/>118th Congress"),
    ("title", "An Act"),
    ("p", "To require consultations on reuniting Korean Americans with family members in North Korea, and for other "
          "purposes."),
    ("p", "<i>Be it enacted by the Senate and House of Representatives of the United States of America in Congress "
          "assembled,</i>"),
    ("sec", "SECTION 1. SHORT TITLE."),
    ("p", "This Act may be cited as the “Korean American Divided Families Reunification Act”."),
    ("sec", "SEC. 2. FINDINGS."),
    ("p", "Congress makes the following findings:"),
    ("q", "(1) The Korean War, which ended with the signing of the Armistice Agreement on July 27, 1953, separated "
          "millions of Korean families across the Demilitarized Zone."),
    ("q", "(2) According to a 2001 estimate, approximately 100,000 United States citizens of Korean descent had "
          "immediate or extended family members in North Korea at that time. Most of those family members have "
          "since died without seeing their relatives again."),
    ("q", "(3) Since 1985, the Government of the Republic of Korea and the Government of the Democratic People’s "
          "Republic of Korea have held 21 rounds of face-to-face family reunions and 7 rounds of video reunions. "
          "The most recent face-to-face reunion took place at Mount Kumgang in August 2018."),
    ("q", "(4) Of the more than 133,000 persons who registered with the Government of the Republic of Korea to "
          "take part in family reunions, fewer than 40,000 remained alive at the end of 2023, and the majority of "
          "the survivors were over 80 years of age."),
    ("q", "(5) Korean Americans have not been able to take part in the official inter-Korean reunions, because "
          "participation has been limited to citizens of the Republic of Korea."),
    ("q", "(6) Time is running out for divided families, and every year of delay means that more of them lose the "
          "chance to meet their relatives."),
    ("sec", "SEC. 3. DEFINITIONS."),
    ("p", "In this Act:"),
    ("q", "(1) APPROPRIATE CONGRESSIONAL COMMITTEES.—The term “appropriate congressional committees” means the "
          "Committee on Foreign Relations of the Senate and the Committee on Foreign Affairs of the House of "
          "Representatives."),
    ("q", "(2) KOREAN AMERICAN DIVIDED FAMILY MEMBER.—The term “Korean American divided family member” means a "
          "citizen or lawful permanent resident of the United States who was separated from a parent, child, "
          "sibling or spouse in North Korea as a result of the Korean War or its aftermath."),
    ("q", "(3) SPECIAL ENVOY.—The term “Special Envoy” means the Special Envoy for North Korean Human Rights "
          "Issues of the Department of State."),
    ("sec", "SEC. 4. CONSULTATIONS ON DIVIDED FAMILY REUNIONS."),
    ("p", "(a) IN GENERAL.—The Secretary of State, or a designee of the Secretary, shall consult with officials "
          "of the Republic of Korea, as appropriate, on potential opportunities to reunite Korean American divided "
          "family members with their relatives in North Korea."),
    ("p", "(b) VIDEO REUNIONS.—The consultations under subsection (a) shall include consultations on the "
          "participation of Korean American divided family members in video reunions, using facilities in the "
          "United States where practicable, so that elderly and infirm persons need not travel."),
    ("p", "(c) PRIORITY.—In the consultations under subsection (a), priority shall be given to Korean American "
          "divided family members who are 75 years of age or older or who are in poor health."),
    ("sec", "SEC. 5. REPORTS."),
    ("p", "(a) IN GENERAL.—Not later than 180 days after the date of the enactment of this Act, and annually "
          "thereafter for 5 years, the Special Envoy shall submit to the appropriate congressional committees a "
          "report on the consultations carried out under section 4."),
    ("p", "(b) CONTENTS.—Each report required under subsection (a) shall include—"),
    ("q", "(1) a description of the consultations with officials of the Republic of Korea, including any "
          "proposals for the participation of Korean American divided family members in reunions;"),
    ("q", "(2) an estimate of the number of Korean American divided family members who are alive, and the number "
          "who have registered under section 6;"),
    ("q", "(3) a description of any contacts with the Government of the Democratic People’s Republic of Korea on "
          "family reunions, including through the International Committee of the Red Cross; and"),
    ("q", "(4) recommendations for legislative or administrative action."),
    ("p", "(c) FORM.—Each report required under subsection (a) shall be submitted in unclassified form, but may "
          "include a classified annex."),
    ("sec", "SEC. 6. VOLUNTARY REGISTRY."),
    ("p", "(a) ESTABLISHMENT.—Not later than 1 year after the date of the enactment of this Act, the Secretary of "
          "State shall establish a voluntary registry in which Korean American divided family members may record "
          "their names, contact information, and the names and last known places of residence of their relatives "
          "in North Korea."),
    ("p", "(b) SHARING.—With the written consent of the person who made the entry, information in the registry "
          "may be shared with the Government of the Republic of Korea and with the Korean Red Cross for the purpose "
          "of arranging reunions."),
    ("p", "(c) PRIVACY.—Information in the registry shall not be shared with the Government of the Democratic "
          "People’s Republic of Korea without the written consent of the person who made the entry."),
    ("sec", "SEC. 7. SENSE OF CONGRESS."),
    ("p", "It is the sense of Congress that—"),
    ("q", "(1) the Government of the Democratic People’s Republic of Korea should allow divided families to "
          "exchange letters, telephone calls and video messages without restriction;"),
    ("q", "(2) the United States should encourage the Republic of Korea to open future reunions to Korean American "
          "divided family members; and"),
    ("q", "(3) humanitarian family reunions should not be made conditional on political or security negotiations."),
    ("sec", "SEC. 8. SUNSET."),
    ("p", "This Act shall cease to have effect on the date that is 7 years after the date of the enactment of this "
          "Act."),
    ("p", "Approved December 23, 2024."),
    ("small", "LEGISLATIVE HISTORY—H.R. 1482 (S. 733):<br/>"
              "HOUSE REPORTS: No. 118–402 (Comm. on Foreign Affairs).<br/>"
              "CONGRESSIONAL RECORD, Vol. 170 (2024): July 18, considered and passed House. "
              "Dec. 12, considered and passed Senate."),
]


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("p", fontName="Times-Roman", fontSize=11.5, leading=15, spaceAfter=7, firstLineIndent=14)
    return {
        "p": base,
        "q": ParagraphStyle("q", parent=base, leftIndent=24, firstLineIndent=0),
        "sec": ParagraphStyle("sec", parent=base, fontName="Times-Bold", firstLineIndent=0, spaceBefore=6),
        "head": ParagraphStyle("head", parent=base, alignment=TA_CENTER, firstLineIndent=0, fontSize=9, spaceAfter=2),
        "title": ParagraphStyle("title", parent=base, alignment=TA_CENTER, firstLineIndent=0, fontName="Times-Bold",
                                fontSize=14, leading=18, spaceAfter=10),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, firstLineIndent=0, spaceBefore=14),
    }


def _running_head(canvas, doc) -> None:
    if doc.page > 1:
        canvas.saveState()
        canvas.setFont("Times-Roman", 9)
        canvas.drawCentredString(LETTER[0] / 2, LETTER[1] - 0.6 * inch, RUNNING_HEAD)
        canvas.restoreState()


def build(out: Path = OUT) -> Path:
    rl_config.invariant = 1  # no timestamp or random id: the committed PDF is reproducible
    st = styles()
    doc = SimpleDocTemplate(str(out), pagesize=LETTER, leftMargin=1.1 * inch, rightMargin=1.1 * inch,
                            topMargin=0.9 * inch, bottomMargin=0.9 * inch, title="Public Law 118-211",
                            author="", subject="")
    story = []
    for style, text in BODY:
        story.append(Paragraph(text, st[style]))
        if style == "title" and text == "An Act":
            story.append(Spacer(1, 4))
    doc.build(story, onFirstPage=_running_head, onLaterPages=_running_head)
    return out


if __name__ == "__main__":
    print(build())
