"""Import Gradio with analytics and hub calls switched off. Gradio reads these variables when it is first
imported, so every module of ours that needs Gradio goes through `import_gradio()`."""

from __future__ import annotations

import os
from types import ModuleType

OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


def set_offline_env() -> None:
    for name, value in OFFLINE_ENV.items():
        os.environ[name] = value


def import_gradio() -> ModuleType:
    set_offline_env()
    import gradio

    return gradio
