"""The Gradio app: an Ask tab for researchers (cited chat) and a Library tab for librarians (upload, list,
remove, re-index). Layout and wiring only; the callbacks are plain functions in `app.web.callbacks`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.services import SUPPORTED_SUFFIXES, Services
from app.web import callbacks as cb
from app.web.gradio_env import import_gradio
from app.web.render import DOCUMENT_COLUMNS
from ingest.types import DOC_TYPES

if TYPE_CHECKING:
    import gradio as gr

CSS = """
.pqa-msg { line-height: 1.5; }
.pqa-answer { margin-bottom: 0.6em; }
.pqa-ref { color: #1d4ed8; font-weight: 600; margin-left: 1px; }
.pqa-unsupported { background: #fef2f2; text-decoration: underline wavy #dc2626; }
.pqa-flag { color: #b91c1c; font-size: 0.8em; font-weight: 600; white-space: nowrap; }
.pqa-abstained { font-style: italic; }
.pqa-error { color: #b91c1c; }
.pqa-cards-title { font-weight: 600; font-size: 0.85em; text-transform: uppercase; letter-spacing: 0.04em;
  margin: 0.8em 0 0.3em; opacity: 0.75; }
.pqa-card { border: 1px solid #d1d5db; border-left: 4px solid #2563eb; border-radius: 6px; padding: 0.5em 0.75em;
  margin: 0.4em 0; font-size: 0.9em; }
.pqa-abstained ~ .pqa-card { border-left-color: #9ca3af; }
.pqa-card-head { font-weight: 700; }
.pqa-n { color: #1d4ed8; }
.pqa-card-title { font-weight: 500; }
.pqa-card-meta { font-size: 0.85em; opacity: 0.75; margin-bottom: 0.3em; }
.pqa-passage { max-height: 12em; overflow-y: auto; white-space: normal; }
.pqa-passage mark { background: #fde68a; color: inherit; padding: 0 1px; }
.pqa-confidence { font-size: 0.85em; font-weight: 600; margin-bottom: 0.3em; }
.pqa-high { color: #15803d; }
.pqa-medium { color: #b45309; }
.pqa-low { color: #6b7280; }
.pqa-answer-low { opacity: 0.8; font-style: italic; }
.pqa-scope { font-size: 0.8em; opacity: 0.7; margin-top: 0.5em; }
"""


def build_ui(services: Services) -> gr.Blocks:
    """The Blocks app over `services`. Nothing is shared between browser sessions: the chat and its history
    live in each session's `gr.State`/`gr.Chatbot` value."""
    gr = import_gradio()
    settings = services.settings
    llm_on = bool(settings.llm.base_url)
    token_needed = bool(settings.server.api_token)

    # delete_cache: Gradio's copies of uploaded files are removed after an hour (checked hourly)
    with gr.Blocks(title="policyqa", delete_cache=(3600, 3600)) as demo:
        gr.Markdown("## policyqa — cited answers from policy documents")
        status = gr.Markdown(cb.status_markdown(services), elem_id="pqa-status")
        timer = gr.Timer(2.0)

        with gr.Tab("Ask", id="ask", elem_id="tab-ask"):
            history = gr.State([])
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(
                        label="Answers with citations",
                        show_label=False,
                        elem_id="pqa-chat",
                        height=560,
                        latex_delimiters=[],
                        feedback_options=None,
                        sanitize_html=True,
                        buttons=["copy"],
                        placeholder="Ask about the indexed documents; every answer cites the passages it quotes.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            label="Question",
                            placeholder="e.g. Who may the President designate under § 9214?",
                            elem_id="pqa-question",
                            scale=5,
                            lines=1,
                            max_lines=4,
                        )
                        ask = gr.Button("Ask", variant="primary", elem_id="pqa-ask", scale=1)
                    with gr.Row():
                        searched = gr.Textbox(
                            label="Searched query (edit it and search again)",
                            elem_id="pqa-query",
                            scale=5,
                            lines=1,
                        )
                        requery = gr.Button("Search this query", elem_id="pqa-requery", scale=1)
                    clear = gr.Button("New conversation", size="sm", elem_id="pqa-clear")
                with gr.Column(scale=1, min_width=260):
                    with gr.Accordion("Filters", open=True):
                        f_types = gr.CheckboxGroup(list(DOC_TYPES), label="Document type", elem_id="pqa-f-type")
                        f_docs = gr.Dropdown([], label="Documents", multiselect=True, elem_id="pqa-f-docs")
                        f_langs = gr.CheckboxGroup(
                            [("English", "en"), ("Korean", "ko")], label="Language", elem_id="pqa-f-lang"
                        )
                        with gr.Row():
                            f_from = gr.Textbox(label="Date from", placeholder="YYYY-MM-DD", elem_id="pqa-f-from")
                            f_to = gr.Textbox(label="Date to", placeholder="YYYY-MM-DD", elem_id="pqa-f-to")
                    with gr.Accordion("Settings", open=False):
                        k = gr.Slider(1, 50, value=settings.answer.k, step=1, label="Passages retrieved (k)")
                        answerer = gr.Radio(
                            ["extractive", "llm"],
                            value=settings.answer.answerer if llm_on else "extractive",
                            label="Answerer",
                            interactive=llm_on,
                            info=None if llm_on else "The LLM answerer needs POLICYQA_LLM_BASE_URL.",
                        )

        with gr.Tab("Library", id="library", elem_id="tab-library"):
            token = gr.Textbox(
                label="API token (POLICYQA_API_TOKEN)",
                type="password",
                visible=token_needed,
                elem_id="pqa-token",
                info="Changes to the library need the server's token.",
            )
            with gr.Row():
                with gr.Column():
                    files = gr.File(
                        label=f"Upload documents ({', '.join(SUPPORTED_SUFFIXES)})",
                        file_count="multiple",
                        file_types=list(SUPPORTED_SUFFIXES),
                        elem_id="pqa-upload",
                    )
                    upload = gr.Button("Index uploaded files", variant="primary", elem_id="pqa-upload-btn")
                with gr.Column():
                    folder = gr.Textbox(
                        label="Re-index a folder on the server", placeholder="/path/to/folder", elem_id="pqa-folder"
                    )
                    prune = gr.Checkbox(label="Also remove documents whose files are gone (prune)", value=False)
                    reindex = gr.Button("Re-index folder", elem_id="pqa-reindex-btn")
                    with gr.Row():
                        remove_pick = gr.Dropdown([], label="Remove a document", elem_id="pqa-remove-pick", scale=3)
                        remove = gr.Button("Remove", variant="stop", elem_id="pqa-remove-btn", scale=1)
            report = gr.Markdown(elem_id="pqa-report")
            table = gr.Dataframe(
                headers=list(DOCUMENT_COLUMNS),
                value=[],
                interactive=False,
                wrap=True,
                elem_id="pqa-docs",
                label="Indexed documents",
                column_widths=["18%", "40%", "8%", "10%", "8%", "6%", "10%"],
                show_search="search",
            )

        # ---- wiring --------------------------------------------------------------------------------------------

        def refresh() -> tuple[Any, Any, Any, Any]:
            rows, choices = cb.library_view(services)
            return (
                cb.status_markdown(services),
                rows,
                gr.Dropdown(choices=choices, value=None),
                gr.Dropdown(choices=choices),
            )

        library_outputs = [status, table, remove_pick, f_docs]

        def tick() -> tuple[Any, ...]:
            done = services.status().state in ("ok", "error")
            return (*refresh(), gr.Timer(active=not done))

        timer.tick(tick, outputs=[*library_outputs, timer], show_progress="hidden", queue=False)
        demo.load(refresh, outputs=library_outputs, show_progress="hidden")

        def ask_fn(q, chat_value, hist, types, docs, langs, dfrom, dto, k_value, answerer_value):
            last: dict[str, str] = {}
            for out in cb.ask_turn(
                services,
                q,
                chat_value,
                hist,
                types,
                docs,
                langs,
                dfrom,
                dto,
                k_value,
                answerer_value,
                on_answer=lambda a: last.update(query=cb.searched_query(a)),
            ):
                yield (*out, last.get("query", gr.update()))

        def requery_fn(q, chat_value, hist, *rest):  # the edited query is standalone: no history carried
            for chat_out, _hist, _box, query_out in ask_fn(q, chat_value, [], *rest):
                yield chat_out, hist, "", query_out

        ask_inputs = [question, chat, history, f_types, f_docs, f_langs, f_from, f_to, k, answerer]
        ask_outputs = [chat, history, question, searched]
        ask.click(ask_fn, ask_inputs, ask_outputs, concurrency_limit=2)
        question.submit(ask_fn, ask_inputs, ask_outputs, concurrency_limit=2)
        requery_inputs = [searched, *ask_inputs[1:]]
        requery.click(requery_fn, requery_inputs, ask_outputs, concurrency_limit=2)
        clear.click(lambda: ([], []), outputs=[chat, history], queue=False)

        def upload_fn(paths, token_value, progress=gr.Progress()):
            message = cb.upload_files(services, paths, token_value, cb.gradio_progress(progress))
            return (message, None, *refresh())

        def remove_fn(doc_id, token_value):
            return (cb.remove_document(services, doc_id, token_value), *refresh())

        def reindex_fn(path, prune_value, token_value, progress=gr.Progress()):
            message = cb.reindex_folder(services, path, prune_value, token_value, cb.gradio_progress(progress))
            return (message, *refresh())

        upload.click(upload_fn, [files, token], [report, files, *library_outputs])
        remove.click(remove_fn, [remove_pick, token], [report, *library_outputs])
        reindex.click(reindex_fn, [folder, prune, token], [report, *library_outputs])

    return demo
