"""The Gradio app: an Ask tab for researchers (cited chat) and a Library tab for librarians (upload, list,
remove, re-index). Layout and wiring only; the callbacks are plain functions in `app.web.callbacks`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.services import SUPPORTED_SUFFIXES, Services
from app.web import callbacks as cb
from app.web import gradio_api
from app.web import history as hist_store
from app.web.assets import WORKSPACE_CSS
from app.web.overview import first_screen
from app.web.render import DOCUMENT_COLUMNS
from ingest.types import DOC_TYPES

if TYPE_CHECKING:
    import gradio as gr

CSS = (
    """
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
    + WORKSPACE_CSS
)


def build_ui(services: Services) -> gr.Blocks:
    """The Blocks app over `services`. Nothing is shared between browser sessions: the chat and its history
    live in each session's `gr.State`/`gr.Chatbot` value."""
    import gradio as gr

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
            browser = gr.BrowserState(
                {"browser": "", "conversation": ""},
                storage_key="policyqa-browser",
                secret=hist_store.browser_secret(settings.home),
            )
            with gr.Row():
                with gr.Column(scale=3):
                    welcome = gr.Markdown("", elem_id="pqa-welcome")
                    with gr.Row(elem_id="pqa-examples"):
                        examples = [
                            gr.Button("", visible=False, size="sm", elem_classes=["pqa-example"]) for _ in range(3)
                        ]
                    chat = gr.Chatbot(
                        label="Answers with citations",
                        show_label=False,
                        elem_id="pqa-chat",
                        height=560,
                        latex_delimiters=[],
                        feedback_options=None,
                        sanitize_html=True,
                        autoscroll=False,
                        buttons=[],
                        placeholder="Ask about the indexed documents; every answer cites the passages it quotes.",
                    )
                    with gr.Row(elem_id="pqa-ask-row"):
                        question = gr.Textbox(
                            label="Question",
                            placeholder="e.g. Which countries are most crucial for sanctions implementation?",
                            elem_id="pqa-question",
                            scale=5,
                            lines=1,
                            max_lines=4,
                        )
                        ask = gr.Button("Ask", variant="primary", elem_id="pqa-ask", scale=1)
                    with gr.Row(elem_id="pqa-query-row"):
                        searched = gr.Textbox(
                            label="Searched query (edit it and search again)",
                            elem_id="pqa-query",
                            scale=5,
                            lines=1,
                        )
                        requery = gr.Button("Search this query", elem_id="pqa-requery", scale=1, size="md")
                    clear = gr.Button("New conversation", size="sm", elem_id="pqa-clear")
                with gr.Column(scale=1, min_width=260):
                    with gr.Accordion("Saved conversations", open=True, elem_id="pqa-conversations"):
                        convo_pick = gr.Dropdown([], label="Open or delete", elem_id="pqa-convo-pick")
                        with gr.Row():
                            convo_open = gr.Button("Open", size="sm", elem_id="pqa-convo-open")
                            convo_delete = gr.Button("Delete", size="sm", variant="stop", elem_id="pqa-convo-delete")
                        export = gr.HTML("", elem_id="pqa-export-links")
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
            with gr.Accordion("Correct a document's metadata", open=False, elem_id="pqa-edit"):
                with gr.Row():
                    edit_pick = gr.Dropdown([], label="Document", elem_id="pqa-edit-pick", scale=2)
                    edit_title = gr.Textbox(label="Title", elem_id="pqa-edit-title", scale=3)
                with gr.Row():
                    edit_date = gr.Textbox(label="Date", placeholder="YYYY-MM-DD", elem_id="pqa-edit-date")
                    edit_type = gr.Dropdown(list(DOC_TYPES), label="Type", elem_id="pqa-edit-type")
                    edit_aliases = gr.Textbox(
                        label="Aliases (other names, separated by ;)", elem_id="pqa-edit-aliases", scale=2
                    )
                edit_save = gr.Button("Save metadata", elem_id="pqa-edit-save")
            report = gr.Markdown(elem_id="pqa-report")
            table = gr.Dataframe(
                headers=list(DOCUMENT_COLUMNS),
                value=[],
                interactive=False,
                wrap=True,
                elem_id="pqa-docs",
                label="Indexed documents",
                column_widths=[
                    "190px",
                    "360px",
                    "90px",
                    "110px",
                    "90px",
                    "80px",
                    "170px",
                ],  # fixed: scrolls when narrow
                show_search="search",
            )

        # ---- wiring --------------------------------------------------------------------------------------------

        def refresh() -> tuple[Any, ...]:
            rows, choices = cb.library_view(services)
            return (
                cb.status_markdown(services),
                rows,
                gr.Dropdown(choices=choices, value=None),
                gr.Dropdown(choices=choices),
                gr.Dropdown(choices=choices),
            )

        library_outputs = [status, table, remove_pick, f_docs, edit_pick]
        # Gradio puts a (hidden) loading status on every output an event tracks; the quiet refreshes track only the
        # status line, so nothing ever loads over the documents table
        quiet: dict[str, Any] = {"show_progress": "hidden", "show_progress_on": [status]}

        def tick() -> tuple[Any, ...]:
            done = services.status().state in ("ok", "error")
            return (*refresh(), gr.Timer(active=not done))

        timer.tick(tick, outputs=[*library_outputs, timer], queue=False, api_visibility="private", **quiet)
        demo.load(refresh, outputs=library_outputs, api_visibility="private", **quiet)

        # ---- conversations: saved per owner (signed-in user, else this browser), restored on load ---------------
        store = hist_store.store_for(services)

        def with_request(fn: Any) -> Any:
            """Gradio passes the request to a parameter annotated with gr.Request; annotations here are strings."""
            fn.__annotations__["request"] = gr.Request
            return fn

        def owner(state: dict, request: gr.Request) -> str | None:
            return hist_store.owner_of(getattr(request, "username", None), (state or {}).get("browser"))

        def conversations_update(state: dict, request: gr.Request, value: str | None = None) -> Any:
            who = owner(state, request)
            listed = hist_store.choices(store.list(who)) if who else []
            return gr.Dropdown(choices=listed, value=value)

        @with_request
        def ask_fn(
            q, chat_value, hist, types, docs, langs, dfrom, dto, k_value, answerer_value, state, request: gr.Request
        ):
            state = {"browser": "", "conversation": "", **(state or {})}
            saved: dict[str, str] = {}
            searched_value: dict[str, str] = {}

            def on_answer(question_text, answer):
                searched_value["query"] = cb.searched_query(answer)
                who = owner(state, request)
                if who:
                    saved["id"] = store.add_turn(who, state["conversation"] or None, question_text, answer)

            for new_chat, new_hist, box in cb.ask_turn(
                services, q, chat_value, hist, types, docs, langs, dfrom, dto, k_value, answerer_value, on_answer
            ):
                yield new_chat, new_hist, box, gr.skip(), gr.skip(), gr.skip(), searched_value.get("query", gr.skip())
            if saved:
                state["conversation"] = saved["id"]
                yield (
                    gr.skip(),
                    gr.skip(),
                    gr.skip(),
                    state,
                    conversations_update(state, request),
                    hist_store.export_links(saved["id"]),
                    gr.skip(),
                )

        @with_request
        def requery_fn(
            q, chat_value, hist, types, docs, langs, dfrom, dto, k_value, answerer_value, state, request: gr.Request
        ):
            """The edited searched query is standalone: asked without the conversation's history."""
            rest = (types, docs, langs, dfrom, dto, k_value, answerer_value, state)
            for out in ask_fn(q, chat_value, [], *rest, request):
                chat_out, _hist, _box, *others = out
                yield (chat_out, hist, "", *others)

        ask_inputs = [question, chat, history, f_types, f_docs, f_langs, f_from, f_to, k, answerer, browser]
        ask_outputs = [chat, history, question, browser, convo_pick, export, searched]
        ask.click(ask_fn, ask_inputs, ask_outputs, concurrency_limit=2, api_visibility="private")
        question.submit(ask_fn, ask_inputs, ask_outputs, concurrency_limit=2, api_visibility="private")
        requery_inputs = [searched, *ask_inputs[1:]]
        requery.click(requery_fn, requery_inputs, ask_outputs, concurrency_limit=2, api_visibility="private")

        @with_request
        def restore_fn(state, request: gr.Request):
            state, messages, hist, listed, current = hist_store.restore(
                store, getattr(request, "username", None), state
            )
            return state, messages, hist, gr.Dropdown(choices=listed, value=None), hist_store.export_links(current)

        convo_outputs = [browser, chat, history, convo_pick, export]
        demo.load(restore_fn, [browser], convo_outputs, show_progress="hidden", api_visibility="private")

        def new_fn(state):
            return {**(state or {}), "conversation": ""}, [], [], ""

        clear.click(new_fn, [browser], [browser, chat, history, export], queue=False, api_visibility="private")

        @with_request
        def open_fn(conversation_id, state, request: gr.Request):
            if not conversation_id:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return restore_fn({**(state or {}), "conversation": conversation_id}, request)

        @with_request
        def delete_fn(conversation_id, state, request: gr.Request):
            state = dict(state or {})
            who = owner(state, request)
            if conversation_id and who:
                store.delete(who, conversation_id)
            if conversation_id and conversation_id == state.get("conversation"):
                state["conversation"] = ""
            return restore_fn(state, request)

        convo_open.click(open_fn, [convo_pick, browser], convo_outputs, api_visibility="private")
        convo_delete.click(delete_fn, [convo_pick, browser], convo_outputs, api_visibility="private")

        # ---- first screen: what the library holds, example questions from it ------------------------------------
        def overview_fn():
            text, questions = first_screen(services, len(examples))
            buttons = [
                gr.Button(questions[i], visible=True) if i < len(questions) else gr.Button(visible=False)
                for i in range(len(examples))
            ]
            return (text, *buttons)

        demo.load(overview_fn, outputs=[welcome, *examples], show_progress="hidden", api_visibility="private")
        timer.tick(
            overview_fn, outputs=[welcome, *examples], show_progress="hidden", queue=False, api_visibility="private"
        )
        for button in examples:
            button.click(lambda text: text, [button], [question], queue=False, api_visibility="private")

        @with_request
        def upload_fn(paths, token_value, request: gr.Request, progress=gr.Progress()):
            client = request.client.host if request and request.client else None
            message = cb.upload_files(services, paths, token_value, cb.gradio_progress(progress), client)
            return (message, None, *refresh())

        @with_request
        def remove_fn(doc_id, token_value, request: gr.Request):
            client = request.client.host if request and request.client else None
            return (cb.remove_document(services, doc_id, token_value, client), *refresh())

        @with_request
        def reindex_fn(path, prune_value, token_value, request: gr.Request, progress=gr.Progress()):
            client = request.client.host if request and request.client else None
            message = cb.reindex_folder(services, path, prune_value, token_value, cb.gradio_progress(progress), client)
            return (message, *refresh())

        # progress shows on the report line only, never over the documents table
        private: dict[str, Any] = {"api_visibility": "private"}
        upload.click(upload_fn, [files, token], [report, files, *library_outputs], show_progress_on=[report], **private)
        remove.click(remove_fn, [remove_pick, token], [report, *library_outputs], show_progress_on=[report], **private)
        reindex.click(
            reindex_fn, [folder, prune, token], [report, *library_outputs], show_progress_on=[report], **private
        )

        def save_fn(doc_id, title_value, date_value, type_value, aliases_value, token_value):
            message = cb.save_metadata(
                services, doc_id, title_value, date_value, type_value, aliases_value, token_value
            )
            rows, _ = cb.library_view(services)
            return message, rows

        edit_pick.change(
            lambda doc_id: cb.metadata_fields(services, doc_id),
            [edit_pick],
            [edit_title, edit_date, edit_type, edit_aliases],
            show_progress="hidden",
            **private,
        )
        edit_save.click(
            save_fn,
            [edit_pick, edit_title, edit_date, edit_type, edit_aliases, token],
            [report, table],
            show_progress_on=[report],
            **private,
        )
        gradio_api.register(gr, services)

    return demo
