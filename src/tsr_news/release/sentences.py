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
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import regex

from tsr_news.release.abbreviations import abbreviations

_LINE_BREAK = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines' line boundaries
# the end of rule 1, and what may not follow it
TERMINAL = regex.compile(r"[.!?…]+[\p{Pf}\p{Pe}\"']*(?=\s+[^\s\p{Ll},;:.!?…])")
# rule 2: a line break after a line that does not end with a comma, before one that does not
# start in lowercase (any offset in the white space between two sentences ends the first)
LINE_END = regex.compile(rf"(?<=[^\s,]\s*)[{_LINE_BREAK}](?=\s*[^\s\p{{Ll}}])")


def sentences(
    text: str,
    entities: Iterable[tuple[int, int]] = (),
    noise: Iterable[tuple[int, int]] = (),
    abbreviated: Iterable[tuple[int, int]] | None = None,
) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of `text`, in order, given its entities' and its noise
    spans' (start, end): flat and disjoint, as a valid layer has them. `abbreviated` is
    `abbreviations(text)` if the caller has it already (the tokenizer needs them too)."""
    noise = sorted(noise)
    if abbreviated is None:
        abbreviated = abbreviations(text)
    abbreviation_ends = {end for _, end in abbreviated}
    ends = [
        match.end()
        for match in TERMINAL.finditer(text)
        if not (match.group() == "." and match.end() in abbreviation_ends)
    ]
    ends += [match.start() for match in LINE_END.finditer(text)]
    ends += [offset for span in noise for offset in span]
    cuts = np.unique(np.array([0, len(text), *ends], np.int64))
    cuts = cuts[~_in_spans(cuts, sorted(entities), strictly=True)]
    kept = ~_in_spans(cuts[:-1], noise, strictly=False)  # a piece starting in noise is noise
    found = []
    for start, end in zip(cuts[:-1][kept].tolist(), cuts[1:][kept].tolist(), strict=True):
        piece = text[start:end]
        stripped = piece.lstrip()
        if stripped:
            start += len(piece) - len(stripped)
            found.append((start, start + len(stripped.rstrip())))
    return found


def _in_spans(offsets: np.ndarray, spans: list[tuple[int, int]], strictly: bool) -> np.ndarray:
    """Whether each offset lies in one of the sorted, disjoint `spans`: strictly inside, or
    from its start on."""
    if not spans:
        return np.zeros(len(offsets), bool)
    starts, ends = np.array(spans, np.int64).T
    last = np.searchsorted(starts, offsets, side="left" if strictly else "right") - 1
    return (last >= 0) & (offsets < ends[last])
