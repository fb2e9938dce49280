"""HWPX and HWP 5 (Hangul): paragraphs in order, 조/항/호 chunked by article, outline headings as sections, tables
as row lines; HWP 5 read from its compressed BodyText records; unreadable files refused with the fix (save as
HWPX). The files are written by the tests (`format_files`)."""

from __future__ import annotations

import pytest
from fakes import FakeEmbedder, shared_tokenizer
from format_files import hwp_para_text, make_hwp, make_hwpx

from ingest import chunk_document, load_document
from ingest.hwp5_text import HWPTAG_PARA_TEXT, para_text, records
from ingest.settings import ChunkingSettings
from ingest.types import IngestError

pytest.importorskip("lxml", reason="lxml (the [formats] extra) is not installed")

SETTINGS = ChunkingSettings(max_tokens=60, min_tokens=4)

STATUTE = [
    [
        "남북협력기금법",
        ("제1장 총칙", 1),
        "제1조(목적) 이 법은 남북협력기금을 설치하여 남북 간의 상호교류와 협력을 증진하는 데 필요한 자금을 지원함을 목적으로 한다.",
        "제2조(기금의 설치) 정부는 남북 간의 상호교류와 협력을 증진하기 위하여 남북협력기금을 설치한다.",
        ("제2장 기금의 운용", 1),
        "제8조(기금의 용도) ① 기금은 다음 각 호의 사업에 사용한다.",
        "1. 남한과 북한의 주민의 왕래에 필요한 비용의 전부 또는 일부의 지원",
        "2. 문화ㆍ학술ㆍ체육 분야 협력사업에 필요한 자금의 전부 또는 일부의 지원",
        "② 기금은 통일부장관이 운용ㆍ관리한다.",
    ],
    [
        ("별표", 1),
        [
            ["구분", "성명/기관명", "지정 사유"],
            ["기관", "릉라도건설", "해외노동자 송출"],
            ["개인", "김철", "자금 세탁"],
        ],
    ],
]


def test_hwpx_statute_chunks_by_article_with_chapters_and_tables(tmp_path):
    path = make_hwpx(tmp_path / "기금법.hwpx", STATUTE, title="남북협력기금법")
    doc = load_document(path)
    assert doc.title == "남북협력기금법" and doc.language == "ko" and doc.metadata["format"] == "hwpx"
    assert doc.text.index("제1조(목적)") < doc.text.index("제8조(기금의 용도)") < doc.text.index("릉라도건설")
    assert "## 제1장 총칙" in doc.text
    assert "구분: 기관; 성명/기관명: 릉라도건설; 지정 사유: 해외노동자 송출" in doc.text
    chunks = chunk_document(doc, SETTINGS, lambda t: len(t.split()))
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    by_section = {c.section: c for c in chunks}
    assert {"제1조", "제2조"} <= set(by_section), list(by_section)
    article_8 = [c for c in chunks if c.section and c.section.startswith("제8조")]
    assert article_8 and "통일부장관" in article_8[-1].text
    assert any("릉라도건설" in c.text for c in chunks)


def test_hwpx_english_paragraphs_and_outline_headings(tmp_path):
    path = make_hwpx(
        tmp_path / "brief.hwpx",
        [
            [
                ("Background", 1),
                "The Kaesong Industrial Complex employed about fifty thousand North Korean workers before it closed.",
                ("Findings", 1),
                "Wages were paid to a state agency rather than to the workers themselves, the report found.",
                [["Year", "Firms"], ["2015", "124"]],
            ]
        ],
    )
    doc = load_document(path)
    assert doc.language == "en"
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=40, min_tokens=4), lambda t: len(t.split()))
    findings = next(c for c in chunks if "state agency" in c.text)
    assert findings.section == "Findings"
    assert any("Year: 2015; Firms: 124" in c.text for c in chunks)


def test_search_finds_the_hwpx_article(tmp_path):
    from index.index import Index

    make_hwpx(tmp_path / "기금법.hwpx", STATUTE, title="남북협력기금법")
    index = Index.create(tmp_path / "idx", embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert not index.ingest([tmp_path / "기금법.hwpx"]).failed
    hit = index.search("기금은 통일부장관이 운용 관리", k=3)[0]
    assert "제8조" in hit.passage.label and "통일부장관" in hit.passage.text


def test_a_damaged_hwpx_is_refused_with_the_fix(tmp_path):
    bad = tmp_path / "bad.hwpx"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(IngestError) as e:
        load_document(bad)
    assert "save it again as .hwpx" in e.value.reason


def test_hwp_record_stream_and_para_text_controls():
    payload = hwp_para_text("제1조\t(목적)") + b""
    text = para_text(payload)
    assert text == "제1조\t(목적)\n"
    big = b"x" * 5000  # a record over 4094 bytes carries its size in an extra 32-bit word
    stream = (
        (HWPTAG_PARA_TEXT | (0xFFF << 20)).to_bytes(4, "little")
        + len(big).to_bytes(4, "little")
        + big
        + (HWPTAG_PARA_TEXT | (4 << 20)).to_bytes(4, "little")
        + "가나".encode("utf-16-le")
    )
    got = list(records(stream))
    assert [(tag, len(data)) for tag, _, data in got] == [(HWPTAG_PARA_TEXT, 5000), (HWPTAG_PARA_TEXT, 4)]
    assert list(records(stream[:-2])) == got[:1]  # a truncated last record ends the stream


def test_hwp5_file_is_read_by_article(tmp_path):
    paragraphs = [
        "남북관계 발전에 관한 법률",
        "제1조(목적) 이 법은 남북관계의 발전에 관하여 필요한 사항을 규정함을 목적으로 한다.",
        "제12조(남북회담대표의 임명) ① 남북회담대표는 통일부장관이 임명한다.",
        "② 대통령은 특정 사안에 대하여\t남북회담대표를 임명할 수 있다.",
        "Article 13 is summarised in English for the record: talks delegates act under the minister's instructions.",
    ]
    path = make_hwp(tmp_path / "남북관계법.hwp", paragraphs)
    doc = load_document(path)
    assert doc.metadata["format"] == "hwp" and doc.language == "ko"
    assert doc.text.split("\n\n") == [p.replace("\t", " ") for p in paragraphs]
    chunks = chunk_document(doc, SETTINGS, lambda t: len(t.split()))
    assert any(c.section and c.section.startswith("제12조") and "통일부장관이 임명" in c.text for c in chunks)


def test_uncompressed_hwp5_is_read_too(tmp_path):
    doc = load_document(
        make_hwp(tmp_path / "plain.hwp", ["Plain uncompressed body text of a Hangul file."], compressed=False)
    )
    assert doc.text == "Plain uncompressed body text of a Hangul file."


@pytest.mark.parametrize(
    ("flags", "words"), [(0x2, "password"), (0x4, "distribution")], ids=["password", "distribution"]
)
def test_protected_hwp5_says_save_as_hwpx(tmp_path, flags, words):
    with pytest.raises(IngestError) as e:
        load_document(make_hwp(tmp_path / "locked.hwp", ["비밀 문서"], flags=flags))
    assert words in e.value.reason and "save it as .hwpx" in e.value.reason


def test_a_file_that_is_not_hwp5_says_save_as_hwpx(tmp_path):
    old = tmp_path / "old.hwp"
    old.write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\0" * 200)  # an HWP 3 header
    with pytest.raises(IngestError) as e:
        load_document(old)
    assert "not an HWP 5 file" in e.value.reason and "save it as .hwpx" in e.value.reason
