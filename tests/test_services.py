"""Services, rendering and UI callbacks without Gradio, FastAPI or models: a small in-memory stand-in index
(word-overlap search over .txt/.md files) and a stand-in answer function. The real server is tested in
test_http_api.py and test_ui_browser.py."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.answer.types import Answer, AnswerSentence, Citation
from app.services import BadRequest, Forbidden, NotFound, NotReady, Services, TooLarge, Unauthorized, safe_filename
from app.settings import Settings
from app.web import callbacks as cb
from app.web.render import answer_html, esc, highlight, report_markdown, snippet
from index.types import DocumentInfo, FileOutcome, Filters, Hit, IngestReport, Passage


class StandInIndex:
    """Just enough of `index.index.Index` for the service layer: one passage per file, word-overlap search."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[DocumentInfo, str]] = {}
        self.ingest_calls: list[list[Path]] = []

    def __len__(self) -> int:
        return len(self.docs)

    def documents(self) -> list[DocumentInfo]:
        return [info for info, _ in self.docs.values()]

    def ingest(self, paths, *, prune=False, on_progress=None) -> IngestReport:
        files = [f for p in map(Path, paths) for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
        self.ingest_calls.append(files)
        outcomes = []
        for i, f in enumerate(files):
            text = f.read_text(encoding="utf-8", errors="replace")
            if not text.strip():
                outcomes.append(FileOutcome(path=str(f), status="failed", message=f"{f}: empty file"))
                continue
            doc_id = f.stem
            info = DocumentInfo(
                doc_id=doc_id,
                title=f.stem.title(),
                source=str(f),
                doc_type="article",
                date="2024-01-01",
                language="en",
                chunks=1,
                content_hash=str(hash(text)),
                indexed_at=datetime.now(UTC).isoformat(),
            )
            status = "replaced" if doc_id in self.docs else "added"
            self.docs[doc_id] = (info, text)
            outcomes.append(FileOutcome(path=str(f), doc_id=doc_id, status=status, chunks=1))
            if on_progress:
                on_progress("embedding", i + 1, len(files))
        if prune:
            for doc_id, (info, _) in list(self.docs.items()):
                if not Path(info.source).exists():
                    del self.docs[doc_id]
                    outcomes.append(FileOutcome(path=info.source, doc_id=doc_id, status="removed"))
        return IngestReport(outcomes=outcomes)

    def remove(self, doc_ids):
        return [d for d in doc_ids if self.docs.pop(d, None)]

    def search(self, query, k=10, filters=None, mode="hybrid"):
        if not query.strip():
            raise ValueError("empty query")
        if k < 1:
            raise ValueError("k must be >= 1")
        words = set(query.lower().split())
        scored = []
        for doc_id, (info, text) in self.docs.items():
            if filters and filters.doc_id and doc_id not in filters.doc_id:
                continue
            overlap = len(words & set(text.lower().split()))
            if overlap:
                scored.append((overlap, doc_id, info, text))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [
            Hit(
                passage=Passage(
                    chunk_id=f"{doc_id}@0",
                    doc_id=doc_id,
                    title=info.title,
                    source=info.source,
                    doc_type=info.doc_type,
                    date=info.date,
                    language="en",
                    label=info.title,
                    start=0,
                    end=len(text),
                    text=text,
                ),
                rank=i + 1,
                score=float(overlap),
            )
            for i, (overlap, doc_id, info, text) in enumerate(scored[:k])
        ]


def stand_in_answer(question, history, *, index, settings, filters=None) -> Answer:
    """Quotes the first line of the top hit (enough to check that the services pass everything through)."""
    hits = index.search(question, k=settings.answer.k, filters=filters)
    if not hits:
        return Answer(
            question=question, query=question, text="The indexed documents do not answer this.", abstained=True
        )
    p = hits[0].passage
    span = p.text.splitlines()[0]
    citation = Citation(
        n=1,
        chunk_id=p.chunk_id,
        doc_id=p.doc_id,
        label=p.label,
        title=p.title,
        doc_type=p.doc_type,
        date=p.date,
        source=p.source,
        text=p.text,
        span_start=0,
        span_end=len(span),
        span=span,
    )
    return Answer(
        question=question,
        query=question,
        text=f"{span} [1]",
        citations=[citation],
        sentences=[AnswerSentence(text=span, citations=[1], supported=True, support=1.0)],
    )


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "home", index_dir=tmp_path / "index")


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "visas.txt").write_text("Designated persons shall be denied visas.\nSecond line.", encoding="utf-8")
    (folder / "fund.md").write_text("The cooperation fund supports exchanges.", encoding="utf-8")
    return folder


