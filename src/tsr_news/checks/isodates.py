"""`norm` values read as dates and times, not only matched against the schema's pattern.

The schema's pattern admits the shapes a DATE or TIME may resolve to (a year, a month, a day, an
ISO week, a time of day on a day, a duration, and a range of two of these), but not that they
exist: `9999-99-99T99:99:99` matches it. Here each part is read with `datetime`, so a month is
01-12, a day exists in its month, a week in its year, an hour is 00-23, a duration has its units
in order and a range does not end before it starts.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

_DATE = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?|-W(?P<week>[0-9]{2}))?"
    r"(?:T(?P<hour>[0-9]{2})(?::(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?)?)?"
)
_N = r"[0-9]+(?:\.[0-9]+)?"
# ISO 8601 durations: at least one unit, units in order, time units only after T
_DURATION = re.compile(
    rf"P(?=[0-9T])(?:{_N}Y)?(?:{_N}M)?(?:{_N}W)?(?:{_N}D)?(?:T(?=[0-9])(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?)?"
)


class NotADate(ValueError):
    """Why a norm value names no real date, time, duration or range."""


@lru_cache(maxsize=4096)
def norm_problem(value: str) -> str | None:
    """Why `value` is no real ISO 8601 date, time, duration or range; None when it is one.
    Cached: a corpus resolves most of its dates to a few thousand values."""
    try:
        _interval(value.split("/")) if "/" in value else _part(value)
    except NotADate as error:
        return str(error)
    return None


def _interval(parts: list[str]) -> None:
    if len(parts) != 2:
        raise NotADate("a range has exactly two parts, start/end")
    start, end = (_part(p) for p in parts)
    if start is None and end is None:
        raise NotADate(
            "a range is a start and an end, or one of them and a duration; not two durations"
        )
    if start is not None and end is not None and end[1] < start[0]:
        raise NotADate(f"the range ends ({parts[1]}) before it starts ({parts[0]})")


def _part(text: str) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last second a date or time covers; None for a (valid) duration."""
    if text.startswith("P"):
        if not _DURATION.fullmatch(text):
            raise NotADate(
                f"{text!r} is not an ISO 8601 duration (units in the order Y M W D T H M S, "
                "as in P1Y, P3M, P2W, P1DT12H)"
            )
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        raise NotADate(f"{text!r} is not an ISO 8601 date or time")
    return _span_of(text, {k: int(v) for k, v in match.groupdict().items() if v is not None})


def _span_of(text: str, f: dict[str, int]) -> tuple[dt.datetime, dt.datetime]:
    year = f["year"]
    try:
        if "week" in f:
            first = dt.datetime.combine(dt.date.fromisocalendar(year, f["week"], 1), dt.time())
            days = 7
        elif "day" in f:
            first, days = dt.datetime(year, f["month"], f["day"]), 1
        elif "month" in f:
            first = dt.datetime(year, f["month"], 1)
            days = calendar.monthrange(year, f["month"])[1]
        else:
            first, days = dt.datetime(year, 1, 1), 366 if calendar.isleap(year) else 365
        length = dt.timedelta(days=days, seconds=-1)
        last = first + length if first <= dt.datetime.max - length else dt.datetime.max
    except ValueError as error:
        raise NotADate(f"{text!r} is not a date of the calendar ({error})") from None
    if "hour" not in f:
        return first, last
    if "day" not in f:
        raise NotADate(f"{text!r}: a time of day needs a full date before it (2023-03-05T14:30)")
    return _time_span(text, first, f)


def _time_span(text: str, day: dt.datetime, f: dict[str, int]) -> tuple[dt.datetime, dt.datetime]:
    try:
        first = day.replace(hour=f["hour"], minute=f.get("minute", 0), second=f.get("second", 0))
    except ValueError as error:
        raise NotADate(f"{text!r} is not a time of day ({error})") from None
    length = {"second": 0, "minute": 59, "hour": 3599}
    unit = next(u for u in ("second", "minute", "hour") if u in f)
    return first, first + dt.timedelta(seconds=length[unit])
