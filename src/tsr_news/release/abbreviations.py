"""Abbreviations whose period belongs to the word: "U.S.", "Inc.", "Jan.", the initial "J.".

One definition for the two places that must agree on them: the sentence segmenter (such a
period ends no sentence, `sentences`) and the NER tokenizer (the token keeps its period, as
OntoNotes and the Penn Treebank write "U.S." and "Inc.", `tokenize`). A build finds them once
per document for both (`ner.sentence_rows`), so the two agree by construction.

An abbreviation is, standing alone (no letter, digit or period right before it):
- two or more single letters, each with its period: "U.S.", "A.I.", "p.m.", "e.g.";
- one capital letter and its period: an initial, "J. R. Smith";
- a word of `LISTED` (case as written) and its period: titles, company suffixes, months, a few
  more a news text uses before a name or a number.

A listed word or an initial at the end of a sentence ("... by the U.S. The next day") is
still an abbreviation, so the sentence goes on: a merged sentence loses no entity, a split one
could cut one.
"""

from __future__ import annotations

import regex

LISTED = (
    # titles before a name
    *("Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Rev", "Hon"),
    *("Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Adm", "Gov", "Sen", "Rep"),
    # company and organisation suffixes
    *("Inc", "Corp", "Co", "Ltd", "Bros", "Dept"),
    # months as news agencies abbreviate them ("Jan. 5")
    *("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"),
    # before a number or closing a list
    *("No", "Nos", "Fig", "Vol", "vs", "etc", "approx"),
)

# matched at the period, the abbreviation's letters in a look-behind: the engine then looks only
# at periods, 20 times faster than trying the letters at every position
ABBREVIATION = regex.compile(
    r"(?<=(?<![\w.])((?:\p{L}\.)+\p{L}|\p{Lu}|" + "|".join(LISTED) + r"))\.(?!\w)"
)


def abbreviations(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every abbreviation in `text`, its final period included."""
    return [(match.start(1), match.end()) for match in ABBREVIATION.finditer(text)]