@pytest.fixture
def services(settings, corpus) -> Services:
    index = StandInIndex()
    svc = Services(settings, open_index=lambda s: index, answer_fn=stand_in_answer)
    svc.open(corpus)
    return svc


# ---- lifecycle --------------------------------------------------------------------------------------------------


def test_open_builds_from_corpus_only_when_the_index_is_absent(settings, corpus):
    index = StandInIndex()
    svc = Services(settings, open_index=lambda s: index, answer_fn=stand_in_answer)
    assert svc.status().state == "starting"
    with pytest.raises(NotReady):
        svc.search("visas")
    svc.open(corpus)
    assert svc.status().state == "ok"
    assert sorted(d.doc_id for d in svc.documents()) == ["fund", "visas"]
    assert svc.health() == {
        "status": "ok",
        "documents": 2,
        "chunks": 2,
        "embedder": settings.index.embedder,
        "message": None,
    }

    settings.resolved_index_dir().mkdir(parents=True)
    (settings.resolved_index_dir() / "manifest.json").write_text("{}")
    again = StandInIndex()
    Services(settings, open_index=lambda s: again).open(corpus)
    assert again.ingest_calls == []  # an existing index is opened, not rebuilt


def test_open_failure_is_reported_in_the_status(settings, corpus):
    def broken(_):
        raise RuntimeError("manifest says embedder e5-small")

    svc = Services(settings, open_index=broken)
    svc.start(corpus).join(10)
    assert svc.status().state == "error"
    assert "e5-small" in svc.health()["message"]
    with pytest.raises(NotReady, match="e5-small"):
        svc.ask("anything")


# ---- reads ------------------------------------------------------------------------------------------------------


def test_search_validates_input(services):
    assert services.search("denied visas", 5)[0].passage.doc_id == "visas"
    with pytest.raises(BadRequest, match="empty"):
        services.search("   ")
    with pytest.raises(BadRequest, match="allowed"):
        services.search("visas", filters=Filters(doc_type=["memo"]))
    with pytest.raises(BadRequest, match="allowed"):
        services.search("visas", filters=Filters(language=["fr"]))
    with pytest.raises(BadRequest, match="k must be"):
        services.search("visas", k=0)  # the index's own ValueError becomes a 400


def test_ask_passes_k_and_filters_and_checks_the_answerer(services):
    answer = services.ask("who is denied visas", [], Filters(doc_id=["visas"]), k=3)
    assert answer.citations[0].doc_id == "visas"
    assert services.ask("cooperation fund", [], Filters(doc_id=["visas"])).abstained
    assert services.settings_for(k=3, answerer="extractive").answer.k == 3
    assert services.settings.answer.k == 8  # the server's settings are not changed by a request
    with pytest.raises(BadRequest, match="POLICYQA_LLM_BASE_URL"):
        services.ask("visas", answerer="llm")
    with pytest.raises(BadRequest, match="allowed"):
        services.ask("visas", answerer="oracle")
    with pytest.raises(BadRequest, match="empty"):
        services.ask(" ")


def test_ask_stream_uses_the_stream_for_the_llm_answerer(settings, corpus):
    index = StandInIndex()

    def stream(question, history, *, index, settings, filters=None):
        yield "Designated"
        yield "Designated persons"
        yield stand_in_answer(question, history, index=index, settings=settings, filters=filters)

    llm_settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"base_url": "http://x/v1"})})
    svc = Services(llm_settings, open_index=lambda s: index, answer_fn=stand_in_answer, stream_fn=stream)
    svc.open(corpus)
    items = list(svc.ask_stream("denied visas", answerer="llm"))
    assert items[:2] == ["Designated", "Designated persons"] and isinstance(items[-1], Answer)
    assert len(list(svc.ask_stream("denied visas", answerer="extractive"))) == 1


