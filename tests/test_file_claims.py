"""`FileClaims`: writes on the same library file take turns; writes on other files do not wait."""

from __future__ import annotations

import threading
from pathlib import Path

from app.file_claims import FileClaims


def _key(path: Path) -> str:
    return str(path.resolve())


def test_a_claim_on_the_same_file_waits_and_one_on_another_file_does_not(tmp_path: Path) -> None:
    claims = FileClaims()
    a, b, c = (tmp_path / n for n in ("a.txt", "b.txt", "c.txt"))
    inside: dict[str, threading.Event] = {"ab": threading.Event(), "c": threading.Event()}
    leave = threading.Event()

    def write(name: str, paths: list[Path]) -> None:
        with claims.hold(paths):
            inside[name].set()
            leave.wait(10)

    with claims.hold([a]):
        waiter = threading.Thread(target=write, args=("ab", [b, a]))
        other = threading.Thread(target=write, args=("c", [c]))
        waiter.start()
        other.start()
        assert inside["c"].wait(5), "a claim on another file waited"
        assert not inside["ab"].wait(0.3), "a claim on a held file did not wait"
        assert claims.held() == {_key(a), _key(c)}  # the waiting write holds nothing yet
    assert inside["ab"].wait(5), "the waiting write never got its files"
    assert claims.held() == {_key(a), _key(b), _key(c)}
    leave.set()
    waiter.join(5)
    other.join(5)
    assert claims.held() == set()


def test_a_claim_is_released_when_its_block_raises(tmp_path: Path) -> None:
    claims = FileClaims()
    try:
        with claims.hold([tmp_path / "a.txt"]):
            raise RuntimeError("write failed")
    except RuntimeError:
        pass
    assert claims.held() == set()
    with claims.hold([tmp_path / "a.txt"]):  # not left held
        assert claims.held() == {_key(tmp_path / "a.txt")}
