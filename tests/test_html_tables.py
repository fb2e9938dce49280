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
    assert html_to_text(f"<html><body>{html}</body></html>").text.split("\n\n") == ["2023 | $1.7 billion",
                                                                                    "2024 | $1.3 billion"]


def test_a_layout_table_keeps_its_cells_as_paragraphs():
    long_cell = "A long paragraph of the article body. " * 12
    html = f"<html><body><table><tr><td>{long_cell}</td><td>Sidebar</td></tr></table></body></html>"
    paragraphs = html_to_text(html).text.split("\n\n")
    assert "Sidebar" in paragraphs and paragraphs[0].startswith("A long paragraph")
