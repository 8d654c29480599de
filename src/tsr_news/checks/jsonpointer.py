"""JSON Pointers (RFC 6901) and where the values they name stand in a JSON source text.

Python's `json` keeps no positions, so to give errors line numbers we walk the source text
along the pointers, letting the C scanner skip every value we do not descend into. All the
pointers of one file are looked up in one walk (`lines_of`): looking each up from the start of
the file made reporting quadratic (16,000 problems in one file took minutes). This runs only
for problems, never on the valid path.
"""

from __future__ import annotations

import contextlib
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
    return lines_of(source, [ptr])[ptr]


def lines_of(source: str, pointers: Iterable[str]) -> dict[str, int | None]:
    """The 1-based line where the value at each pointer starts in `source` (None where there
    is no such value), in one walk of the source: linear in its length and in the number of
    pointers, whatever their number."""
    wanted = list(dict.fromkeys(pointers))
    trie: dict = {}
    for ptr in wanted:
        node = trie
        for token in parts(ptr):
            node = node.setdefault(token, {})
        node[_HERE] = ptr
    found: dict[str, int] = {}
    # malformed JSON: what was found before the fault stands, the rest is unknown
    with contextlib.suppress(ValueError, IndexError):
        _walk(source, _skip(source, 0), trie, found)
    lines: dict[str, int | None] = dict.fromkeys(wanted)
    line, counted = 1, 0
    for pos, ptr in sorted((pos, ptr) for ptr, pos in found.items()):
        line += source.count("\n", counted, pos)
        counted = pos
        lines[ptr] = line
    return lines


_HERE = object()  # the key, in a node of the pointer trie, of the pointer that ends there


def _walk(source: str, pos: int, node: dict, found: dict[str, int]) -> None:
    """Note where each pointer of `node` (a trie of pointer tokens) stands in the value that
    starts at `pos`, descending only into the members the trie names."""
    if _HERE in node:
        found.setdefault(node[_HERE], pos)
    if len(node) == (_HERE in node):
        return
    opener = source[pos]
    if opener not in "{[":
        return
    closer = "}" if opener == "{" else "]"
    index, remaining = 0, len(node) - (_HERE in node)
    pos = _skip(source, pos + 1)
    while source[pos] != closer:
        if opener == "{":
            token, pos = json.decoder.scanstring(source, pos + 1)
            pos = _skip(source, _skip(source, pos) + 1)  # past ':'
        else:
            token = str(index)
        child = node.get(token)
        if child is not None:
            _walk(source, pos, child, found)
            remaining -= 1
            if not remaining:
                return
        _, pos = _DECODER.raw_decode(source, pos)
        pos = _skip(source, pos)
        if source[pos] == ",":
            pos = _skip(source, pos + 1)
        index += 1


def _skip(source: str, pos: int) -> int:
    return _WHITESPACE.match(source, pos).end()
