"""norm values are read as dates: every ISO form the schema's pattern admits, when it exists."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsr_news.checks.isodates import norm_problem
from tsr_news.scheme.schemas import ANNOTATION_SCHEMA, load_schema

NORM_PATTERN = load_schema(ANNOTATION_SCHEMA)["$defs"]["entity"]["properties"]["norm"]["pattern"]

REAL = [
    "2023",
    "2023-03",
    "2023-03-05",
    "2024-02-29",
    "2023-W11",
    "2020-W53",
    "2023-03-05T14",
    "2023-03-05T14:30",
    "2023-03-05T14:30:59",
    "P1Y",
    "P1.5Y",
    "P2W",
    "PT30M",
    "P1DT12H",
    "2023-03-05/2023-03-13",
    "2023-03-05/2023-03-05",
    "2023/P1Y",
    "P1Y/2023",
    "2023-03-10/2023-03",
    "9999-12-31T23:59:59",
    "9999-W52",
]

NOT_REAL = {
    "9999-99-99T99:99:99": "month must be in 1..12",
    "2023-13": "month must be in 1..12",
    "2023-02-29": "day is out of range for month",
    "2023-W53": "Invalid week: 53",
    "2023-W00": "Invalid week: 0",
    "0000": "year 0 is out of range",
    "2023T10": "a time of day needs a full date",
    "2023-W11T10": "a time of day needs a full date",
    "2023-03-05T24": "hour must be in 0..23",
    "2023-03-05T12:60": "minute must be in 0..59",
    "2023-03-05T12:00:60": "second must be in 0..59",
    "PYYYY": "is not an ISO 8601 duration",
    "P": "is not an ISO 8601 duration",
    "PT": "is not an ISO 8601 duration",
    "P1H": "is not an ISO 8601 duration",
    "P1Y1Y": "is not an ISO 8601 duration",
    "P1Y/P2Y": "not two durations",
    "2023/2022": "the range ends (2022) before it starts (2023)",
    "2023-W11/2023-03-12": "the range ends (2023-03-12) before it starts (2023-W11)",
}


@pytest.mark.parametrize("value", REAL)
def test_real_dates_times_durations_and_ranges_pass(value):
    assert norm_problem(value) is None


@pytest.mark.parametrize(("value", "reason"), NOT_REAL.items())
def test_values_that_name_no_date_say_why(value, reason):
    problem = norm_problem(value)
    assert problem is not None and reason in problem


@settings(max_examples=300, deadline=None)
@given(st.from_regex(NORM_PATTERN, fullmatch=True))
def test_anything_the_pattern_admits_gets_an_answer_not_an_exception(value):
    assert isinstance(norm_problem(value), (str, type(None)))


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_every_real_moment_passes_at_each_precision(moment):
    for form in ("%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%dT%H", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"):
        value = f"{moment.year:04d}" + moment.strftime(form)[len(str(moment.year)) :]
        assert norm_problem(value) is None, value
    year, week, _ = moment.date().isocalendar()
    if year <= 9999:  # the ISO year of 9999-12-31 is 9999 (its week ends in the year 10000)
        assert norm_problem(f"{year:04d}-W{week:02d}") is None
