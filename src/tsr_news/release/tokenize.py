"""The NER tokenizer: deterministic, dependency-light, and aligned with the entity spans.

Rule: the text is first cut at every entity boundary (each entity's start and end); each
piece is then split into tokens, a token being a run of word characters (`\\w+`, Unicode-aware:
letters, digits, underscore) or a single other non-space code point (punctuation, a quote
mark, one code point of an emoji): the matches of `TOKEN`. White space is never part of a
token. Cutting at the boundaries first makes every entity boundary a token boundary, so BIO
tags describe the entities exactly ("US-made" with `US` as GPE gives `US`, `-`, `made`).
Tokens inside a span that is left out (noise) are dropped; its ends are boundaries too.
Offsets are Python code points, end exclusive.

The rule is applied to whole arrays of code points at once (numpy), not match by match:
matching `TOKEN` piece by piece cost a build more than any other step. Each code point is
classed by asking `TOKEN` itself how it treats the character (word, other or white space:
`_class`), once per process and code point (`CodePointClasses`), so the rule has one
definition; tests/test_tokenize.py holds the vectorised rule to `TOKEN.finditer` piece by
piece on generated texts, and to `TOKEN` on every code point.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

TOKEN = re.compile(r"\w+|[^\w\s]")
WORD, SPACE, OTHER = 0, 1, 2
_UNKNOWN = 255


class CodePointClasses:
    """Code point -> WORD, SPACE or OTHER, as `TOKEN` sees it. The table covers all of Unicode
    (1.1 MB) and is filled as code points are first met, by asking `TOKEN` itself (`_class`)."""

    def __init__(self) -> None:
        self._table = np.full(sys.maxunicode + 1, _UNKNOWN, np.uint8)

    def __call__(self, codes: np.ndarray) -> np.ndarray:
        classes = self._table[codes]
        unknown = codes[classes == _UNKNOWN]
        if unknown.size:
            for code in np.unique(unknown).tolist():
                self._table[code] = _class(chr(code))
            classes = self._table[codes]
        return classes


def _class(character: str) -> int:
    """How `TOKEN` treats `character`: twice over, it is one token of two (a word character),
    two tokens of one (other), or no token (white space)."""
    match = TOKEN.match(character * 2)
    return SPACE if match is None else WORD if match.end() == 2 else OTHER


classes_of = CodePointClasses()


class Tokens(NamedTuple):
    """The tokens of a text: code point offsets (`starts`, `ends`), and the UTF-8 bytes of
    every token, concatenated (`utf8`), with each token's length in bytes (`sizes`)."""

    starts: np.ndarray
    ends: np.ndarray
    utf8: np.ndarray
    sizes: np.ndarray


def tokens(
    text: str, boundaries: Iterable[int] = (), left_out: Iterable[tuple[int, int]] = ()
) -> Tokens:
    """The tokens of `text`, cut at `boundaries` (offsets in 0..len(text)), outside the
    `left_out` spans."""
    codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    classes = classes_of(codes)
    in_token = classes != SPACE
    for start, end in left_out:
        in_token[start:end] = False
    word = (classes == WORD) & in_token
    cut = np.zeros(len(codes) + 1, bool)
    cut[list(boundaries)] = True
    # a word character continues the token of the one before it unless a cut lies between
    joined = word[1:] & word[:-1] & ~cut[1:-1]
    continues = np.concatenate(([False], joined))  # position i continues from i - 1
    continued = np.concatenate((joined, [False]))  # position i is continued by i + 1
    starts = np.flatnonzero(in_token & ~continues)
    ends = np.flatnonzero(in_token & ~continued) + 1
    utf8 = np.frombuffer(text.encode("utf-8"), np.uint8)
    if len(utf8) == len(codes):  # ASCII: one byte per code point
        return Tokens(starts, ends, utf8[in_token], ends - starts)
    widths = 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)
    offsets = np.zeros(len(codes) + 1, np.int64)
    np.cumsum(widths, out=offsets[1:])
    return Tokens(starts, ends, utf8[np.repeat(in_token, widths)], offsets[ends] - offsets[starts])


def tokenize(
    text: str, boundaries: Iterable[int] = (), left_out: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """The (start, end) of each token of `text`, cut at `boundaries`, outside `left_out`."""
    found = tokens(text, boundaries, left_out)
    return list(zip(found.starts.tolist(), found.ends.tolist(), strict=True))
