"""Whether this CPU runs bfloat16 natively, and the autocast context the embedders use when it does.

Native bf16 matmuls need AVX512-BF16 or AMX-BF16; without them PyTorch emulates bf16 and autocast is slower
than float32, so "auto" only turns it on when one of those flags is present.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
Bf16Mode = Literal["auto", "on", "off"]
# ONEDNN_MAX_CPU_ISA values that stop oneDNN (torch's bf16 matmuls) below native bf16, and below AVX-512.
ONEDNN_ISAS_WITHOUT_BF16 = frozenset(
    {"SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI"}
)
ONEDNN_ISAS_WITHOUT_AVX512 = frozenset({"SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2"})


def cpu_flags(cpuinfo: str) -> set[str]:
    """The feature flags listed in a /proc/cpuinfo text (union over all processors)."""
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags.update(value.split())
    return flags


def usable_flags(flags: Iterable[str], env: Mapping[str, str]) -> set[str]:
    """The CPU flags torch may use under the process environment `env`: `ATEN_CPU_CAPABILITY=avx2|default` and
    `ONEDNN_MAX_CPU_ISA` (e.g. `AVX2`) cap PyTorch and oneDNN below the CPU's own instruction sets, so the flags they
    forbid (AVX-512, bf16, AMX) are removed. With neither set, `flags` unchanged."""
    usable = set(flags)
    aten = env.get("ATEN_CPU_CAPABILITY", "").strip().lower()
    onednn = env.get("ONEDNN_MAX_CPU_ISA", env.get("DNNL_MAX_CPU_ISA", "")).strip().upper()
    if aten in ("default", "avx2") or onednn in ONEDNN_ISAS_WITHOUT_AVX512:
        usable = {f for f in usable if not f.startswith(("avx512", "amx"))}
    if onednn in ONEDNN_ISAS_WITHOUT_BF16:
        usable -= BF16_FLAGS
    elif onednn == "AVX512_CORE_BF16":
        usable.discard("amx_bf16")
    return usable


def flags_support_bf16(flags: Iterable[str]) -> bool:
    return not BF16_FLAGS.isdisjoint(flags)


def bf16_supported(cpuinfo_path: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU has native bfloat16 arithmetic (avx512_bf16 or amx_bf16) that torch may use (see
    `usable_flags`)."""
    try:
        text = cpuinfo_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    if text:
        return flags_support_bf16(usable_flags(cpu_flags(text), os.environ))
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
