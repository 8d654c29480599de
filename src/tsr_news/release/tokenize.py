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

import itertools
import re
from collections.abc import Iterable

TOKEN = re.compile(r"\w+|[^\w\s]")


def tokenize(
    text: str, boundaries: Iterable[int] = (), left_out: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """The (start, end) of each token of `text`, cut at `boundaries`, outside `left_out`."""
    excluded = sorted(left_out)
    cuts = sorted({0, len(text), *boundaries, *(offset for span in excluded for offset in span)})
    tokens = []
    for start, end in itertools.pairwise(cuts):
        for match in TOKEN.finditer(text, start, end):
            if not any(a <= match.start() < b for a, b in excluded):
                tokens.append(match.span())
    return tokens
