# ruff: noqa: RUF001, RUF002, RUF003 -- the rule names the curly apostrophe it handles
"""The NER tokenizer: tokens as OntoNotes makes them (Penn Treebank conventions), cut at spans.

Rule. The text is cut at every entity boundary (each entity's start and end) and at the ends
of the spans left out (noise), whose code points belong to no token; white space belongs to
none either. Within what is left, a token is
- an abbreviation with its period (`abbreviations`: "U.S.", "Inc.", "Jan.", the initial "J.");
- a clitic, split from the word before it: `’s`, `’re`, `’ve`, `’ll`, `’d`, `’m` ("People"
  "’s") and `n’t` ("do" "n’t", "ca" "n’t"), with ’ or ', in any case;
- a run of word characters (`\\w`), holding a hyphen between two word characters
  ("export-control", "2023-03-06"), an apostrophe between two that starts no clitic
  ("O’Brien"), and `.`, `,` or `:` between two digits ("13.5", "1,000", "3:30"): hyphenated
  words and numbers stay whole ("5G" is a run already);
- a run of periods ("...");
- any other single character (punctuation, a quote mark, `$`, an emoji).
A character here is a grapheme cluster (Unicode's extended grapheme clusters, UAX #29, as the
`regex` module's `\\X` finds them): a letter with its combining marks, a flag, an emoji ZWJ
sequence is never split, and counts as a word character when its first code point is one.
Cuts win over all of this, so every entity boundary is a token boundary: "US-made" with `US`
a GPE gives "US" "-" "made", and "U.S." with an entity `U.S` (no period) gives "U.S" ".".
Offsets are Python code points, end exclusive.

Hyphens: OntoNotes 5.0 holds two conventions. Its Penn Treebank text keeps a hyphenated word
whole ("export-control"); the text annotated under the revised Treebank guidelines (LDC2007T02,
which added the `HYPH` part of speech) splits it ("New York - based"). Here a hyphenated word
is whole, and where an entity boundary falls at its hyphen ("New York-based") the cut gives
the revised split.

The rule is applied to whole arrays of code points at once (numpy), not match by match:
matching a regular expression piece by piece cost a build more than any other step. Each code
point's properties (`flags_of`) are looked up in a table filled once per process and code
point; whether a code point continues the token of the one before it is decided for all of
them at once; only abbreviations, clitics and grapheme clusters of more than one code point
(rare outside emoji and combining marks) are found by regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import regex

from tsr_news.release.abbreviations import abbreviations
from tsr_news.release.codepoints import CodePointFlags, code_points

# code point flags
WORD, SPACE, DIGIT, HYPHEN, APOSTROPHE, SEPARATOR, CLUSTERS = 1, 2, 4, 8, 16, 32, 64
_PERIOD = ord(".")
_HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen (not dashes)
_APOSTROPHES = "'’"
_SEPARATORS = ".,:"  # inside numbers
# a code point whose Grapheme_Cluster_Break is none of these may share a cluster with another
_ALONE = regex.compile(r"[\p{GCB=Other}\p{GCB=Control}\p{GCB=CR}\p{GCB=LF}]")
CLUSTER = regex.compile(r"\X")
# at an apostrophe after a word character; `n’t` also takes the n before it
CLITIC = regex.compile(r"['’](?:[sdm]|re|ve|ll)(?!\w)|(?<=n)['’]t(?!\w)", regex.IGNORECASE)


def _flags(character: str) -> int:
    """The flags of one code point, asked of the expressions that define them (`\\w`, `\\s`,
    `\\d` as the standard library's `re` has them; the cluster break property as `regex`)."""
    flags = 0
    if re.fullmatch(r"\w", character):
        flags |= WORD
    if re.fullmatch(r"\s", character):
        flags |= SPACE
    if re.fullmatch(r"\d", character):
        flags |= DIGIT
    if character in _HYPHENS:
        flags |= HYPHEN
    if character in _APOSTROPHES:
        flags |= APOSTROPHE
    if character in _SEPARATORS:
        flags |= SEPARATOR
    if not _ALONE.fullmatch(character):
        flags |= CLUSTERS
    return flags


flags_of = CodePointFlags(_flags)


class Tokens(NamedTuple):
    """The tokens of a text: code point offsets (`starts`, `ends`), and the UTF-8 bytes of
    every token, concatenated (`utf8`), with each token's length in bytes (`sizes`)."""

    starts: np.ndarray
    ends: np.ndarray
    utf8: np.ndarray
    sizes: np.ndarray


def tokens(
    text: str,
    boundaries: Sequence[int] | np.ndarray = (),
    left_out: Iterable[tuple[int, int]] = (),
    abbreviated: Iterable[tuple[int, int]] | None = None,
) -> Tokens:
    """The tokens of `text`, cut at `boundaries` (offsets in 0..len(text)), outside the
    `left_out` spans. `abbreviated` is `abbreviations(text)` if the caller has it already (the
    sentence segmenter needs them too)."""
    codes = code_points(text)
    flags = flags_of(codes)
    in_token = (flags & SPACE) == 0
    for start, end in left_out:
        in_token[start:end] = False
    cut = np.zeros(len(codes) + 1, bool)
    cut[np.array(boundaries, np.int64)] = True
    if abbreviated is None:
        abbreviated = abbreviations(text)
    joined = _joined(text, codes, flags, cut, abbreviated)
    # position i continues the token of i - 1
    continues = joined & in_token & ~cut[:-1]
    continues[1:] &= in_token[:-1]
    starts = np.flatnonzero(in_token & ~continues)
    continued = np.append(continues[1:], False)  # position i is continued by i + 1
    ends = np.flatnonzero(in_token & ~continued) + 1
    utf8 = text.encode("utf-8")
    if len(utf8) == len(codes):  # ASCII: one byte per code point
        return Tokens(starts, ends, np.frombuffer(utf8, np.uint8)[in_token], ends - starts)
    # the tokens' code points, end to end, encoded; each token's size is its length plus a
    # byte or more for each of its code points past ASCII (few: quote marks, accents, emoji)
    kept = codes[in_token]
    utf8 = kept.tobytes().decode("utf-32-le").encode("utf-8")
    wide = np.flatnonzero(kept >= 0x80)
    lengths = ends - starts
    token = np.searchsorted(np.cumsum(lengths), wide, side="right")
    wider = kept[wide]
    extra = 1 + (wider >= 0x800).astype(np.int64) + (wider >= 0x10000)
    sizes = lengths + np.bincount(token, extra, len(lengths)).astype(np.int64)
    return Tokens(starts, ends, np.frombuffer(utf8, np.uint8), sizes)


def _joined(
    text: str,
    codes: np.ndarray,
    flags: np.ndarray,
    cut: np.ndarray,
    abbreviated: Iterable[tuple[int, int]],
) -> np.ndarray:
    """Whether each code point belongs to the token of the one before it, by the rule before
    cuts and white space are applied (`cut` only keeps a hyphen or a separator from joining
    one side when the other is cut), given the text's abbreviations."""
    size = len(flags)
    within = _within_clusters(text, flags)
    if within is not None:  # a cluster has its first code point's flags
        flags = flags[np.maximum.accumulate(np.where(within, 0, np.arange(size)))]
    word = (flags & WORD) != 0
    joined = np.zeros(size, bool)
    joined[1:] = word[1:] & word[:-1]
    # hyphens, apostrophes and separators (a few in a hundred code points), looked at alone
    marks = np.flatnonzero((flags[1:-1] & (HYPHEN | APOSTROPHE | SEPARATOR)) != 0) + 1
    mark, before, after = flags[marks], flags[marks - 1], flags[marks + 1]
    link = ((mark & (HYPHEN | APOSTROPHE)) != 0) & ((before & after & WORD) != 0)
    link |= ((mark & SEPARATOR) != 0) & ((before & after & DIGIT) != 0)
    linked = marks[link & ~cut[marks] & ~cut[marks + 1]]
    joined[linked] = joined[linked + 1] = True
    periods = np.flatnonzero(codes == _PERIOD)
    joined[periods[1:][np.diff(periods) == 1]] = True  # "..."
    for at in marks[((mark & APOSTROPHE) != 0) & ((before & WORD) != 0)].tolist():
        clitic = CLITIC.match(text, at)
        if clitic is not None:
            start = at - 1 if clitic.group()[-1] in "tT" else at
            joined[start] = False
            joined[start + 1 : clitic.end()] = True
    for start, end in abbreviated:
        joined[start + 1 : end] = True
    if within is not None:
        joined |= within
    return joined


def _within_clusters(text: str, flags: np.ndarray) -> np.ndarray | None:
    """Whether each code point continues the grapheme cluster of the one before it; None if
    every cluster is one code point.

    `\\X` is matched only around the code points that may share a cluster (`CLUSTERS`), one
    code point either side: a cluster boundary lies before and after such a window, since a
    code point of none of those classes begins a cluster and the one after it begins another
    unless it may share one."""
    near = np.flatnonzero((flags & CLUSTERS) != 0)
    if not near.size:
        return None
    starts, ends = np.maximum(near - 1, 0), np.minimum(near + 2, len(flags))
    new = np.concatenate(([True], starts[1:] > ends[:-1]))  # a window that starts afresh
    within = np.zeros(len(flags), bool)
    for start, end in zip(
        starts[new].tolist(), np.maximum.reduceat(ends, np.flatnonzero(new)).tolist(), strict=True
    ):
        for match in CLUSTER.finditer(text, start, end):
            within[match.start() + 1 : match.end()] = True
    return within


def tokenize(
    text: str, boundaries: Iterable[int] = (), left_out: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """The (start, end) of each token of `text`, cut at `boundaries`, outside `left_out`."""
    found = tokens(text, boundaries, left_out)
    return list(zip(found.starts.tolist(), found.ends.tolist(), strict=True))
