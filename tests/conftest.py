"""Shared test fixtures: isolation (POLICYQA_HOME per test), offline environment, paths to ../shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.runtime import configure_process

configure_process()  # before torch or Gradio loads, as every entry point does

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own POLICYQA_HOME; no test sees another's index."""
    home = tmp_path_factory.mktemp("policyqa-home")
    monkeypatch.setenv("POLICYQA_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the real data in {SHARED_DATA} (../shared/data beside the repo); CI always has it")
    return SHARED_DATA


@pytest.fixture(scope="session")
def model_home(tmp_path_factory) -> Path:
    """A session-wide home for converted models (the e5-small conversion is done once per test session)."""
    env = os.environ.get("POLICYQA_TEST_MODEL_HOME")
    return Path(env) if env else tmp_path_factory.mktemp("policyqa-models")


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TEST_DATA
