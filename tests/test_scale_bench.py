"""`policyqa eval scale` pieces: replicated documents, the per-phase profile and a small end-to-end measurement."""

from __future__ import annotations

import time

from bench.scale import PER_DOC, PhaseProfile, measure, phase_line, replicated_documents

BASE = [
    ("The Treasury blocks the property of designated persons under the sanctions regulations.", "en"),
    ("Visa waiver travel to North Korea requires a special validation passport.", "en"),
    ("남북협력기금은 통일부 장관이 관리하고 운용한다.", "ko"),
    ("Sanctions relief depends on verified steps toward denuclearisation.", "en"),
]


def test_replicated_documents_hold_the_requested_passages_with_copy_markers():
    docs = list(replicated_documents(BASE, 250))
    assert len(docs) == 3 and [d.doc_id for d in docs] == ["scale-000000", "scale-000001", "scale-000002"]
    passages = [p for d in docs for p in d.text.split("\n\n")]
    assert len(passages) == 250 and len(docs[0].text.split("\n\n")) == PER_DOC
    assert passages[0].endswith(" [r0]") and passages[4].endswith(" [r1]") and passages[4].startswith(BASE[0][0])
    assert len(set(passages)) == 250


def test_phase_profile_adds_the_seconds_of_each_phase_and_samples_its_peak_rss():
    with PhaseProfile(interval=0.01) as profile:
        profile("tokenize", 0, 10)
        time.sleep(0.05)
        profile("tokenize", 5, 10)  # the same stage again is not a new phase
        profile("bm25", 0, 10)
        profile.phase("open")
        profile.phase("tokenize")  # a phase seen again adds to its seconds
        time.sleep(0.02)
    assert list(profile.phases) == ["tokenize", "bm25", "open"]
    assert profile.phases["tokenize"]["s"] >= 0.06
    assert all(p["peak_rss_mb"] > 0 for p in profile.phases.values())
    assert phase_line(profile.phases).startswith("tokenize 0 s / ")


def test_a_small_scale_measurement_reports_every_phase_and_exact_recall(tmp_path):
    r = measure(250, base=BASE, queries=["blocked property", "남북협력기금 관리"], workdir=tmp_path)
    assert r["passages"] == 250 and r["ann"] == "flat"
    assert r["recall_at_10"] == 1.0  # a flat index is exact
    assert {"chunk", "embed", "tokenize", "dense", "bm25", "write", "open", "search", "recall"} <= set(r["phases"])
    assert r["queries"] == 2 and r["p95_ms"] > 0 and r["index_mb"] > 0
