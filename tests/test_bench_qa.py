"""`policyqa eval qa --set`: which answer sets the benchmark runs."""

from __future__ import annotations

import pytest

from app.cli import build_parser
from bench.evalsets import load_answer_set
from bench.qa import ANSWER_SET, HELDOUT_SET, SET_CHOICES, selected_sets


def test_all_runs_main_then_heldout_and_one_name_runs_one_set():
    assert list(selected_sets("all").items()) == [("main", ANSWER_SET), ("heldout", HELDOUT_SET)]
    assert selected_sets("heldout") == {"heldout": HELDOUT_SET}
    assert selected_sets("main") == {"main": ANSWER_SET}
    with pytest.raises(ValueError, match="unknown answer set 'dev'"):
        selected_sets("dev")


def test_both_set_files_load():
    assert len(load_answer_set(ANSWER_SET)) >= 40 and len(load_answer_set(HELDOUT_SET)) >= 30


def test_cli_set_option_defaults_to_all():
    parser = build_parser()
    assert parser.parse_args(["eval", "qa"]).set == "all"
    assert parser.parse_args(["eval", "qa", "--set", "heldout"]).set == "heldout"
    assert set(SET_CHOICES) == {"all", "main", "heldout"}
    with pytest.raises(SystemExit):
        parser.parse_args(["eval", "qa", "--set", "dev"])
