"""Where the Gradio app shows loading progress, read from the app's own config (no browser): no event puts a loading
status on the Library's documents table; the library changes show theirs on the report line."""

from __future__ import annotations

from app.services import Services
from app.settings import Settings
from app.web.ui import build_ui


def test_no_event_loads_over_the_documents_table(tmp_path):
    config = build_ui(Services(Settings(home=tmp_path / "home", index_dir=tmp_path / "index"))).get_config_file()
    elem = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    table = next(i for i, name in elem.items() if name == "pqa-docs")
    updating = [d for d in config["dependencies"] if table in d["outputs"]]
    assert len(updating) >= 6  # timer, page load, upload, remove, re-index, metadata save
    for dep in updating:
        # Gradio tracks loading on `show_progress_on` when set, else on every output (even with progress hidden)
        tracked = dep.get("show_progress_on") or dep["outputs"]
        assert table not in tracked, [elem.get(o) for o in dep["outputs"]]
    shown = [d for d in updating if d["show_progress"] != "hidden"]
    assert shown and all([elem.get(o) for o in d["show_progress_on"]] == ["pqa-report"] for d in shown)
