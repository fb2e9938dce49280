"""Generate the binary test fixtures in this folder (run once; the outputs are committed).

    cd /work/main && .venv/bin/python tests/data/make_fixtures.py

Text fixtures (.txt/.md/.html) are written by hand and committed as they are; this script makes the PDFs
(with reportlab, a real PDF writer, and pypdf for encryption), the cp949 text, the binary impostor and the
empty file.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent

PAGES = [
    ("Sanctions exemptions: a briefing", [
        "This briefing explains how humanitarian exemptions to the sanctions regime work.",
        "The first page covers the legal basis. The committee may grant exemptions case by case.",
        "Applicants must describe the goods, the recipients and the monitoring arrangements.",
    ]),
    ("Procedure", [
        "The second page describes the procedure. A request is filed with the committee secretariat.",
        "The committee decides by consensus within ten working days of a complete request.",
        "Approved exemptions are valid for six months and may be renewed once.",
    ]),
    ("Reporting", [
        "The third page covers reporting. Exempted shipments are reported after delivery.",
        "Reports list the quantities delivered and any diversion that was detected.",
    ]),
]


LAW_PAGES = [
    ("Title 22 - FOREIGN RELATIONS AND INTERCOURSE", [
        "CHAPTER 990 - EXAMPLE SANCTIONS ENFORCEMENT (22 U.S.C. 99001 et seq.)",
        "",
        "§ 99001. Findings",
        "Congress finds that the example regime has violated its commitments.",
        "",
        "§ 99002. Designation of persons",
        "(a) Mandatory designations",
        "The President shall designate any person that knowingly evades sanctions.",
    ]),
    ("(b) Discretionary designations", [
        "The President may designate any person that supports a designated person.",
        "",
        "§ 99003. Travel sanctions",
        "The Secretary of State may deny a visa to any alien who is a designated person.",
    ]),
]


# A synthetic public law as a word processor exports it: no usable /Title ("Microsoft Word - draft3.docx"), the
# title wrapped over two all-caps lines, congressional "SEC. N." sections. Loading infers title and type from it.
PUBLIC_LAW_PAGES = [
    ("PUBLIC LAW 999-17 - EXAMPLE PENINSULA MARITIME", [
        "COOPERATION AND MONITORING ACT OF 2031",
        "SEC. 101. SHORT TITLE.",
        "This Act may be cited as the Example Peninsula Maritime Act of 2031.",
        "SEC. 102. MONITORING OF SHIP-TO-SHIP TRANSFERS.",
        "(a) In general.--The Secretary shall report on ship-to-ship transfers.",
    ]),
    ("SEC. 103. COAST GUARD COOPERATION.", [
        "The Secretary may share maritime surveillance data with partner coast guards.",
        "SEC. 104. TERMINATION.",
        "This Act terminates five years after the date of its enactment.",
    ]),
]


def _pdf(path: Path, pages: list[tuple[str, list[str]]], *, title: str, text: bool = True) -> None:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)  # invariant: same bytes on every run
    c.setTitle(title)
    for heading, lines in pages:
        if text:
            c.setFont("Helvetica-Bold", 14)
            c.drawString(72, 770, heading)
            c.setFont("Helvetica", 11)
            y = 740
            for line in lines:
                c.drawString(72, y, line)
                y -= 18
        else:  # image-only: shapes, no text layer (like a scan)
            c.rect(72, 600, 300, 150, fill=1)
        c.showPage()
    c.save()


def main() -> None:
    _pdf(HERE / "briefing.pdf", PAGES, title="Sanctions exemptions briefing")
    _pdf(HERE / "scanned.pdf", PAGES[:2], title="Scanned pages", text=False)
    _pdf(HERE / "law.pdf", LAW_PAGES, title="Microsoft Word - chapter990.docx")
    _pdf(HERE / "public_law.pdf", PUBLIC_LAW_PAGES, title="Microsoft Word - draft3.docx")

    writer = PdfWriter(clone_from=PdfReader(str(HERE / "briefing.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="AES-128")
    with open(HERE / "encrypted.pdf", "wb") as f:
        writer.write(f)

    good = (HERE / "briefing.pdf").read_bytes()
    (HERE / "corrupt.pdf").write_bytes(good[: len(good) // 3] + b"\x00garbage" * 10)

    korean = ("남북협력기금의 용도\n\n기금은 남북한 주민의 왕래에 필요한 비용을 지원하는 데 사용한다. "
              "통일부장관은 기금을 운용하고 관리한다.\n")
    (HERE / "korean_cp949.txt").write_bytes(korean.encode("cp949"))
    (HERE / "binary_impostor.txt").write_bytes(bytes(range(256)) * 8)
    (HERE / "empty.txt").write_bytes(b"")


if __name__ == "__main__":
    main()
