"""How many compute threads the embedders use: one per physical core this process may run on.

Matrix kernels gain nothing from a second hardware thread of the same core (SMT siblings share its vector units) and
lose to the contention, so the count is physical cores, not logical CPUs. On a machine without SMT the two agree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def physical_cores(cpuinfo: str, allowed: Iterable[int]) -> int:
    """Distinct (physical id, core id) pairs among the `allowed` logical CPUs of a /proc/cpuinfo text; the number
    of allowed CPUs when the text does not say which core each belongs to."""
    allowed = set(allowed)
    cores: set[tuple[str, str]] = set()
    for block in cpuinfo.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        if "processor" not in fields or not fields["processor"].isdigit() or int(fields["processor"]) not in allowed:
            continue
        if "core id" not in fields:
            return len(allowed)
        cores.add((fields.get("physical id", "0"), fields["core id"]))
    return len(cores) if cores else len(allowed)


def compute_threads(cpuinfo_path: Path = Path("/proc/cpuinfo")) -> int:
    """One thread per physical core this process may run on (at least 1)."""
    try:
        allowed = set(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
    try:
        text = cpuinfo_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return max(1, len(allowed))
    return max(1, physical_cores(text, allowed))
