"""The layout's rules, checked: imports point one way (app -> index -> ingest), the core needs no UI, server or
LangChain package, and the installed product carries no benchmark code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = {"ingest": set(), "index": {"ingest"}, "app": {"index", "ingest"}}
FIRST_PARTY = {"ingest", "index", "app", "bench", "tests"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & FIRST_PARTY


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_point_one_way(package):
    allowed = LAYERS[package] | {package}
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_packages(path) - allowed)
        for path in (REPO / package).rglob("*.py")
        if imported_packages(path) - allowed
    }
    assert offenders == {}


def test_the_core_imports_no_ui_server_or_langchain_package():
    code = (
        "import sys\n"
        "import app.cli, app.answer, app.settings, index.index, ingest\n"
        "app.cli.build_parser()\n"
        "heavy = sorted(m for m in ('gradio', 'fastapi', 'uvicorn', 'langchain_core', 'langchain_openai')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO / "tests",
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_the_wheel_packages_exclude_bench():
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not any(pattern.startswith("bench") for pattern in include)
    assert {"ingest*", "index*", "app*"} <= set(include)
