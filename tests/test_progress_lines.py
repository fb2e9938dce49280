"""Progress for a log or a pipe: a line every few seconds with files, rate and ETA (a hand-driven clock)."""

from __future__ import annotations

import io

from app.progress import LineProgress, clock_text


def test_clock_text():
    assert [clock_text(s) for s in (0, 7.4, 151, 3723)] == ["0:00", "0:07", "2:31", "1:02:03"]


def test_a_line_every_interval_with_files_rate_and_eta():
    now = [0.0]
    out = io.StringIO()
    progress = LineProgress(out, interval=5.0, clock=lambda: now[0])
    for i in range(4):
        progress("load", i, 4)
        now[0] += 0.5
    progress("load", 4, 4)  # a stage that completes always gets its line
    progress("embed", 0, 1000)
    for done in range(100, 1000, 100):
        now[0] += 2.0
        progress("embed", done, 1000)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ingest 0:02  load 4/4 files")
    embed = lines[1:]
    assert len(embed) == 3  # every 5 s of 18 s, not for each call
    assert embed[0] == "ingest 0:08  files 4/4  embed 300/1000 chunks  50.0 chunks/s  ETA 0:14"
    now[0] += 2.0
    progress("embed", 1000, 1000)
    assert out.getvalue().splitlines()[-1].endswith("embed 1000/1000 chunks  50.0 chunks/s  done")
