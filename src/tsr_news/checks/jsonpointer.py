"""JSON Pointers (RFC 6901) and where the value they name stands in a JSON source text.

Python's `json` keeps no positions, so to give an error a line number we walk the source text
along the pointer, letting the C scanner skip every value we do not descend into. This runs only
for problems, never on the valid path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def pointer(parts: Iterable[str | int]) -> str:
    """The JSON Pointer of a path of keys and indexes ('' is the whole document)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def parts(ptr: str) -> list[str]:
    if not ptr:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr[1:].split("/")]


def line_of(source: str, ptr: str) -> int | None:
    """1-based line where the value at `ptr` starts in `source`, or None if it is not there."""
    try:
        pos = _skip(source, 0)
        for token in parts(ptr):
            pos = _child(source, pos, token)
            if pos is None:
                return None
    except (ValueError, IndexError):
        return None
    return source.count("\n", 0, pos) + 1


def _skip(source: str, pos: int) -> int:
    return _WHITESPACE.match(source, pos).end()


def _child(source: str, pos: int, token: str) -> int | None:
    """Position of member `token` of the object or array starting at `pos`."""
    opener = source[pos]
    if opener not in "{[":
        return None
    closer = "}" if opener == "{" else "]"
    index = 0
    pos = _skip(source, pos + 1)
    while source[pos] != closer:
        if opener == "{":
            key, pos = json.decoder.scanstring(source, pos + 1)
            pos = _skip(source, _skip(source, pos) + 1)  # past ':'
            found = key == token
        else:
            found = token == str(index)
        if found:
            return pos
        _, pos = _DECODER.raw_decode(source, pos)
        pos = _skip(source, pos)
        if source[pos] == ",":
            pos = _skip(source, pos + 1)
        index += 1
    return None
