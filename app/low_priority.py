"""`at_lower_priority(fn)`: run a write (an upload's or a re-index's loading, chunking and embedding) in a fresh
thread whose OS scheduling priority is lowered, so the searches the server answers meanwhile keep the CPU first.

On Linux the nice value is per thread and inherited by the threads and processes that thread starts (torch's
OpenMP team, the loader worker process), so the whole ingest runs niced while the request threads stay as they
were. The thread ends with the call: the lowered priority never leaks into a pooled request thread. Where the
priority cannot be set (not Linux, or not allowed) the call simply runs at normal priority."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def _lower_this_thread(niceness: int) -> None:
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + niceness))
    except OSError as exc:
        log.debug("cannot lower the priority of the write thread: %s", exc)


def at_lower_priority(fn: Callable[[], T], niceness: int) -> T:
    """`fn()` run in a new thread niced by `niceness` (0: no change); returns its result or raises its error."""
    if niceness <= 0:
        return fn()
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        _lower_this_thread(niceness)
        try:
            result.append(fn())
        except BaseException as exc:  # handed to the caller's thread
            error.append(exc)

    worker = threading.Thread(target=run, name="policyqa-write", daemon=True)
    worker.start()
    worker.join()
    if error:
        raise error[0]
    return result[0]