# ---- writes -----------------------------------------------------------------------------------------------------


def test_upload_stores_indexes_and_reports_per_file_errors(services):
    report = services.upload(
        [
            ("../../evil/sanctions.txt", io.BytesIO(b"Sanctions relief for the Kumgang zone.")),
            ("empty.md", io.BytesIO(b"   ")),
            ("slides.pptx", io.BytesIO(b"PK..")),
        ]
    )
    by_status = {o.status: o for o in report.outcomes if o.status != "failed"}
    failed = {Path(o.path).name: o.message for o in report.failed}
    assert by_status["added"].doc_id == "sanctions"
    assert (services.library_dir / "sanctions.txt").is_file()  # no directory escape
    assert set(failed) == {"empty.md", "slides.pptx"}
    assert ".pdf" in failed["slides.pptx"] and "empty" in failed["empty.md"]
    assert sorted(p.name for p in services.library_dir.iterdir()) == ["sanctions.txt"]  # failures not kept
    assert services.search("Kumgang")[0].passage.doc_id == "sanctions"


def test_failed_replacement_keeps_the_previous_file(services):
    services.upload([("memo.txt", io.BytesIO(b"first version"))])
    report = services.upload([("memo.txt", io.BytesIO(b""))])
    assert report.failed and (services.library_dir / "memo.txt").read_bytes() == b"first version"
    assert [p.name for p in services.library_dir.iterdir()] == ["memo.txt"]


def test_upload_limit(settings, corpus):
    small = settings.model_copy(update={"server": settings.server.model_copy(update={"max_upload_mb": 1})})
    svc = Services(small, open_index=lambda s: StandInIndex())
    svc.open(corpus)
    with pytest.raises(TooLarge, match="1 MiB"):
        svc.upload([("big.txt", io.BytesIO(b"a" * (1024 * 1024 + 1)))])
    assert list(svc.library_dir.iterdir()) == []


def test_remove(services):
    services.upload([("memo.txt", io.BytesIO(b"a memo"))])
    assert services.remove("memo") == ["memo"]
    assert not (services.library_dir / "memo.txt").exists()  # uploaded file goes with it
    with pytest.raises(NotFound, match="memo"):
        services.remove("memo")
    services.remove("visas")
    assert "visas" not in {d.doc_id for d in services.documents()}


def test_reindex_by_path_needs_a_token_and_a_configured_root(services, settings, corpus, tmp_path):
    with pytest.raises(Forbidden, match="POLICYQA_REINDEX_ROOTS"):
        services.reindex(tmp_path)  # off by default: an open server must not read arbitrary server folders
    server = settings.server.model_copy(update={"api_token": "s3cret", "reindex_roots": [tmp_path / "docs"]})
    admin = Services(settings.model_copy(update={"server": server}), open_index=lambda s: StandInIndex())
    admin.open(corpus)
    (tmp_path / "docs").mkdir()
    for outside in ("/etc", str(tmp_path), str(tmp_path / "docs" / ".." / "corpus")):
        with pytest.raises(Forbidden, match="re-index roots"):
            admin.reindex(outside)
    assert "token" in cb.reindex_folder(admin, str(tmp_path / "docs"), False, "wrong")


def test_reindex(services, settings, tmp_path):
    server = settings.server.model_copy(update={"api_token": "s3cret", "reindex_roots": [tmp_path]})
    services.settings = settings.model_copy(update={"server": server})
    with pytest.raises(BadRequest, match="not a folder"):
        services.reindex(tmp_path / "missing")
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "order.txt").write_text("Executive order text.", encoding="utf-8")
    report = services.reindex(folder)
    assert report.count("added") == 1
    (folder / "order.txt").unlink()
    assert services.reindex(folder, prune=True).count("removed") == 1


