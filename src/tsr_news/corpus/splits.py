"""The split rule: which split a new story cluster goes to; and the check that it held.

A cluster's split is decided once, when its first document enters the corpus, and recorded in
every member's metadata; validation then only checks that members agree. The rule hashes the
cluster id, so a cluster's split never depends on what else is in the corpus:
`sha256("tsr-news/split/v1:" + story_cluster)`, its first 8 hex digits read as a fraction of
2**32: below 0.8 train, below 0.9 validation, else test.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tsr_news.corpus.layout import Inventory

RULE = "tsr-news/split/v1:"
BOUNDS = (("train", 0.8), ("validation", 0.9), ("test", 1.0))


def assign_split(story_cluster: str) -> str:
    fraction = int(hashlib.sha256((RULE + story_cluster).encode()).hexdigest()[:8], 16) / 2**32
    return next(split for split, bound in BOUNDS if fraction < bound)


class StorySplits:
    """The story cluster and split of each document of a corpus, as learned from its metadata,
    for the corpus-wide check that the documents of a cluster share one split.

    Held as two lists aligned with the inventory's sorted doc ids, each name stored once: 16
    bytes a document. (A dict of (cluster, split) pairs by doc id cost `validate` 12 MB at
    N = 100,000, more than the rest of what it holds per document.)"""

    def __init__(self, inventory: Inventory):
        self._inventory = inventory
        self._clusters: list[str | None] = [None] * len(inventory.doc_ids)
        self._splits: list[str | None] = [None] * len(inventory.doc_ids)
        self._names: dict[str, str] = {}

    def learn(self, doc_id: str, cluster: str, split: str) -> None:
        """Note a document's cluster and split (of a document the inventory holds)."""
        i = self._inventory.position(doc_id)
        self._clusters[i] = self._names.setdefault(cluster, cluster)
        self._splits[i] = self._names.setdefault(split, split)

    def learned(self) -> list[tuple[str, str, str]]:
        """(doc_id, cluster, split) of each document learned so far: what a worker process
        passes back to `learn` in its parent."""
        return [
            (doc_id, cluster, split)
            for doc_id, cluster, split in self._aligned()
            if cluster is not None
        ]

    def unknown(self) -> list[str]:
        """The documents not learned yet."""
        return [doc_id for doc_id, cluster, _ in self._aligned() if cluster is None]

    def clusters_of(self, doc_ids: Iterable[str]) -> set[str]:
        """The clusters of these documents, as far as learned."""
        positions = (self._inventory.position(doc_id) for doc_id in doc_ids)
        clusters = (self._clusters[i] for i in positions if i is not None)
        return {cluster for cluster in clusters if cluster is not None}

    def straddling(self, clusters: set[str] | None) -> dict[str, dict[str, list[str]]]:
        """Each cluster (of `clusters`; None: all) whose documents are in more than one split:
        its documents by split, in doc_id order. Members are gathered for those clusters only
        (for every cluster, they would be the check's whole cost in memory)."""
        split_of: dict[str, str] = {}
        straddling = set()
        for _, cluster, split in self._aligned():
            wanted = cluster is not None and (clusters is None or cluster in clusters)
            if wanted and split_of.setdefault(cluster, split) != split:
                straddling.add(cluster)
        members: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for doc_id, cluster, split in self._aligned():
            if cluster in straddling:
                members[cluster][split].append(doc_id)
        return members

    def _aligned(self):
        return zip(self._inventory.doc_ids, self._clusters, self._splits, strict=True)
