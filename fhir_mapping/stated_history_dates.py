"""The dates a visit reason's words state ("in 2015", "Dec 2025", "12/28/2025"), and the latest
day each allows (stated_history.py reads them; split from it by idea, fix hist33: a date is
read the same whatever the history around it says)."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["dates", "latest_day"]

# A date a history states (text normalised: "2025-12-28" is "2025 12 28"): each form with its
# day (None: the month's last; month None: the year's), most precise first so a year inside a
# day is read as that day. A year: 1900-2099, a whole number.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_Y = r"(?P<y>(?:19|20)\d\d)"
_MON = r"\b(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_FORMS = tuple(
    re.compile(r"(?<!\d)" + form + r"(?!\d)")
    for form in (
        rf"{_Y}[ /.](?P<m>\d{{1,2}})[ /.](?P<d>\d{{1,2}})",  # 2025-12-28, 2025/12/28
        rf"(?P<m>\d{{1,2}})[ /.](?P<d>\d{{1,2}})[ /.]{_Y}",  # 12/28/2025 (or 28/12/2025)
        rf"{_MON} (?P<d>\d{{1,2}})(?:st|nd|rd|th)?,? {_Y}",  # Dec 28, 2025
        rf"(?P<d>\d{{1,2}}) {_MON},? {_Y}",  # 28 Dec 2025
        # "2025/12"; not "2025 12" (a hyphen is normalised to a space): "2015 3 times" is no
        # month, and the year alone reads later (the safer reading).
        rf"{_Y}/(?P<m>\d{{1,2}})(?![ /.]?\d)",
        rf"(?P<m>\d{{1,2}})/{_Y}",  # 12/2025
        rf"{_MON},? {_Y}",  # Dec 2025
        _Y,  # 2025
    )
)


def dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, the date written "2025-12-28", "2025-12" or "2025") of each date `text`
    states, a span read by its most precise form; a day that reads month-first and day-first
    ("01/02/2025") is read the later way, one that reads neither is skipped."""
    taken: list[tuple[int, int, str]] = []
    for form in _FORMS:
        for found in form.finditer(text):
            if any(a < found.end() and found.start() < b for a, b, _ in taken):
                continue
            parts = found.groupdict()
            year = int(parts["y"])
            month = int(parts["m"]) if parts.get("m") else None
            if parts.get("mon"):
                month = _MONTHS.index(parts["mon"]) + 1
            if month is None:
                taken.append((found.start(), found.end(), str(year)))
                continue
            if not parts.get("d"):
                if _day(year, month, None) is not None:
                    taken.append((found.start(), found.end(), f"{year:04d}-{month:02d}"))
                continue
            day = int(parts["d"])
            either = [_day(year, month, day)]
            if parts.get("mon") is None:
                either.append(_day(year, day, month))
            valid = [d for d in either if d is not None]
            if valid:
                taken.append((found.start(), found.end(), max(valid).isoformat()))
    return taken


def _day(year: int, month: int, day: int | None) -> date | None:
    """The day, or the month's last day when `day` is None; None when no such day."""
    if not 1 <= month <= 12:
        return None
    if day is None:
        following = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def latest_day(written: str) -> date:
    """The last day a date as `past_clauses` writes it allows: the day itself, a month's last
    day, a year's December 31 (module docstring)."""
    parts = [int(x) for x in written.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    day = _day(parts[0], parts[1], parts[2] if len(parts) == 3 else None)
    assert day is not None  # written by `_dates`
    return day
