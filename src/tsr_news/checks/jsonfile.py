"""Reading a JSON file the one way: as every reader in the chain would read it, or refused.

The tools read a file with orjson, check it with JSON Schema (jsonschema-rs, jsonschema), and
work on it in Python. Where these would read a file differently, or one of them could not
read it, the difference must not reach them: `read_json` refuses the file, naming the file,
line and JSON Pointer, in one line (`Unreadable.problem`). Refused:

- a top-level value of another type than the file holds (`null` where an object belongs: it
  read as "nothing", and a build dropped the document silently);
- a key twice in one object (readers differ on which counts; ours kept the last);
- in a file whose numbers are integers (`integers_only`: every corpus file, whose numbers
  are offsets and versions), a whole number written with a fraction or an exponent: JSON
  Schema reads `95.0` and `9.5e1` as the integer 95, Python as the float 95.0, which then
  fails where a Python integer is needed. It is refused as not an integer, never rounded.
  Other fractions (`0.9`) are read alike, and left to the schema to place;
- an integer of more than `MAX_INTEGER_DIGITS` digits: each has fewer than 2**63, so every
  reader holds it exactly (orjson reads longer ones as floats, Python refuses past 4,300);
- a number beyond a float's range (`1e400`: Python reads infinity); NaN and Infinity,
  which Python's json reads and are not JSON;
- a lone surrogate escape (`"\\ud800"`), in a string or a key: half of a UTF-16 pair, no
  character; Python keeps it, and writing it as UTF-8 fails later;
- nesting deeper than `MAX_DEPTH` levels (Python's json recurses, and fails deep enough).

The valid path stays fast (measured in the commit that added this module): orjson parses,
and checks over the whole buffer, in C, prove the rest: strings blanked out by one regular
expression, what remains shows every number's form, its colons count the object members
(against the parsed value's, re-serialized), and its brackets the depth. Only a file that
fails one of them, or that orjson refuses, is read again by the exact scanner
(`_first_problem`, in Python), which names the first problem in document order.
"""

from __future__ import annotations

import json
import math
import re
from json.decoder import scanstring

import orjson

from tsr_news.checks.jsonpointer import pointer
from tsr_news.checks.problems import Problem

MAX_DEPTH = 64  # the files nest 8 levels at most; Python's json fails near 1,000
MAX_INTEGER_DIGITS = 18  # every integer of 18 digits is below 2**63
UTF8_BOM = b"\xef\xbb\xbf"

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LITERALS = ("true", "false", "null")
_NOT_JSON = ("NaN", "Infinity", "-Infinity")


class Unreadable(ValueError):
    """A JSON file `read_json` refused; `problem` says where and why, in one line."""

    def __init__(self, problem: Problem):
        super().__init__(problem.as_text())
        self.problem = problem


def read_json(path: str, data: bytes, top: type = dict, integers_only: bool = True) -> object:
    """The JSON value of the file `path` (named in problems), whose bytes are `data`; raises
    `Unreadable` unless every reader would read it alike and its top-level value is a `top`
    (dict or list). With `integers_only` (the default), a whole number must be written as an
    integer."""
    if data.startswith(UTF8_BOM):
        _refuse(
            path,
            1,
            "",
            "utf8-bom",
            "file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM",
        )
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        value = _read_exactly(path, data, integers_only)
    else:
        if isinstance(value, top) and not _plainly_alike(data, value, integers_only):
            _read_exactly(path, data, integers_only)
    if not isinstance(value, top):
        start = len(data) - len(data.lstrip(b" \t\n\r"))
        _refuse(
            path,
            data.count(b"\n", 0, start) + 1,
            "",
            "json-top-type",
            f"the file holds {_kind(value)}; it must hold {_kind(top())}",
        )
    return value


