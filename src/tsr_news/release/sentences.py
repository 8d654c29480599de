# ruff: noqa: RUF002 -- the rule names the curly quote marks it handles
"""Sentences of an article, for the `ner` rows: a rule-based segmenter that knows the spans.

Rule (offsets are Python code points, end exclusive):
1. A sentence ends after a run of terminators (`.`, `!`, `?`, `…`) and the closing quote marks
   and brackets right after it (`.”`, `?’`, `.)`), where white space follows and the next
   text does not start with a lowercase letter, `,`, `;`, `:` or another terminator ("said.
   , according to" and "achieve. ." go on). A period that belongs to an abbreviation
   ("U.S.", "Inc.", "Jan.", the initial "J.": `abbreviations`) is no terminator; a decimal
   point ("13.5") has no white space after it.
2. A sentence ends at a line break (a headline, a byline, a list item has no full stop),
   unless the line ends with a comma or the next line starts with a lowercase letter: pasted
   text breaks sentences over lines ("In January,\\n\\nJapan and the Netherlands agreed to
   comply\\n\\nwith export restrictions ...").
3. Noise spans (page furniture) are no sentences: each is left out, and its ends end the
   sentences around it.
4. No entity straddles two sentences: an end that falls inside an entity is dropped, so the
   two sentences are one.
5. A sentence is trimmed of white space; a piece of white space only is none.

Why the project's own: the maintained rule-based libraries were measured on the five
articles and a 2,000-document synthetic corpus (benchmarks/generate.py). pySBD (0.3.4)
segments the articles well but takes 31 s for the 2,000 documents (the whole build's
tokenizing takes 0.3 s) and splits "approx. 300" and "Co. Ltd."; syntok (1.4.4) takes 10 s
and keeps "💡. Shipments" together; sentencex (1.0.32) is fast (0.15 s) but joins "Jack Ma.
Dr Ilaria Carrozza" (it takes "Ma." for an abbreviation) and a headline to the line after it;
BlingFire (0.1.8) joins headlines and paragraphs. None knows the spans, so rules 3 and 4
would be ours anyway.

The rule is applied to arrays of code points (numpy), for all the texts of a batch at once
(`bounds`), not by regular expressions: matching rules 1 and 2 cost more than the rest of
the `ner` rows' making. Each code point's classes, as the rules' regular expressions name
them (`_flags`), are looked up in a table (`codepoints`); the rest is done at the few
offsets where a sentence may end, with white space runs looked up by bisection.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import regex

from tsr_news.release.abbreviations import abbreviations
from tsr_news.release.codepoints import CodePointFlags, code_points

_LINE_BREAK = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines' line boundaries
_PERIOD = ord(".")

# code point flags: the classes of rules 1 and 2 as regular expressions, and str.strip's
# white space (rule 5)
TERMINATOR, CLOSER, SPACE, STARTS, LINE_BREAK, ENDS_LINE, STARTS_LINE, WHITE = (
    1, 2, 4, 8, 16, 32, 64, 128
)  # fmt: skip
_CLASSES = {
    TERMINATOR: r"[.!?…]",  # rule 1: a run of these ...
    CLOSER: r"[\p{Pf}\p{Pe}\"']",  # ... and of these closes a sentence ...
    SPACE: r"\s",  # ... where white space follows
    STARTS: r"[^\s\p{Ll},;:.!?…]",  # ... and then one of these
    LINE_BREAK: f"[{_LINE_BREAK}]",  # rule 2: a line break, ...
    ENDS_LINE: r"[^\s,]",  # ... the line before it ending in one of these ...
    STARTS_LINE: r"[^\s\p{Ll}]",  # ... and the next starting in one of these
}
_COMPILED = {flag: regex.compile(pattern) for flag, pattern in _CLASSES.items()}


def _flags(character: str) -> int:
    """The flags of one code point (`_CLASSES`, and WHITE for `str.isspace`)."""
    flags = WHITE if character.isspace() else 0
    for flag, pattern in _COMPILED.items():
        if pattern.fullmatch(character):
            flags |= flag
    return flags


flags_of = CodePointFlags(_flags)


def sentences(
    text: str,
    entities: Iterable[tuple[int, int]] = (),
    noise: Iterable[tuple[int, int]] = (),
    abbreviated: Iterable[tuple[int, int]] | None = None,
) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of `text`, in order, given its entities' and its noise
    spans' (start, end): flat and disjoint, as a valid layer has them. `abbreviated` is
    `abbreviations(text)` if the caller has it already (the tokenizer needs them too)."""
    if abbreviated is None:
        abbreviated = abbreviations(text)
    starts, ends = bounds(
        text,
        _spans(entities),
        _spans(noise),
        np.array([end for _, end in abbreviated], np.int64),
        np.zeros(0, np.int64),
    )
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def bounds(
    text: str,
    entities: np.ndarray,
    noise: np.ndarray,
    abbreviation_ends: np.ndarray,
    separators: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The starts and ends of the sentences of the texts joined into `text`, each followed by
    a separator at the offsets `separators` (one code point that is part of no text: no
    sentence holds it, and rules 1 and 2 see the end of a text there). `entities` and `noise`
    are their (start, end) rows in `text`, flat and disjoint within each text;
    `abbreviation_ends` the ends of their `abbreviations`."""
    codes = code_points(text)
    size = len(codes)
    flags = flags_of(codes)
    flags[separators] = 0
    spaces = _runs(_where(flags, SPACE))
    # rule 1: each run of terminators, with the closing marks after it, up to `closed`
    terminators = _runs(_where(flags, TERMINATOR))
    closed = _run_ends(_runs(_where(flags, CLOSER)), terminators[1])
    spaced = _run_ends(spaces, closed)
    ended = (spaced > closed) & (flags[np.minimum(spaced, size - 1)] & STARTS != 0)
    ended &= spaced < size
    period = (closed - terminators[0] == 1) & (codes[terminators[0]] == _PERIOD)
    ended &= ~(period & np.isin(closed, abbreviation_ends))
    # rule 2: a line break after a line's last non-space code point, before the next's first
    breaks = _where(flags, LINE_BREAK)
    before = _run_starts(spaces, breaks) - 1
    after = _run_ends(spaces, breaks + 1)
    broken = (before >= 0) & (flags[np.maximum(before, 0)] & ENDS_LINE != 0)
    broken &= (after < size) & (flags[np.minimum(after, size - 1)] & STARTS_LINE != 0)
    # rule 3: a separator is left out as noise is
    left_out = np.concatenate([noise, np.stack([separators, separators + 1], axis=1)])
    left_out = left_out[np.argsort(left_out[:, 0], kind="stable")]
    cuts = np.unique(np.concatenate([[0, size], closed[ended], breaks[broken], left_out.ravel()]))
    cuts = cuts[~_in_spans(cuts, entities, strictly=True)]  # rule 4
    kept = ~_in_spans(cuts[:-1], left_out, strictly=False)  # a piece starting in noise is noise
    # rule 5
    white = _runs(_where(flags, WHITE))
    starts = _run_ends(white, cuts[:-1][kept])
    ends = cuts[1:][kept]
    full = starts < ends
    return starts[full], _run_starts(white, ends[full])


def _where(flags: np.ndarray, flag: int) -> np.ndarray:
    """The offsets of the code points with `flag` (a boolean array first: numpy finds the
    true values of one several times faster than the non-zero values of integers)."""
    return np.flatnonzero((flags & flag) != 0)


def _spans(spans: Iterable[tuple[int, int]]) -> np.ndarray:
    """Spans' (start, end) as rows of an array, by start."""
    return np.array(sorted(spans), np.int64).reshape(-1, 2)


def _runs(offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The starts and ends of the runs of consecutive offsets in the sorted `offsets`."""
    if not offsets.size:
        return offsets, offsets
    apart = offsets[1:] != offsets[:-1] + 1
    return offsets[np.append(True, apart)], offsets[np.append(apart, True)] + 1


def _run_ends(runs: tuple[np.ndarray, np.ndarray], offsets: np.ndarray) -> np.ndarray:
    """Each offset, or the end of the run that holds it."""
    starts, ends = runs
    if not starts.size:
        return offsets
    last = np.maximum(np.searchsorted(starts, offsets, side="right") - 1, 0)
    return np.where((starts[last] <= offsets) & (offsets < ends[last]), ends[last], offsets)


def _run_starts(runs: tuple[np.ndarray, np.ndarray], offsets: np.ndarray) -> np.ndarray:
    """Each offset, or the start of the run that holds the offset before it."""
    starts, ends = runs
    if not starts.size:
        return offsets
    last = np.maximum(np.searchsorted(starts, offsets, side="left") - 1, 0)
    return np.where((starts[last] < offsets) & (offsets <= ends[last]), starts[last], offsets)


def _in_spans(offsets: np.ndarray, spans: np.ndarray, strictly: bool) -> np.ndarray:
    """Whether each offset lies in one of the disjoint `spans` (rows, by start): strictly
    inside, or from its start on."""
    if not len(spans):
        return np.zeros(len(offsets), bool)
    starts, ends = spans.T
    last = np.searchsorted(starts, offsets, side="left" if strictly else "right") - 1
    return (last >= 0) & (offsets < ends[last])
