"""Each kind of bad input gets one clear `IngestError` (naming the file and the fix) or a warning."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from ingest import DEFAULT_MAX_BYTES, IngestError, chunk_document, load_document
from ingest.settings import ChunkingSettings
from tests.conftest import TEST_DATA


def _error(path, **kw) -> IngestError:
    with pytest.raises(IngestError) as info:
        load_document(path, **kw)
    assert str(path) in str(info.value)  # the message names the file
    return info.value


def test_unsupported_extension_lists_supported(tmp_path):
    p = tmp_path / "budget.xlsx"
    p.write_bytes(b"PK\x03\x04 not really")
    err = _error(p)
    assert "unsupported file type '.xlsx'" in err.reason
    for ext in (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".hwpx", ".hwp"):
        assert ext in err.reason


def test_empty_file():
    assert "empty file" in _error(TEST_DATA / "empty.txt").reason


def test_whitespace_only_and_front_matter_only(tmp_path):
    (tmp_path / "blank.txt").write_text("   \n\n\t\n")
    assert "no text" in _error(tmp_path / "blank.txt").reason
    (tmp_path / "meta.md").write_text("---\ntitle: Only metadata\n---\n")
    assert "no text" in _error(tmp_path / "meta.md").reason


def test_binary_file_with_text_extension():
    err = _error(TEST_DATA / "binary_impostor.txt")
    assert "binary" in err.reason and "extension" in err.reason


def test_corrupt_pdf():
    err = _error(TEST_DATA / "corrupt.pdf")
    assert "corrupt" in err.reason


def test_pdf_that_is_not_a_pdf(tmp_path):
    p = tmp_path / "fake.pdf"
    p.write_text("just some text pretending to be a PDF")
    assert "corrupt" in _error(p).reason


def test_encrypted_pdf_says_decrypt_first():
    err = _error(TEST_DATA / "encrypted.pdf")
    assert "encrypted" in err.reason and "decrypt" in err.reason


def test_encrypted_pdf_with_empty_user_password_opens(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(TEST_DATA / "briefing.pdf")))
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-128")
    p = tmp_path / "owner_locked.pdf"
    with open(p, "wb") as f:
        writer.write(f)
    doc = load_document(p)
    assert "second page" in doc.text and len(doc.page_spans) == 3


def test_image_only_pdf_without_legible_text_says_ocr_found_nothing():
    err = _error(TEST_DATA / "scanned.pdf")  # two blank pages: no text layer, and nothing for OCR to read
    assert "no text" in err.reason and "OCR" in err.reason


def test_missing_file(tmp_path):
    assert "cannot read" in _error(tmp_path / "gone.txt").reason


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:  # sparse: 50 MiB + 1 byte without writing 50 MiB
        f.seek(DEFAULT_MAX_BYTES)
        f.write(b"x")
    t = time.perf_counter()
    err = _error(p)
    assert time.perf_counter() - t < 1.0
    assert "50 MiB limit" in err.reason and "split" in err.reason


def test_large_text_under_the_limit_loads_in_bounded_memory_and_time(tmp_path):
    """A smaller stand-in (1 MiB) for the 50 MiB case: time and memory grow linearly with the size (measured on a
    50 MiB file: ~20 s CPU to load and chunk, peak RSS ~290 MB; see the loaders docstring)."""
    para = "Sanctions relief was discussed at length by the committee, which met in closed session. " * 6 + "\n\n"
    p = tmp_path / "big.txt"
    p.write_text(para * (2**20 // len(para)), encoding="utf-8")
    size = p.stat().st_size
    tracemalloc.start()
    t = time.perf_counter()
    doc = load_document(p)
    chunks = chunk_document(doc, ChunkingSettings(), lambda s: len(s.split()))
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(chunks) > 700
    assert all(len(c.text.split()) <= 200 for c in chunks)
    assert peak < 12 * size, f"peak {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"
    assert elapsed < 60  # generous: the machine is shared
    with pytest.raises(IngestError, match="limit"):
        load_document(p, max_bytes=size - 1)