def utf8_problem(path: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    """The problem of a file that is not UTF-8 (any file of the corpus, JSON or text)."""
    return Problem(
        path,
        data.count(b"\n", 0, error.start) + 1,
        "",
        "utf8-invalid",
        f"not valid UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} "
        f"({error.reason}); files are UTF-8",
    )


def _plainly_alike(data: bytes, value: dict | list, integers_only: bool) -> bool:
    """Whether a file orjson read is shown by cheap checks to be read alike by every reader
    (False: maybe not, and the exact scanner decides)."""
    if not _plain(value, 1, integers_only):
        return False
    # An object member has one colon outside strings. So a source with a key given twice has
    # more colons than the value as parsed, re-serialized (where orjson writes a string's
    # colons as they are, and drops the member given first), unless the source escapes a
    # colon (\u003a): such a file, rare, goes to the exact scanner.
    return b"\\u003" not in data and data.count(b":") == orjson.dumps(value).count(b":")


_LIMIT = 10**MAX_INTEGER_DIGITS


def _plain(container: dict | list, depth: int, integers_only: bool) -> bool:
    """Whether `container` (at nesting level `depth`) holds nothing for the exact scanner to
    judge: no number of more than MAX_INTEGER_DIGITS digits before its point (an integer that
    long, or a float that large: it may have been written as one), no whole float with
    `integers_only`, no container deeper than MAX_DEPTH. One pass over the value as parsed,
    in Python: cheaper than finding the numbers in the source with a regular expression."""
    if depth > MAX_DEPTH:
        return False
    for child in container.values() if type(container) is dict else container:
        kind = type(child)
        if kind is str:
            continue
        if kind is dict or kind is list:
            if not _plain(child, depth + 1, integers_only):
                return False
        elif (kind is int or kind is float) and not (
            -_LIMIT < child < _LIMIT and (kind is int or not (integers_only and child.is_integer()))
        ):
            return False
    return True


def _read_exactly(path: str, data: bytes, integers_only: bool) -> object:
    """Refuse the file with its first problem; the exact path, for files the fast one could not
    vouch for. Returns only for a file without problems (then as Python's json reads it)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(utf8_problem(path, data, error)) from None
    try:
        found = _first_problem(text, integers_only)
    except json.JSONDecodeError as error:
        raise Unreadable(_syntax_problem(path, text, error)) from None
    if found is not None:
        pos, parts, code, message = found
        _refuse(path, text.count("\n", 0, pos) + 1, pointer(parts), code, message)
    return json.loads(text)


def _syntax_problem(path: str, text: str, error: json.JSONDecodeError) -> Problem:
    # the parser ran out of text: at the end, or inside a string never closed
    truncated = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
    message = (
        f"the file ends before its JSON is complete (truncated?): {error.msg}"
        if truncated
        else f"not valid JSON: {error.msg} (column {error.colno})"
    )
    code = "json-truncated" if truncated else "json-syntax"
    return Problem(path, error.lineno, "", code, message)


Found = tuple[int, list, str, str]  # position, path, code, message


def _first_problem(text: str, integers_only: bool) -> Found | None:
    """The first problem of the JSON `text` in document order, None if it has none; raises
    `json.JSONDecodeError`, worded as Python's json words it, where `text` is not JSON.
    Iterative, so depth costs no recursion."""
    keys_of: list[dict[str, int] | None] = []  # per open container: an object's keys, or None
    path: list[str | int] = []
    pos = _skip(text, 0)
    while True:
        # a value starts at `pos`
        char = text[pos : pos + 1]
        if char in ("{", "["):
            if len(keys_of) == MAX_DEPTH:
                return pos, path, "json-depth", f"nested deeper than {MAX_DEPTH} levels"
            pos = _skip(text, pos + 1)
            keys_of.append({} if char == "{" else None)
            path.append(0)
            if text[pos : pos + 1] == ("}" if char == "{" else "]"):
                keys_of.pop()
                path.pop()
                pos += 1
            elif char == "[":
                continue
            else:
                pos, found = _key(text, pos, keys_of[-1], path)
                if found:
                    return found
                continue
        elif char == '"':
            string, end = scanstring(text, pos + 1)
            if _SURROGATE.search(string):
                return pos, path, "json-surrogate", _surrogate_message("string", string)
            pos = end
        else:
            pos, found = _scalar(text, pos, path, integers_only)
            if found:
                return found
        # after a value: close the containers it ends, or go on to the next member
        while True:
            pos = _skip(text, pos)
            if not keys_of:
                if pos != len(text):
                    raise json.JSONDecodeError("Extra data", text, pos)
                return None
            keys, char = keys_of[-1], text[pos : pos + 1]
            if char == ",":
                pos = _skip(text, pos + 1)
                if keys is None:
                    path[-1] += 1
                    break
                pos, found = _key(text, pos, keys, path)
                if found:
                    return found
                break
            if char != ("]" if keys is None else "}"):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
            keys_of.pop()
            path.pop()
            pos += 1


def _key(text: str, pos: int, keys: dict[str, int], path: list) -> tuple[int, Found | None]:
    """Read an object's key at `pos` (it becomes the last part of `path`) and its colon:
    the position of its value, or the problem with the key."""
    if text[pos : pos + 1] != '"':
        raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
    key, end = scanstring(text, pos + 1)
    if _SURROGATE.search(key):
        return pos, (pos, path[:-1], "json-surrogate", _surrogate_message("key", key))
    path[-1] = key
    if key in keys:
        first = text.count("\n", 0, keys[key]) + 1
        message = (
            f"key {key!r} is given twice in this object (first on line {first}); readers "
            "differ on which one counts: keep one"
        )
        return pos, (pos, path, "json-duplicate-key", message)
    keys[key] = pos
    pos = _skip(text, end)
    if text[pos : pos + 1] != ":":
        raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
    return _skip(text, pos + 1), None


def _scalar(text: str, pos: int, path: list, integers_only: bool) -> tuple[int, Found | None]:
    """Read a number or a literal at `pos`: the position after it, or its problem."""
    for word in _NOT_JSON:
        if text.startswith(word, pos):
            raise json.JSONDecodeError(f"{word} is not JSON (write a number)", text, pos)
    number = _NUMBER.match(text, pos)
    if number is None:
        for word in _LITERALS:
            if text.startswith(word, pos):
                return pos + len(word), None
        raise json.JSONDecodeError("Expecting value", text, pos)
    written, whole = number.group(), number.group(1)
    if number.group(2) or number.group(3):
        value = float(written)
        if math.isinf(value):
            message = f"{_shortened(written)} is beyond the range of numbers (about 1.8e308)"
            return pos, (pos, path, "json-number-range", message)
        if integers_only and value.is_integer():
            return pos, (pos, path, "json-not-integer", _not_integer_message(written, value))
    elif len(whole) > MAX_INTEGER_DIGITS:
        message = f"an integer of {len(whole)} digits; integers have at most {MAX_INTEGER_DIGITS}"
        return pos, (pos, path, "json-number-digits", message)
    return number.end(), None


def _not_integer_message(written: str, value: float) -> str:
    right = f"{int(value)}" if abs(value) < _LIMIT else "an integer"
    return (
        f"{_shortened(written)} is not an integer: JSON Schema reads this whole number as "
        f"an integer, Python as a float; write {right}"
    )


def _surrogate_message(where: str, string: str) -> str:
    escape = f"\\u{ord(_SURROGATE.search(string).group()):04x}"
    return (
        f"a {where} holds a lone surrogate escape ({escape}): half of a UTF-16 pair, no "
        "character; write the character itself, or its pair of escapes"
    )


def _shortened(written: str) -> str:
    return written if len(written) <= 24 else written[:20] + "..."


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()


def _kind(value: object) -> str:
    if value is None:
        return "null"
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    kinds |= {list: "an array", dict: "an object"}
    return kinds[type(value)]


def _refuse(path: str, line: int, ptr: str, code: str, message: str) -> None:
    raise Unreadable(Problem(path, line, ptr, code, message))
