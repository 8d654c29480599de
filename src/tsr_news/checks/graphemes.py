"""Grapheme cluster boundaries (UAX #29) at given offsets, and the invisible controls a span
must not begin or end with.

A span boundary inside a grapheme cluster cuts what a reader sees as one character: an accent
from its letter, a flag in half, one person from a ZWJ family emoji. The validator asks this of
every span's two ends, so the test looks only near the offset: offsets between two characters
of the simplest kind (ASCII, most letters, CJK, most emoji) are boundaries at once; elsewhere the
clusters are read with the `regex` package's `\\X` from the nearest such safe offset before.
"""

from __future__ import annotations

import bisect
from functools import cache, lru_cache

import regex

# The Grapheme_Cluster_Break values whose characters take part in no rule that joins them to a
# neighbour except CR x LF (UAX #29, GB3-GB5, GB999): between two such characters there is always
# a boundary, CR LF aside. Every other value (Extend, ZWJ, SpacingMark, Prepend, Regional
# Indicator, Hangul jamo and syllables) may join, and so does a character after an Indic linker
# (an Extend), which the safe test sees through its left neighbour.
_SIMPLE = regex.compile(
    r"[\p{Grapheme_Cluster_Break=Other}\p{Grapheme_Cluster_Break=Control}"
    r"\p{Grapheme_Cluster_Break=CR}\p{Grapheme_Cluster_Break=LF}]"
)
_CLUSTER = regex.compile(r"\X", flags=regex.DOTALL)
# Past this many code points without a safe offset (a run of thousands of combining marks or
# regional indicators), the text's clusters are read once from its start instead, and kept.
_LOOK_BACK = 256

# Zero-width and bidirectional controls: invisible, so never part of a name or a quote's edge.
INVISIBLE_CONTROLS = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + [chr(c) for c in range(0x202A, 0x202F)]  # LRE, RLE, PDF, LRO, RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI, RLI, FSI, PDI
    + ["\ufeff"]  # zero-width no-break space (a BOM inside a text)
)


def _safe(text: str, at: int) -> bool:
    """Whether `at` is a boundary by its two neighbours alone (both simple, not CR LF)."""
    if at <= 0 or at >= len(text):
        return True
    left, right = text[at - 1], text[at]
    if left == "\r" and right == "\n":
        return False
    return _simple(left) and _simple(right)


@cache
def _simple(char: str) -> bool:
    """Whether the character's Grapheme_Cluster_Break is simple (cached: a text uses few)."""
    return bool(_SIMPLE.match(char))


def cluster_at(text: str, at: int) -> tuple[int, int] | None:
    """The grapheme cluster `at` falls strictly inside, as (start, end); None when `at` is a
    boundary. Reads the clusters from the nearest safe offset before `at`."""
    if _safe(text, at):
        return None
    start = at - 1
    while not _safe(text, start):
        if at - start >= _LOOK_BACK:
            return _cluster_in(_boundaries(text), at)
        start -= 1
    while True:
        end = _CLUSTER.match(text, start).end()
        if end == at:
            return None
        if end > at:
            return start, end
        start = end


@lru_cache(maxsize=4)
def _boundaries(text: str) -> list[int]:
    """Every cluster's start, and the text's end: for the rare text where looking back fails
    (kept, so each of its spans costs a bisection, not a reading of the text)."""
    return [m.start() for m in _CLUSTER.finditer(text)] + [len(text)]


def _cluster_in(boundaries: list[int], at: int) -> tuple[int, int] | None:
    i = bisect.bisect_left(boundaries, at)
    return None if boundaries[i] == at else (boundaries[i - 1], boundaries[i])


def invisible_edges(span_text: str) -> str:
    """The invisible controls at the span's start or end ('' when none), for a message."""
    return "".join(c for c in (span_text[0], span_text[-1]) if c in INVISIBLE_CONTROLS)
