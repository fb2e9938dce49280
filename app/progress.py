"""Progress of long work for a log or a pipe: a line every few seconds (no bars, no carriage returns).

`LineProgress` is an ``on_progress(stage, done, total)`` callback, as `Index.ingest` calls it. Each line gives
the elapsed time, the files loaded out of the total and the current stage with its rate and the time left:

    ingest 0:42  files 40/40  embed 320/2000 chunks  25.1 chunks/s  ETA 1:07
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

# What each ingest stage counts
UNITS = {"load": "files", "chunk": "documents", "embed": "chunks", "tokenize": "texts", "write": "steps"}


def clock_text(seconds: float) -> str:
    """0:07, 2:31, 1:02:03."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class LineProgress:
    """Writes a progress line to `stream` at most every `interval` seconds, and when a stage completes."""

    def __init__(
        self,
        stream: TextIO,
        *,
        interval: float = 5.0,
        label: str = "ingest",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.label = label
        self.clock = clock
        self.started = clock()
        self.last_line = self.started
        self.stage: str | None = None
        self.stage_started = self.started
        self.stage_first = 0
        self.files: tuple[int, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage != self.stage:
            if stage == "load" and self.stage is not None:  # the next run (a watcher ingests again and again)
                self.started, self.files = now, None
            self.stage, self.stage_started, self.stage_first = stage, now, done
        if stage == "load":
            self.files = (done, total)
        finished = total > 0 and done >= total
        if now - self.last_line >= self.interval or (finished and stage in ("load", "embed")):
            self.last_line = now
            self.stream.write(self.line(stage, done, total, now) + "\n")
            self.stream.flush()

    def line(self, stage: str, done: int, total: int, now: float) -> str:
        unit = UNITS.get(stage, "items")
        parts = [f"{self.label} {clock_text(now - self.started)}"]
        if self.files is not None and stage != "load":
            parts.append(f"files {self.files[0]}/{self.files[1]}")
        parts.append(f"{stage} {done}/{total} {unit}")
        elapsed = now - self.stage_started
        rate = (done - self.stage_first) / elapsed if elapsed > 0 else 0.0
        if rate > 0 and done - self.stage_first >= 2:  # one item tells no rate (the first may load a model)
            parts.append(f"{rate:.1f} {unit}/s")
            parts.append(f"ETA {clock_text((total - done) / rate)}" if done < total else "done")
        return "  ".join(parts)
