"""The one JSON reader: the fast path (orjson and cheap checks) and the exact scanner agree."""

from __future__ import annotations

import orjson
import pytest

from tsr_news.checks.jsonfile import MAX_DEPTH, Unreadable, _first_problem, read_json

from conftest import FIXTURE_CORPUS, REPO


def corpus_json_files():
    for root in (REPO, FIXTURE_CORPUS):
        for folder in ("raw", "annotations"):
            yield from sorted((root / folder).rglob("*.json"))


def test_every_corpus_file_reads_as_orjson_reads_it_and_the_exact_scanner_agrees():
    files = list(corpus_json_files())
    assert len(files) >= 10
    for path in files:
        data = path.read_bytes()
        assert read_json(path.name, data) == orjson.loads(data), path
        assert _first_problem(data.decode("utf-8"), True) is None, path


def top(source: bytes) -> type:
    return dict if source.startswith(b"{") else list


def nested(depth: int) -> bytes:
    return b"[" * depth + b"1" + b"]" * depth


@pytest.mark.parametrize(
    ("source", "integers_only", "value"),
    [
        (b'{"a": "x\\u003ay", "b": "p:q"}', True, {"a": "x:y", "b": "p:q"}),  # an escaped colon
        (b'{"a" : 1, "b":2}', True, {"a": 1, "b": 2}),
        (b'{"t": 0.9}', True, {"t": 0.9}),  # read alike: the schema places it
        (b'{"t": 95.0, "u": 1e2}', False, {"t": 95.0, "u": 100.0}),
        (b'{"t": 1e20, "u": 1.00000000000000000000001}', False, {"t": 1e20, "u": 1.0}),
        (b'{"n": 999999999999999999}', True, {"n": 10**18 - 1}),
        (b"[" + nested(MAX_DEPTH - 1) + b"]", True, [orjson.loads(nested(MAX_DEPTH - 1))]),
        (b'{"s": "\\ud83d\\ude80"}', True, {"s": "\U0001f680"}),  # a pair is a character
    ],
    ids=[
        "escaped-colon",
        "spaced-colon",
        "fraction",
        "whole-floats-where-fractions-belong",
        "large-and-long-floats-where-fractions-belong",
        "18-digits",
        "deepest-allowed",
        "surrogate-pair",
    ],
)
def test_what_every_reader_reads_alike_is_accepted(source, integers_only, value):
    assert read_json("f.json", source, top(source), integers_only) == value


@pytest.mark.parametrize(
    ("source", "integers_only", "code", "pointer"),
    [
        (b'{"a": "x:y", "a": "z"}', True, "json-duplicate-key", "/a"),  # colons in strings
        (b'{"a": 1, "a" : 2}', True, "json-duplicate-key", "/a"),  # a spaced colon
        (b'{"a": "\\u003a", "b": {"c": 1, "c": 1}}', True, "json-duplicate-key", "/b/c"),
        (b'{"n": 1000000000000000000}', True, "json-number-digits", "/n"),
        (b'{"n": -12345678901234567890123}', False, "json-number-digits", "/n"),
        (b'{"n": -0.0}', True, "json-not-integer", "/n"),
        (b'{"n": 1e400}', False, "json-number-range", "/n"),
        (b"[" + nested(MAX_DEPTH) + b"]", True, "json-depth", "/0" * MAX_DEPTH),
        (nested(2000), True, "json-depth", "/0" * MAX_DEPTH),
        (b'[{"\\udfff": 1}]', True, "json-surrogate", "/0"),
    ],
    ids=[
        "duplicate-among-colons-in-strings",
        "duplicate-with-a-spaced-colon",
        "duplicate-beside-an-escaped-colon",
        "19-digits",
        "23-digits-where-fractions-belong",
        "negative-zero-float",
        "infinite",
        "one-level-too-deep",
        "past-orjsons-own-limit",
        "surrogate-key",
    ],
)
def test_what_readers_would_read_apart_is_refused_with_its_pointer(
    source, integers_only, code, pointer
):
    with pytest.raises(Unreadable) as refused:
        read_json("f.json", source, top(source), integers_only)
    assert (refused.value.problem.code, refused.value.problem.pointer) == (code, pointer)
    assert refused.value.problem.line == 1
    assert "\n" not in str(refused.value)
