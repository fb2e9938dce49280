"""Generate crs-humanitarian-assistance-north-korea.pdf, a CRS-style report written for evaluation (see README.md).

Run from anywhere: `.venv/bin/python bench/qa/unseen_docs2/make_pdf.py`. The output is byte-for-byte reproducible
(reportlab's invariant mode), so the committed PDF is what this script generates.
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1

from reportlab.lib.pagesizes import LETTER  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import inch  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # noqa: E402

OUT = Path(__file__).resolve().parent / "crs-humanitarian-assistance-north-korea.pdf"

TITLE = "U.S. Humanitarian Assistance to North Korea: Background and Issues for Congress"

# (kind, text): kind is "h" (heading), "p" (paragraph), "fn" (footnote text, small type), "meta" (cover lines),
# "tbl" (one row of a table, monospaced).
BODY: list[tuple[str, str]] = [
    ("meta", "Congressional Research Service"),
    ("meta", "Informing the legislative debate since 1914"),
    ("meta", "Updated January 16, 2025 &nbsp;&nbsp; R47912"),
    ("meta", "Evelyn R. Cho, Specialist in Asian Affairs"),
    ("h", "Summary"),
    ("p", "From 1995 to 2009 the United States provided North Korea with over 2.2 million metric tons of food "
          "assistance, valued at roughly $800 million, most of it channeled through the World Food Programme "
          "(WFP). Counting the heavy fuel oil supplied under the 1994 Agreed Framework and the Six-Party Talks, "
          "as well as medical supplies, total U.S. assistance over the period was slightly more than $1.3 billion. "
          "No U.S. government food aid has been delivered since March 2009. This report reviews the history of that "
          "assistance, the monitoring problems that accompanied it, the sanctions exemption process that governs "
          "humanitarian shipments today, and issues Congress may consider."),
    ("h", "Background: Food Shortages and the Aid Response"),
    ("p", "North Korea suffered a famine in the mid-1990s in which, by most estimates, between 600,000 and one "
          "million people died. The government appealed for international assistance in August 1995 after "
          "severe floods. WFP opened an office in Pyongyang that year and over the following decade ran one of "
          "its largest operations in the world.<super>1</super>"),
    ("p", "U.S. food aid peaked in 1999, when the United States shipped about 695,000 metric tons, and then "
          "declined as donors grew concerned about diversion of food to the military and elites and as the "
          "nuclear dispute worsened. By 2005 North Korea had restricted the WFP's access and required it to "
          "reduce its international staff, and U.S. shipments that year fell to 28,000 metric tons."),
    ("p", "<b>Table 1. U.S. Food Assistance to North Korea, Selected Years</b> (metric tons; fiscal years)"),
    ("tbl", "1996 &nbsp;&nbsp; 19,500 &nbsp;&nbsp;&nbsp; through WFP"),
    ("tbl", "1997 &nbsp;&nbsp; 177,000 &nbsp;&nbsp; through WFP and PVO consortium"),
    ("tbl", "1999 &nbsp;&nbsp; 695,000 &nbsp;&nbsp; includes 100,000 tons of potatoes"),
    ("tbl", "2002 &nbsp;&nbsp; 207,000 &nbsp;&nbsp; through WFP"),
    ("tbl", "2005 &nbsp;&nbsp; 28,000 &nbsp;&nbsp;&nbsp; through WFP"),
    ("tbl", "2008 &nbsp;&nbsp; 148,270 &nbsp;&nbsp; WFP and NGO consortium"),
    ("tbl", "2009 &nbsp;&nbsp; 21,000 &nbsp;&nbsp;&nbsp; NGO consortium, last shipment"),
    ("p", "Other donors followed a similar path. South Korea provided large amounts of rice and fertilizer, much "
          "of it as loans, between 2000 and 2007, and stopped government food aid after its new government "
          "demanded reciprocity in 2008. China, which does not report its aid through WFP, is believed to have "
          "been the largest bilateral donor throughout, but its shipments are not published, and estimates of "
          "their size vary by a factor of two or more."),
    ("h", "The 2008-2009 Food Program"),
    ("p", "In May 2008 the Bush Administration announced that it would provide up to 500,000 metric tons of food "
          "over twelve months, 400,000 tons through WFP and 100,000 tons through a consortium of five U.S. "
          "non-governmental organizations (NGOs). The program came with monitoring terms that were stricter than "
          "those of earlier years: Korean-speaking monitors, access to distribution sites with 24 hours' notice, "
          "and random spot checks.<super>2</super>"),
    ("p", "About 169,000 metric tons had been delivered when, in March 2009, North Korea told the United States "
          "that it would no longer accept U.S. food aid, and the NGO monitors left the country. Some 20,000 tons "
          "of U.S. commodities were left in North Korean warehouses; the United States was not able to verify "
          "their distribution."),
    ("h", "The 2012 \"Leap Day\" Understanding"),
    ("p", "On February 29, 2012, the two governments announced parallel statements under which North Korea "
          "agreed to a moratorium on long-range missile launches, nuclear tests and uranium enrichment at "
          "Yongbyon, and the United States agreed to provide 240,000 metric tons of nutritional assistance, "
          "chiefly for children and pregnant women, with intensive monitoring. The Obama Administration "
          "suspended the plan after North Korea attempted to launch a satellite on April 13, 2012, arguing that "
          "the launch showed Pyongyang could not be trusted to keep its commitments on monitoring.<super>3</super> "
          "None of the nutritional assistance was delivered."),
    ("h", "Energy Assistance"),
    ("p", "Under the 1994 Agreed Framework, the Korean Peninsula Energy Development Organization (KEDO) supplied "
          "North Korea with 500,000 metric tons of heavy fuel oil a year until the arrangement collapsed in late "
          "2002. The United States funded most of those shipments. Under the Six-Party Talks agreement of "
          "February 13, 2007, the five other parties pledged energy assistance equal to one million tons of heavy "
          "fuel oil in return for disablement of the Yongbyon facilities; the United States shipped about 200,000 "
          "tons of its share before the talks stalled in December 2008."),
    ("fn", "1 WFP, Emergency Operation DPRK 5959.00, and subsequent protracted relief operations. Figures on famine "
           "deaths vary widely; see CRS Report R40095, Foreign Assistance to North Korea (archived)."),
    ("fn", "2 Department of State, press statement, May 16, 2008. The NGO consortium comprised Mercy Corps, World "
           "Vision, Samaritan's Purse, Global Resource Services and Christian Friends of Korea."),
    ("fn", "3 Department of State, press briefing, March 28, 2012."),
    ("h", "Humanitarian Assistance Under UN Sanctions"),
    ("p", "UN Security Council sanctions on North Korea do not prohibit humanitarian aid, but many goods that "
          "aid agencies need, such as vehicles, generators, pumps, metal pipes and medical equipment, fall under "
          "the sectoral bans adopted in 2016 and 2017. Aid groups therefore must request exemptions from the "
          "Security Council committee established pursuant to resolution 1718 (2006), known as the 1718 "
          "Committee, which decides by consensus."),
    ("p", "In August 2018 the Committee adopted Implementation Assistance Notice No. 7, which set out how to "
          "request exemptions for humanitarian shipments. Exemptions were at first valid for six months; in "
          "2020 the Committee extended the validity to nine months to take account of the border closure. "
          "Between 2018 and the end of 2023 the Committee approved more than 150 exemption requests, most of "
          "them from UN agencies and international NGOs.<super>4</super>"),
    ("p", "On December 9, 2022, the Security Council adopted resolution 2664, which provides that payments and "
          "the supply of goods necessary for humanitarian assistance do not violate asset freezes under UN "
          "sanctions regimes, including the 1718 regime. The resolution did not remove the need for exemptions "
          "for items covered by the sectoral bans."),
    ("h", "U.S. Sanctions and Travel Restrictions"),
    ("p", "U.S. sanctions generally license humanitarian exports to North Korea through the Commerce Department "
          "and the Treasury Department's Office of Foreign Assets Control. Since September 1, 2017, U.S. "
          "passports have been invalid for travel to North Korea unless specially validated by the State "
          "Department; the restriction has been renewed each year. Humanitarian workers may apply for a "
          "special validation passport, which is generally issued for a single trip. Aid groups have told "
          "Congress that the validation process and the difficulty of moving money into North Korea through "
          "banks deter small NGOs from operating there."),
    ("h", "Access Since 2020"),
    ("p", "North Korea closed its borders in January 2020 in response to COVID-19. The last international staff of "
          "UN agencies left the country in March 2021, and by then the few remaining resident European NGOs had "
          "also withdrawn. Limited shipments of supplies through the port of Nampho and the Sinuiju-Dandong "
          "crossing resumed in 2022, but, as of this report's date, no international UN staff had returned. "
          "UNICEF has reported that stocks of routine vaccines were exhausted during the closure and that "
          "North Korea had declined offers of COVID-19 vaccines through COVAX.<super>5</super>"),
    ("fn", "4 UN Security Council, 1718 Committee, Humanitarian Exemption Requests, list of approved requests. The "
           "count excludes requests withdrawn or extended."),
    ("fn", "5 UNICEF, DPR Korea Humanitarian Situation Report, 2022 annual; COVAX allocation records."),
    ("h", "Issues for Congress"),
    ("p", "<b>Monitoring standards.</b> The debate over aid to North Korea has long turned on whether aid can be "
          "monitored well enough to reach its intended recipients. The North Korean Human Rights Act of 2004 "
          "(P.L. 108-333) conditioned significant increases in humanitarian assistance on substantial "
          "improvements in transparency, monitoring and access. Members may ask whether the standards used in "
          "2008 should be the baseline for any new program."),
    ("p", "<b>Linkage to diplomacy.</b> Successive Administrations have said that humanitarian aid is decided "
          "separately from political considerations, yet the 2008 and 2012 programs were both announced "
          "alongside diplomatic agreements and ended when diplomacy failed. Congress may consider whether to "
          "require the Administration to report on the criteria it applies. In May 2011, for example, a U.S. assessment "
          "team led by the Special Envoy for North Korean Human Rights Issues visited North Korea to evaluate food "
          "needs, and its findings were folded into the bilateral talks that produced the 2012 understanding; "
          "critics argued that the needs assessment had been overtaken by the negotiating calendar."),
    ("p", "<b>Sanctions exemptions.</b> With the UN Panel of Experts no longer operating since April 2024, the "
          "1718 Committee receives less independent information on whether exempted items are diverted. "
          "Congress may ask how the State Department assesses exemption requests it supports in the Committee "
          "and whether a U.S. or multilateral reporting mechanism should replace the Panel's work on this "
          "question."),
    ("p", "<b>Funding.</b> The North Korean Human Rights Act authorized up to $20 million a year for assistance to "
          "North Koreans outside North Korea, and reauthorizations have extended similar authorities. "
          "Appropriations acts have not set aside funds for humanitarian assistance inside North Korea since "
          "FY2009; any new program would likely draw on existing international disaster assistance accounts."),
    ("p", "<b>Outlook.</b> North Korea has not requested U.S. assistance since 2009 and, since 2020, has admitted "
          "almost no foreign aid workers. Even if access reopens, the experience of 2008-2009 suggests that "
          "agreement on monitoring terms is the first and hardest step."),
]


def build(out: Path = OUT) -> Path:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Times-Roman", fontSize=11, leading=14,
                          spaceAfter=8)
    heading = ParagraphStyle("h", parent=styles["Heading2"], fontName="Helvetica-Bold", fontSize=12.5,
                             spaceBefore=10, spaceAfter=6)
    foot = ParagraphStyle("fn", parent=body, fontSize=8.5, leading=10.5, spaceAfter=3)
    tbl = ParagraphStyle("tbl", parent=body, fontName="Courier", fontSize=9.5, leading=12, spaceAfter=0,
                         leftIndent=18)
    meta = ParagraphStyle("meta", parent=body, fontName="Helvetica", fontSize=10, spaceAfter=2)
    title = ParagraphStyle("title", parent=styles["Title"], fontName="Helvetica-Bold", fontSize=18, leading=22)
    story = [Paragraph(TITLE, title), Spacer(1, 6)]
    for kind, text in BODY:
        style = {"h": heading, "p": body, "fn": foot, "meta": meta, "tbl": tbl}[kind]
        story.append(Paragraph(text, style))

    def page_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(inch, 0.6 * inch, "Congressional Research Service")
        canvas.drawRightString(LETTER[0] - inch, 0.6 * inch, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=LETTER, leftMargin=inch, rightMargin=inch, topMargin=inch,
                            bottomMargin=inch, title=TITLE, author="Congressional Research Service")
    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return out


if __name__ == "__main__":
    print(build())
