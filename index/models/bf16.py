"""Whether this CPU runs bfloat16 natively, and the autocast context the embedders use when it does.

Native bf16 matmuls need AVX512-BF16 or AMX-BF16; without them PyTorch emulates bf16 and autocast is slower
than float32, so "auto" only turns it on when one of those flags is present.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
Bf16Mode = Literal["auto", "on", "off"]


def cpu_flags(cpuinfo: str) -> set[str]:
    """The feature flags listed in a /proc/cpuinfo text (union over all processors)."""
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags.update(value.split())
    return flags


def flags_support_bf16(flags: Iterable[str]) -> bool:
    return not BF16_FLAGS.isdisjoint(flags)


def bf16_supported(cpuinfo_path: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU has native bfloat16 arithmetic (avx512_bf16 or amx_bf16)."""
    try:
        text = cpuinfo_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    if text:
        return flags_support_bf16(cpu_flags(text))
    try:  # no /proc/cpuinfo (macOS, containers that hide it): ask torch's own CPU probe
        import torch

        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (ImportError, AttributeError, RuntimeError):
        return False


def resolve_bf16(mode: Bf16Mode) -> bool:
    """The setting ("auto" / "on" / "off") -> whether to run under bf16 autocast."""
    if mode == "on":
        return True
    if mode == "off":
        return False
    if mode == "auto":
        return bf16_supported()
    raise ValueError(f"bf16 must be 'auto', 'on' or 'off', not {mode!r}")


def autocast(enabled: bool) -> contextlib.AbstractContextManager:
    """`torch.autocast("cpu", dtype=torch.bfloat16)` when enabled, a no-op context otherwise."""
    if not enabled:
        return contextlib.nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)
