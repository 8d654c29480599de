"""Document ranges: the unit a build writes, reuses when unchanged, and hands to a worker.

The corpus's documents, in doc_id order, are cut into ranges (`cut`): a range ends before a
document whose id hashes to 0 modulo `per_range`, or once it holds `per_range` documents.
Both cuts depend on the ids alone, so editing a document's files changes its range and no
other, and adding or removing a document moves only the cuts between the two hash cuts
around it. Everything a range contributes to a release depends on its documents alone: its
Parquet shards (`parquet`), each document's content digest (`digest`) and the statistics
(`RangeOutput`). So a rebuild keeps an unchanged range's files as they are (`inputs`), and
ranges can be built by any process in any order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import orjson

from tsr_news.corpus.fingerprints import Fingerprint
from tsr_news.release.datasheet import Statistics

# Documents per range, at most: a rebuild after one edit redoes one range (about a second of
# one core per 1,000 documents), and a release has one shard per range, config and split, so
# 100,000 documents make about 100 shards of each.
DOCUMENTS_PER_RANGE = 1000


def cut(doc_ids: Iterable[str], per_range: int) -> Iterator[list[str]]:
    """The ranges of `doc_ids` (sorted): runs of consecutive ids, each at most `per_range`."""
    current: list[str] = []
    for doc_id in doc_ids:
        if current and (len(current) >= per_range or _hash_cut(doc_id, per_range)):
            yield current
            current = []
        current.append(doc_id)
    if current:
        yield current


def _hash_cut(doc_id: str, per_range: int) -> bool:
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % per_range == 0


@dataclass
class ShardFacts:
    """One Parquet shard a range wrote: where it is (relative to the release directory), its
    rows and Arrow bytes (the card's `num_bytes`), and its file's size and sha256."""

    config: str
    split: str
    path: str
    rows: int
    num_bytes: int
    size: int
    sha256: str
    # (size, mtime_ns, inode) of the placed file, recorded for the next build (`inputs`)
    identity: tuple[int, int, int] | None = None


@dataclass
class RangeOutput:
    """What one range contributed to a release: its shards, each document's content digest
    (32 bytes each, doc_id order) and statistics; and, for the next build to tell whether it
    is still current, what it was made from (`sources`): the fingerprints of the corpus files
    read and the (doc_id, story cluster, split) of its documents, as JSON, parsed only when
    asked for (at 100,000 documents, as Python objects, they would take the build's parent
    process over 100 MB)."""

    doc_ids: list[str]
    shards: list[ShardFacts]
    digests: bytes
    statistics: Statistics
    sources: bytes = b'{"read":[],"splits":[]}'

    @staticmethod
    def sources_of(read: list[Fingerprint], splits: list[tuple[str, str, str]]) -> bytes:
        return orjson.dumps(
            {"read": [[f.name, f.sha256, f.identity] for f in read], "splits": splits}
        )

    def fingerprints(self) -> list[Fingerprint]:
        """The fingerprints of the files read, in the order read; ValueError, KeyError or
        TypeError if the sources are not what `sources_of` gives."""
        return [
            Fingerprint(str(name), str(sha256), tuple(map(int, identity)) if identity else None)
            for name, sha256, identity in orjson.loads(self.sources)["read"]
        ]

    def learned(self) -> list[tuple[str, str, str]]:
        """The (doc_id, story cluster, split) of the range's documents."""
        return [(str(d), str(c), str(s)) for d, c, s in orjson.loads(self.sources)["splits"]]

    def to_json(self) -> dict:
        """The output as JSON, but its `sources` (JSON already)."""
        return {
            "doc_ids": self.doc_ids,
            "shards": [vars(shard) for shard in self.shards],
            "digests": self.digests.hex(),
            "statistics": self.statistics.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict, sources: bytes) -> RangeOutput:
        """The output `to_json` and `sources` gave; KeyError, TypeError or ValueError if it is
        not one."""
        return cls(
            doc_ids=[str(doc_id) for doc_id in data["doc_ids"]],
            shards=[ShardFacts(**shard) for shard in data["shards"]],
            digests=bytes.fromhex(data["digests"]),
            statistics=Statistics.from_json(data["statistics"]),
            sources=sources,
        )
