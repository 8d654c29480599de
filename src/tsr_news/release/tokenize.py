"""The NER tokenizer: deterministic, dependency-free, and aligned with the entity spans.

Rule: the text is first cut at every entity boundary (each entity's start and end); each
piece is then split into tokens, a token being a run of word characters (`\\w+`, Unicode-aware:
letters, digits, underscore) or a single other non-space code point (punctuation, a quote
mark, one code point of an emoji). White space is never part of a token. Cutting at the
boundaries first makes every entity boundary a token boundary, so BIO tags describe the
entities exactly ("US-made" with `US` as GPE gives `US`, `-`, `made`). Tokens inside a span
that is left out (noise) are dropped; its ends are boundaries too. Offsets are Python code
points, end exclusive.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable

TOKEN = re.compile(r"\w+|[^\w\s]")


def pieces(
    text: str, boundaries: Iterable[int] = (), left_out: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """The stretches of `text` between consecutive cuts (0, the end, every boundary and the
    ends of every left-out span), without those inside a left-out span."""
    excluded = sorted(left_out)
    cuts = sorted({0, len(text), *boundaries, *(offset for span in excluded for offset in span)})
    # the ends of every left-out span are cuts, so a piece is wholly inside one or outside all
    starts = [a for a, _ in excluded]
    kept = []
    for start, end in itertools.pairwise(cuts):
        i = bisect.bisect_right(starts, start) - 1
        if i < 0 or start >= excluded[i][1]:
            kept.append((start, end))
    return kept


def tokenize(
    text: str, boundaries: Iterable[int] = (), left_out: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """The (start, end) of each token of `text`, cut at `boundaries`, outside `left_out`."""
    return [
        match.span()
        for start, end in pieces(text, boundaries, left_out)
        for match in TOKEN.finditer(text, start, end)
    ]
