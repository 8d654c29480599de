"""The split rule: which split a new story cluster goes to.

A cluster's split is decided once, when its first document enters the corpus, and recorded in
every member's metadata; validation then only checks that members agree. The rule hashes the
cluster id, so a cluster's split never depends on what else is in the corpus:
`sha256("tsr-news/split/v1:" + story_cluster)`, its first 8 hex digits read as a fraction of
2**32: below 0.8 train, below 0.9 validation, else test.
"""

from __future__ import annotations

import hashlib

RULE = "tsr-news/split/v1:"
BOUNDS = (("train", 0.8), ("validation", 0.9), ("test", 1.0))


def assign_split(story_cluster: str) -> str:
    fraction = int(hashlib.sha256((RULE + story_cluster).encode()).hexdigest()[:8], 16) / 2**32
    return next(split for split, bound in BOUNDS if fraction < bound)
