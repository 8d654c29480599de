"""The content digest: one sha256 that identifies what a release says, whatever its layout.

Each document's digest is the sha256 of the canonical JSON lines (sorted keys, compact, UTF-8)
of its full `documents` row, text included, label names not ids, followed by its `layers`
rows (every annotation file); the release's is the sha256 of the documents' digests, in
doc_id order. So moving a document to another split, re-sharding, re-cutting ranges or
re-compressing keeps it, any change of content changes it, and a rebuild that reuses an
unchanged range (`ranges`) combines its recorded digests without reading it. A withheld
release records the digest of the full rows, which lets `rehydrate` prove it restored
exactly those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import orjson


class ContentDigest:
    """The logical content digest, fed the documents' digests in doc_id order."""

    algorithm = (
        "sha256 over the documents' sha256 digests, doc_id order; a document's is over the "
        "canonical JSON lines of its full documents row (text included, label names) then its "
        "layers rows"
    )
    CONFIGS = ("documents", "layers")  # the configs whose rows it covers (the others derive)

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    @staticmethod
    def of_document(rows: Iterable[dict]) -> bytes:
        """One document's digest (32 bytes), from its unwithheld `documents` row and then its
        `layers` rows."""
        option = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
        return hashlib.sha256(b"".join(orjson.dumps(row, option=option) for row in rows)).digest()

    def add(self, digests: bytes) -> None:
        """Add documents' digests (`of_document`, concatenated), in doc_id order."""
        self._hash.update(digests)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
