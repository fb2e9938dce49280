"""Process-wide set-up, done once by each entry point (the `policyqa` CLI, the server, the test session) before
torch or Gradio is imported. Library code never changes the process environment."""

from __future__ import annotations

import os

# Nothing may reach a model hub or an analytics endpoint: models load from local files only.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
}
# OpenMP threads sleep instead of spinning while they wait: on 2 busy cores a spinning pool made a MiniLM query
# 20x slower. OpenMP reads this once, when torch loads; a user's own setting wins.
OMP_DEFAULTS = {"OMP_WAIT_POLICY": "PASSIVE"}


def configure_process() -> None:
    """Force the offline variables and default the OpenMP wait policy. Idempotent."""
    os.environ.update(OFFLINE_ENV)
    for name, value in OMP_DEFAULTS.items():
        os.environ.setdefault(name, value)
