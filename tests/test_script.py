"""ingest.script: the Hangul classes and checks shared by ingest, index and the answer engine."""

from __future__ import annotations

import pytest

from ingest.script import HANGUL_WORD, hangul_share, has_hangul, has_hangul_letter, is_hangul, mostly_hangul


@pytest.mark.parametrize("ch, expected", [("가", True), ("힣", True), ("ㄱ", False), ("a", False), ("漢", False)])
def test_is_hangul_syllable(ch, expected):
    assert is_hangul(ch) is expected


def test_has_hangul_syllable_or_letter():
    assert has_hangul("Act 제10조") and not has_hangul("ㅋㅋ") and has_hangul_letter("ㅋㅋ")
    assert not has_hangul("Section 10") and not has_hangul_letter("Section 10")


def test_hangul_share_counts_letters_only():
    assert hangul_share("남북 2024 AB") == 0.5
    assert hangul_share("12345 !!") == 0.0


def test_mostly_hangul_compares_syllables_with_latin_letters():
    assert mostly_hangul("남북교류협력 Act") and not mostly_hangul("Inter-Korean 교류 Act")


def test_hangul_word():
    assert HANGUL_WORD.findall("the 남북협력기금 fund, 기금은") == ["남북협력기금", "기금은"]
