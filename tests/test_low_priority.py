"""`at_lower_priority`: the call runs in a thread niced by the given amount (and threads it starts inherit it),
the caller's thread keeps its priority, and the result or the error comes back to the caller."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from app.low_priority import at_lower_priority

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are a Linux feature")


def nice_of_this_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_call_runs_niced_and_the_caller_does_not():
    before = nice_of_this_thread()
    seen: list[int] = []

    def write() -> str:
        seen.append(nice_of_this_thread())
        child = threading.Thread(target=lambda: seen.append(nice_of_this_thread()))
        child.start()
        child.join()
        return "done"

    assert at_lower_priority(write, 5) == "done"
    assert seen == [min(19, before + 5)] * 2  # the write thread and a thread it started
    assert nice_of_this_thread() == before


def test_the_error_reaches_the_caller_and_zero_runs_in_place():
    def broken() -> None:
        raise ValueError("bad file")

    with pytest.raises(ValueError, match="bad file"):
        at_lower_priority(broken, 5)
    assert at_lower_priority(threading.get_native_id, 0) == threading.get_native_id()
