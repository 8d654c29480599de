"""Code point properties as arrays, for the rules that the NER tokenizer and the sentence
segmenter apply to whole texts at once (numpy) rather than match by match.

Each rule names its character classes as regular expressions; a `CodePointFlags` asks them
of each code point once per process, the first time it is met, and keeps the answer in a
table over all of Unicode, so a text's properties are one array look-up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

_UNKNOWN = 255  # not looked up yet: no code point has all eight flags


def code_points(text: str) -> np.ndarray:
    """The code points of `text` (uint32), indexed as Python indexes the string."""
    return np.frombuffer(text.encode("utf-32-le"), np.uint32)


class CodePointFlags:
    """Code point -> its flags (a uint8 of up to eight bits, never all set), as `flags`
    gives them for a one-character string. The table covers all of Unicode (1.1 MB) and is
    filled as code points are first met."""

    def __init__(self, flags: Callable[[str], int]) -> None:
        self._flags = flags
        self._table = np.full(sys.maxunicode + 1, _UNKNOWN, np.uint8)

    def __call__(self, codes: np.ndarray) -> np.ndarray:
        """The flags of each of `codes` (a new array)."""
        flags = self._table.take(codes)  # `take`: twice as fast as indexing with uint32
        if flags.size and flags.max() == _UNKNOWN:
            for code in np.unique(codes[flags == _UNKNOWN]).tolist():
                self._table[code] = self._flags(chr(code))
            flags = self._table.take(codes)
        return flags
