"""Dates: parse a metadata value into ISO form, and find the dates written in free text.

Written forms recognised (English and Korean policy documents): ISO ``2024-03-05`` (also a timestamp such as
``2024-03-05T09:00:00Z``), ``2024/03/05``, ``20240305`` (whole values only), ``2024.3.5`` and ``2024. 3. 5.``,
``2024년 3월 5일``, ``March 5, 2024`` / ``Mar. 5, 2024`` / ``Tuesday, March 5th, 2024``, ``5 March 2024`` /
``5th of March, 2024``, and RFC 2822 (``Tue, 05 Mar 2024 09:00:00 GMT``, as some HTML meta tags write it).
`find_dates` only reports dates with a day: a month alone ("In March 2024") names an event, not a document's date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass
from typing import Any

from .vocabulary import data_file

MIN_YEAR, MAX_YEAR = 1800, 2100

# English month names and abbreviations -> month number (ingest/data/months.yaml), in file order.
MONTH_NAMES: tuple[str, ...] = tuple(data_file("ingest", "months.yaml")["months"])
_MONTHS = {name.lower(): number for name, number in data_file("ingest", "months.yaml")["months"].items()}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

# Each pattern names its groups year/month/day; `month` is a number or an English month name.
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<![\d.])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\d])"),
    re.compile(r"(?<![\d.])(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?![\d/])"),
    re.compile(r"(?<![\d.])(?P<year>\d{4})\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"),
    re.compile(r"(?<![\d.])(?P<year>\d{4})\s?\.\s?(?P<month>\d{1,2})\s?\.\s?(?P<day>\d{1,2})(?!\d)\.?"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
)
_WEEKDAY = re.compile(
    r"^(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+"
    r"|\(?[월화수목금토일]요일\)?\s*)",
    re.I,
)
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTH_YEAR = re.compile(rf"^{_MONTH},?\s+{_YEAR}$", re.I)
_KO_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})\s*년\s*(?P<month>\d{1,2})\s*월$")


@dataclass(frozen=True)
class DateMatch:
    start: int  # character span of the written date in the searched text
    end: int
    iso: str  # YYYY-MM-DD


def _iso(year: str, month: str, day: str) -> str | None:
    m = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    if m is None or not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    try:
        return dt.date(int(year), m, int(day)).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every full date (with a day) written in `text`, in order of position; overlapping matches keep the
    earliest-starting, longest one."""
    found: list[DateMatch] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            iso = _iso(m.group("year"), m.group("month"), m.group("day"))
            if iso:
                found.append(DateMatch(m.start(), m.end(), iso))
    found.sort(key=lambda d: (d.start, -d.end))
    kept: list[DateMatch] = []
    for d in found:
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
    return kept


def parse_date(value: Any) -> str | None:
    """ISO ``YYYY-MM-DD`` (or ``YYYY-MM`` for a month: "2019-02", "February 2019", "2019년 2월") from a date, a
    YAML date or a value that is one written date (see the module docstring), possibly with a weekday in
    front; None for anything else."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    s = re.sub(r"\s+", " ", str(value)).strip()
    if not s:
        return None
    ts = _TIMESTAMP.match(s)
    if ts:
        s = ts.group(1)
    ym = _YEAR_MONTH.fullmatch(s)
    if ym:
        return s if 1 <= int(ym.group(2)) <= 12 and MIN_YEAR <= int(ym.group(1)) <= MAX_YEAR else None
    compact = _COMPACT.fullmatch(s)
    if compact:
        return _iso(*compact.groups())
    core = _WEEKDAY.sub("", s).strip().rstrip(".,").strip()
    month = _MONTH_YEAR.fullmatch(core) or _KO_YEAR_MONTH.fullmatch(core)
    if month:
        iso = _iso(month.group("year"), month.group("month"), "1")
        return iso[:7] if iso else None
    for pattern in _PATTERNS:
        m = pattern.fullmatch(core) or pattern.fullmatch(core + ".")
        if m:
            return _iso(m.group("year"), m.group("month"), m.group("day"))
    if re.search(r"\d{1,2}:\d{2}", s):  # RFC 2822 from HTML meta / HTTP headers
        try:
            return email.utils.parsedate_to_datetime(s).date().isoformat()
        except (TypeError, ValueError, IndexError):
            return None
    return None
