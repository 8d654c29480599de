"""The content digest: one sha256 that identifies what a release says, whatever its layout.

It is taken over the canonical JSON line (sorted keys, compact, UTF-8) of each document's
full `documents` row, text included, label names not ids, followed by its `layers` rows (every
annotation file), in doc_id order; so moving a
document to another split, re-sharding or re-compressing keeps it, and any change of content
changes it. A withheld release records the digest of the full rows, which lets `rehydrate`
prove it restored exactly those.
"""

from __future__ import annotations

import hashlib

import orjson


class ContentDigest:
    """The logical content digest, fed one document at a time."""

    algorithm = (
        "sha256 over canonical JSON lines of the full documents row (text included, label "
        "names) then its layers rows, per document, doc_id order"
    )
    CONFIGS = ("documents", "layers")  # the configs whose rows it covers (the others derive)

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    @staticmethod
    def line(row: dict) -> bytes:
        """The digest's line for one document's `documents` row (unwithheld)."""
        return orjson.dumps(row, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)

    def add_lines(self, lines: bytes) -> None:
        """Add lines made by `line` (in a worker process, say); documents in doc_id order."""
        self._hash.update(lines)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