def test_token(settings, corpus):
    assert Services(settings).check_token(None) is None  # no token configured: open
    locked = settings.model_copy(update={"server": settings.server.model_copy(update={"api_token": "s3cret"})})
    svc = Services(locked)
    svc.check_token("s3cret")
    for wrong in (None, "", "nope"):
        with pytest.raises(Unauthorized):
            svc.check_token(wrong)


def test_safe_filename():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\x\\report (1).pdf") == "report _1_.pdf"
    assert safe_filename("남북협력기금법.txt") == "남북협력기금법.txt"
    assert safe_filename("...") == "upload"


# ---- rendering and UI callbacks ---------------------------------------------------------------------------------


def _citation(text: str, start: int, end: int, n: int = 1) -> Citation:
    return Citation(
        n=n,
        chunk_id="d@0",
        doc_id="d",
        label="22 U.S.C. § 9214(b)",
        title="<b>Title</b>",
        doc_type="law",
        date="2016-02-18",
        page=3,
        section="§ 9214(b)",
        source="x",
        text=text,
        span_start=start,
        span_end=end,
        span=text[start:end],
    )


def test_render_escapes_document_text_and_highlights_the_span():
    text = "Intro <script>alert(1)</script>.\n\nThe President may designate persons."
    start = text.index("The President")
    html = answer_html(
        Answer(
            question="q",
            query="q",
            text="The President may designate persons. [1]",
            citations=[_citation(text, start, len(text))],
            sentences=[AnswerSentence(text="The President may designate persons. [1]", citations=[1], supported=True)],
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Title" in html
    assert "<mark>The President may designate persons.</mark>" in html
    assert "22 U.S.C. § 9214(b)" in html and "p. 3" in html and "2016-02-18" in html
    assert "\n\n" not in html  # a blank line would end the HTML block in the chat's markdown
    assert html.split("pqa-tools")[0].count("[1]") == 2  # the sentence's marker (once, not doubled) and the card number
    assert highlight("abc", 5, 9) == "abc"


def test_render_flags_unsupported_sentences_and_abstentions():
    html = answer_html(
        Answer(
            question="q",
            query="q",
            text="Claim. [unsupported]",
            sentences=[AnswerSentence(text="Claim.", citations=[], supported=False)],
        )
    )
    assert "pqa-unsupported" in html and "unsupported" in html
    closest = _citation("Nearby text", 0, 6)
    html = answer_html(
        Answer(question="q", query="q", text="The documents do not answer this.", abstained=True, closest=[closest])
    )
    assert "Closest passages" in html and "do not answer" in html and "not an answer" in html
    assert esc("$5 *a* _b_") == "&#36;5 &#42;a&#42; &#95;b&#95;"


def test_report_markdown_lists_failures_plainly():
    md = report_markdown(
        IngestReport(
            outcomes=[
                FileOutcome(path="a.txt", doc_id="a", status="added", chunks=3),
                FileOutcome(path="bad.pdf", status="failed", message="bad.pdf: this PDF is likely corrupt"),
            ]
        )
    )
    assert "1 added, 1 failed" in md and "bad.pdf" in md and "likely corrupt" in md


def test_filters_from_ui():
    assert cb.filters_from_ui([], None, [], "", " ") is None
    f = cb.filters_from_ui(["law"], ["visas"], ["ko"], "2019", "2020-02")
    assert f == Filters(
        doc_type=["law"], doc_id=["visas"], language=["ko"], date_from="2019-01-01", date_to="2020-02-29"
    )
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        cb.filters_from_ui(None, None, None, "last year", None)


def test_ask_turn_keeps_history_per_call_and_shows_errors(services):
    steps = list(cb.ask_turn(services, "who is denied visas", [], []))
    chat, history, box = steps[-1]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert "pqa-card" in chat[-1]["content"] and "Designated persons" in chat[-1]["content"]
    assert history == [("who is denied visas", "Designated persons shall be denied visas. [1]")] and box == ""

    chat2, history2, _ = list(cb.ask_turn(services, "and the fund?", chat, history))[-1]
    assert len(chat2) == 4 and len(history2) == 2 and len(history) == 1  # inputs are not mutated

    chat3, history3, box3 = list(cb.ask_turn(services, "visas", [], [], date_from="soon"))[-1]
    assert "pqa-error" in chat3[-1]["content"] and history3 == [] and box3 == "visas"


def test_library_callbacks(services, tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("A note about sanctions.", encoding="utf-8")
    progress: list[tuple[str, int, int]] = []
    md = cb.upload_files(services, [str(f)], None, lambda *a: progress.append(a))
    assert "1 added" in md and progress
    rows, choices = cb.library_view(services)
    assert ("Note (note)", "note") in choices and any(r[0] == "note" for r in rows)
    assert "Removed note" in cb.remove_document(services, "note", None)
    assert "no indexed document" in cb.remove_document(services, "note", None)
    assert "turned off" in cb.reindex_folder(services, "/nonexistent/dir", False, None)
    assert cb.upload_files(services, [], None).startswith("Choose")


def test_snippet_keeps_the_span_and_cuts_at_spaces():
    text = " ".join(f"w{i}" for i in range(200))
    start = text.index("w100")
    end = start + len("w100 w101")
    out = snippet(text, start, end, context=20)
    assert out.startswith("… ") and out.endswith(" …") and "<mark>w100 w101</mark>" in out
    assert len(out) < 90 and " w9" in out  # whole words either side
    assert snippet("short text", 0, 5) == "<mark>short</mark> text"
    assert snippet("short text", 9, 3) == "short text"  # a bad span shows the (short) text unmarked


def test_library_callbacks_need_the_token_when_one_is_set(settings, corpus, tmp_path):
    locked = settings.model_copy(update={"server": settings.server.model_copy(update={"api_token": "s3cret"})})
    svc = Services(locked, open_index=lambda s: StandInIndex(), answer_fn=stand_in_answer)
    svc.open(corpus)
    f = tmp_path / "note.txt"
    f.write_text("A note.", encoding="utf-8")
    assert "token" in cb.upload_files(svc, [str(f)], "wrong")
    assert "token" in cb.remove_document(svc, "visas", None)
    assert "token" in cb.reindex_folder(svc, str(corpus), False, "")
    assert {d.doc_id for d in svc.documents()} == {"visas", "fund"}
    assert "1 added" in cb.upload_files(svc, [str(f)], "s3cret")


def test_open_without_a_corpus_folder_starts_empty(settings, tmp_path):
    index = StandInIndex()
    svc = Services(settings, open_index=lambda s: index)
    svc.open(tmp_path / "no-such-corpus")
    assert svc.status().state == "ok" and svc.documents() == [] and index.ingest_calls == []


def test_ask_turn_streams_the_llm_text_then_the_cited_answer(settings, corpus):
    def stream(question, history, *, index, settings, filters=None):
        yield "Designated <persons>"
        yield stand_in_answer(question, history, index=index, settings=settings, filters=filters)

    llm_settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"base_url": "http://x/v1"})})
    svc = Services(llm_settings, open_index=lambda s: StandInIndex(), answer_fn=stand_in_answer, stream_fn=stream)
    svc.open(corpus)
    steps = [chat[-1]["content"] for chat, _, _ in cb.ask_turn(svc, "denied visas", [], [], answerer="llm")]
    assert "Searching" in steps[0]
    assert "pqa-streaming" in steps[1] and "Designated &lt;persons&gt;" in steps[1]
    assert "pqa-card" in steps[-1] and "pqa-streaming" not in steps[-1]


def test_build_progress_is_visible_while_the_index_builds(settings, corpus):
    seen: list[str] = []

    class SlowIndex(StandInIndex):
        def ingest(self, paths, *, prune=False, on_progress=None):
            def spy(stage, done, total):
                on_progress(stage, done, total)
                seen.append(cb.status_markdown(svc))

            return super().ingest(paths, prune=prune, on_progress=spy)

    svc = Services(settings, open_index=lambda s: SlowIndex(), answer_fn=stand_in_answer)
    svc.open(corpus)
    assert seen and all(s.startswith("**Building the index") for s in seen)
    assert "embedding: 2/2" in seen[-1]
    assert cb.status_markdown(svc).startswith("**Index ready:** 2 documents")
