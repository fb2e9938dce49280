"""HTML data tables become one line per row, cells named by their column headers; layout tables stay paragraphs."""

from __future__ import annotations

from ingest.html_text import html_to_text

DATA = """<html><body><h1>대북 독자제재 대상 지정</h1><p>정부는 다음과 같이 지정하였다.</p>
<table><caption>지정 대상</caption><thead><tr><th>구분</th><th>성명/기관명</th><th>지정 사유</th></tr></thead>
<tbody><tr><td>개인</td><td>김철</td><td>IT 인력 송출</td></tr>
<tr><td>기관</td><td>릉라도건설</td><td>해외노동자 송출</td></tr></tbody></table></body></html>"""


def test_a_data_table_row_is_one_line_with_its_column_names():
    text = html_to_text(DATA).text
    paragraphs = text.split("\n\n")
    assert "지정 대상" in paragraphs
    assert "구분: 기관; 성명/기관명: 릉라도건설; 지정 사유: 해외노동자 송출" in paragraphs
    assert "릉라도건설" not in paragraphs  # no cell on its own


def test_a_table_without_header_row_joins_cells():
    html = "<table><tr><td>2023</td><td>$1.7 billion</td></tr><tr><td>2024</td><td>$1.3 billion</td></tr></table>"
    assert html_to_text(f"<html><body>{html}</body></html>").text.split("\n\n") == [
        "2023 | $1.7 billion",
        "2024 | $1.3 billion",
    ]


def test_a_layout_table_keeps_its_cells_as_paragraphs():
    long_cell = "A long paragraph of the article body. " * 12
    html = f"<html><body><table><tr><td>{long_cell}</td><td>Sidebar</td></tr></table></body></html>"
    paragraphs = html_to_text(html).text.split("\n\n")
    assert "Sidebar" in paragraphs and paragraphs[0].startswith("A long paragraph")


def test_a_markdown_pipe_table_becomes_row_lines_and_the_rest_is_unchanged():
    from ingest.tables import markdown_tables_as_rows

    text = (
        "# Fact sheet\n\nDesignations so far:\n| Year | Entities | Note |\n|---|:---:|---|\n"
        "| 2023 | 12 | |\n| 2024 | 23 | incl. 11 in China |\nAfter the table."
    )
    out = markdown_tables_as_rows(text)
    assert out == (
        "# Fact sheet\n\nDesignations so far:\n\nYear: 2023; Entities: 12\n\n"
        "Year: 2024; Entities: 23; Note: incl. 11 in China\n\nAfter the table."
    )
    assert markdown_tables_as_rows("a | b\nno table here") == "a | b\nno table here"


def test_markdown_files_load_with_row_lines(tmp_path):
    from ingest import load_document

    path = tmp_path / "facts.md"
    path.write_text("# Facts\n\n| 구분 | 기관 |\n| --- | --- |\n| 기관 | 릉라도건설 |\n", encoding="utf-8")
    assert "구분: 기관; 기관: 릉라도건설" in load_document(path).text.strip().split("\n\n")
