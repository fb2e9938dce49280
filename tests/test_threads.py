"""index.models.threads: one compute thread per physical core, from hand-written /proc/cpuinfo texts."""

from __future__ import annotations

from index.models.threads import physical_cores

# 2 cores x 2 SMT threads: logical CPUs 0 and 2 share core 0, 1 and 3 share core 1.
SMT = "\n\n".join(
    f"processor\t: {cpu}\nphysical id\t: 0\ncore id\t\t: {core}\nflags\t\t: avx2"
    for cpu, core in enumerate([0, 1, 0, 1])
)
NO_TOPOLOGY = "processor\t: 0\nflags\t: avx2\n\nprocessor\t: 1\nflags\t: avx2\n"


def test_smt_siblings_count_once():
    assert physical_cores(SMT, {0, 1, 2, 3}) == 2
    assert physical_cores(SMT, {0, 2}) == 1  # pinned to both threads of one core
    assert physical_cores(SMT, {0, 1}) == 2


def test_without_core_ids_every_allowed_cpu_counts():
    assert physical_cores(NO_TOPOLOGY, {0, 1}) == 2
    assert physical_cores("", {0, 1, 2}) == 3
