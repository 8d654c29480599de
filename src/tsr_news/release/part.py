"""What one document contributes to a release, made in the worker that checked it.

A part carries the document's rows as JSON lines per config (`arrow` parses them in the
writer), its line of the content digest and its statistics: bytes and counters, which cross
between processes far more cheaply than the rows as Python objects would. This module is
what a worker process imports to make parts, so it stays clear of `datasets` (importing it
costs each worker seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from tsr_news.datasheet import Statistics
from tsr_news.loader import LoadedDocument
from tsr_news.problems import Problem
from tsr_news.release.digest import ContentDigest
from tsr_news.release.rows import CONFIGS, rows
from tsr_news.release.withhold import withhold


@dataclass(frozen=True)
class JsonLines:
    """Rows of one config as JSON lines, with what the reader needs to know of them."""

    data: bytes
    rows: int
    longest: int  # bytes of the longest line: Arrow's JSON reader needs it to fit a block


@dataclass(frozen=True)
class DocumentPart:
    split: str
    rows: dict[str, JsonLines]  # config -> its rows (label names; text blanked if withheld)
    digest_line: bytes  # its line of the content digest (of the full text, even if withheld)
    statistics: Statistics  # the counts of this one document


def release_part(document: LoadedDocument, withhold_text: bool) -> DocumentPart:
    """The part of a valid `document`."""
    rows_of, digest_line = {}, b""
    for config in CONFIGS:
        lines = []
        for row in rows(document, config):
            if config == "documents":
                digest_line = ContentDigest.line(row)
                if not withhold_text:
                    lines.append(digest_line)  # the same canonical line
                    continue
            lines.append(_line(withhold(row, config) if withhold_text else row))
        if lines:
            rows_of[config] = JsonLines(b"".join(lines), len(lines), max(map(len, lines)))
    statistics = Statistics()
    statistics.add(document)
    return DocumentPart(document.meta["split"], rows_of, digest_line, statistics)


def _line(row: dict) -> bytes:
    return orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)


def checked_part(
    document: LoadedDocument, withhold_text: bool
) -> tuple[list[Problem], DocumentPart | None]:
    """A worker's answer for one document: its problems, and its part if it has none."""
    part = release_part(document, withhold_text) if document.valid else None
    return document.problems, part
