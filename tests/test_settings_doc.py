"""docs/settings.md is generated from the settings models and must match them."""

from __future__ import annotations

from pathlib import Path

from app.settings import Settings
from app.settings_doc import REGENERATE, settings_markdown

SETTINGS_MD = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def test_docs_settings_md_is_up_to_date() -> None:
    assert SETTINGS_MD.read_text(encoding="utf-8") == settings_markdown(), (
        f"docs/settings.md is stale; regenerate it with `{REGENERATE}`"
    )


def test_every_section_field_has_a_row_with_its_variable() -> None:
    text = settings_markdown()
    for section in ("chunking", "index", "answer"):
        model = type(getattr(Settings.model_construct(), section))
        for name in model.model_fields:
            assert f"`POLICYQA_{section.upper()}__{name.upper()}`" in text
    assert "`POLICYQA_LLM_BASE_URL`" in text and "`POLICYQA_API_TOKEN`" in text


def test_output_does_not_depend_on_the_environment(monkeypatch, tmp_path) -> None:
    before = settings_markdown()
    monkeypatch.setenv("POLICYQA_HOME", str(tmp_path))
    monkeypatch.setenv("POLICYQA_INDEX__EMBEDDER", "minilm")
    monkeypatch.setenv("POLICYQA_LLM_MODEL", "other")
    assert settings_markdown() == before


def test_table_cells_escape_pipes_and_angle_brackets() -> None:
    text = settings_markdown()
    assert "default &lt;home&gt;/index" in text
    for line in text.splitlines():
        if line.startswith("| `"):
            assert line.count(" | ") == 3 + line.count("\\| "), line
