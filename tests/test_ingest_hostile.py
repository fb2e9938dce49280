"""Hostile files: YAML alias bombs and deep nesting, oversized metadata, a PDF over pypdf's decompression limit,
pathological HTML, and a loader crash. Each is that file's error (or a bounded result); the good file in the same
batch is indexed."""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import pytest
from fakes import FakeEmbedder, shared_tokenizer

import ingest.guarded
from index.index import Index
from ingest import load_document
from ingest.html_guard import HtmlBudgetError, markup_profile
from ingest.html_text import html_to_text
from ingest.safe_yaml import MAX_TITLE_CHARS, MAX_VALUE_CHARS

ALIAS_BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
title: *g
---
The body of the note about sanctions relief.
"""


def good_file(folder: Path) -> Path:
    path = folder / "good.txt"
    path.write_text("A good report on sanctions against designated vessels.\n\nIt has two paragraphs.", "utf-8")
    return path


def new_index(tmp_path: Path) -> Index:
    return Index.create(tmp_path / "idx", embedder=FakeEmbedder(), tokenizer=shared_tokenizer())


def bomb_pdf(path: Path, expanded: int = 80_000_000) -> Path:
    """A one-page PDF whose content stream inflates to `expanded` bytes (over pypdf's 75 MB limit)."""
    stream = zlib.compress(b"BT /F1 12 Tf (a) Tj ET\n" + b" " * expanded, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_yaml_aliases_are_refused_and_the_file_still_loads(tmp_path):
    path = tmp_path / "bomb.md"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    doc = load_document(path)
    assert len(doc.title) < 200 and "lol" not in doc.title
    assert any("aliases" in w for w in doc.warnings)


def test_yaml_nested_5000_deep_is_that_files_problem_and_the_batch_goes_on(tmp_path):
    deep = tmp_path / "deep.md"
    deep.write_text("---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\nBody text on export controls.\n", "utf-8")
    side = tmp_path / "side.txt"
    side.write_text("Text with a hostile sidecar on maritime interdiction.", "utf-8")
    (tmp_path / "side.txt.meta.yaml").write_text("x: " + "{a: " * 5000 + "1" + "}" * 5000, "utf-8")
    index = new_index(tmp_path)
    report = index.ingest([deep, side, good_file(tmp_path)])
    assert {o.doc_id for o in report.outcomes if o.status == "added"} == {"deep", "side", "good"}
    assert any("nested deeper" in w for w in load_document(deep).warnings)


def test_metadata_values_are_bounded(tmp_path):
    path = tmp_path / "long.md"
    path.write_text(f"---\ntitle: {'T' * 20_000}\nnote: {'n' * 20_000}\n---\nBody.\n", "utf-8")
    doc = load_document(path)
    assert len(doc.title) <= MAX_TITLE_CHARS
    assert len(doc.metadata["note"]) <= MAX_VALUE_CHARS


def test_a_pdf_over_the_decompression_limit_fails_alone(tmp_path):
    bomb = bomb_pdf(tmp_path / "bomb.pdf")
    report = new_index(tmp_path).ingest([bomb, good_file(tmp_path)])
    failed = {Path(o.path).name: o.message for o in report.failed}
    assert list(failed) == ["bomb.pdf"] and "limit" in failed["bomb.pdf"]
    assert report.count("added") == 1


def test_any_loader_exception_is_that_files_error(tmp_path, monkeypatch):
    real = ingest.guarded.load_document

    def crash_on_bad(path, **kwargs):
        if Path(path).name == "bad.txt":
            raise RuntimeError("parser bug")
        return real(path, **kwargs)

    monkeypatch.setattr(ingest.guarded, "load_document", crash_on_bad)
    bad = tmp_path / "bad.txt"
    bad.write_text("Anything.", "utf-8")
    report = new_index(tmp_path).ingest([bad, good_file(tmp_path)])
    assert [Path(o.path).name for o in report.failed] == ["bad.txt"]
    assert "RuntimeError: parser bug" in report.failed[0].message
    assert report.count("added") == 1


@pytest.mark.parametrize(
    "html",
    [
        "<div><p><span>x " * 18_000,  # 280 KB of unclosed tags
        "<div>" * 100_000 + "deep text" + "</div>" * 100_000,  # 100k-deep nesting
        "<html><body><p>" + "word<br>" * 40_000 + "</p></body></html>",  # very wide
    ],
    ids=["unclosed", "deep", "wide"],
)
def test_pathological_html_is_read_in_bounded_time(html):
    t0 = time.perf_counter()
    page = html_to_text(html)
    assert time.perf_counter() - t0 < 20  # was 70 s and over 300 s; the real bound is the time budget
    assert page.text.strip()


def test_the_html_time_budget_makes_it_that_files_error(tmp_path, monkeypatch):
    assert not markup_profile("<b></b>" * 200_000).fits_tree
    with pytest.raises(HtmlBudgetError):
        html_to_text("<b>x</b>" * 200_000, budget_s=0.0)
    monkeypatch.setattr("ingest.html_guard.TIME_BUDGET_S", 0.0)
    monkeypatch.setattr("ingest.html_text.TIME_BUDGET_S", 0.0)
    import ingest.html_text as html_text

    monkeypatch.setattr(html_text.html_to_text, "__kwdefaults__", {"budget_s": 0.0})
    slow = tmp_path / "slow.html"
    slow.write_text("<p>x</p>" * 200_000, "utf-8")
    report = new_index(tmp_path).ingest([slow, good_file(tmp_path)])
    assert [Path(o.path).name for o in report.failed] == ["slow.html"]
    assert "longer than" in report.failed[0].message and report.count("added") == 1


def test_html_pages_keep_their_structure_after_the_rewrite():
    page = html_to_text(
        "<html lang='en'><head><title>T</title></head><body><header><h1>Site</h1></header><main>"
        "<h1>Headline</h1><p>First <b>para</b>.<br>Line two.</p><nav>menu</nav><h2>Part <button>x</button>B</h2>"
        "<table><tr><th>Name</th><th>Role</th></tr><tr><td>Kim</td><td>Envoy</td></tr></table>"
        "<div class='related-news'>other</div><script>var a;</script></main></body></html>"
    )
    assert page.h1 == "Headline" and page.lang == "en" and page.title == "T"
    assert page.text == "# Headline\n\nFirst para.\nLine two.\n\n## Part B\n\nName: Kim; Role: Envoy"
