"""What the last build of a release read and wrote, range by range, so that the next build
can reuse what has not changed.

Next to the release (`build/.tsr-news-X.Y.Z.inputs`, outside it, so that the release's bytes
stay those of any build of the same corpus), a build records:
- the digest of its settings: the tool's code and version, the versions of the libraries that
  shape the bytes, the schemas, and what the caller says shapes the release
  (`--withhold-text`, the datasheet, the git source recorded in the manifest, the range and
  shard sizes);
- for each range of documents (`ranges`), two lines: what it contributed
  (`ranges.RangeOutput`: its shards' facts with the stat identity of each as placed in the
  release, each document's content digest, its statistics), and what it was made from: the
  fingerprint of every corpus file read (`fingerprints`, taken by the worker that read it)
  and each document's story cluster and split (parsed only when the range is checked);
- a last line that counts the ranges, so that a record cut short is no record.

A later build with the same settings reuses a range (`Previous.reusable`) whose documents are
the same ids, each file unchanged (by `stat`, or by its bytes' sha256 when its stat changed),
and whose shards are still the files the record describes: it links them into the new
release rather than reading, checking and writing its documents again. A build where every
range is reusable does nothing (`Previous.current`): rewriting identical Parquet files is the
slowest part of a build, and checking costs a `stat` per file. A corpus whose inventory has
problems (a stray file, a missing text) is never current: it must be checked, and refused.

The record is read when a build starts, removed before its release is replaced, and written
once the new release is in place, so a release is never paired with another build's record.
A record that cannot be read (absent, truncated, from another version, edited) is no record:
the build does it all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from importlib.metadata import version
from pathlib import Path

import datasets
import orjson
import pyarrow

import tsr_news
from tsr_news.common import atomic
from tsr_news.corpus import fingerprints
from tsr_news.corpus.loader import Corpus
from tsr_news.release.manifest import MANIFEST
from tsr_news.release.parquet import SHARD_PATTERN
from tsr_news.release.ranges import RangeOutput, ShardFacts
from tsr_news.scheme.schemas import schema_dir

HEADER = "tsr-news build inputs, format 3\n"
# a shard as a record may name it: inside the release's data folder, nowhere else
RECORDED_SHARD = re.compile(rf"data/[a-z]+/{SHARD_PATTERN}")


def settings_digest(settings: dict) -> str:
    """The sha256 of what shapes a release besides the corpus files: the tool, its libraries,
    the schemas, and `settings` (the options and provenance of the build)."""
    digest = hashlib.sha256()
    facts = {
        "tsr-news": tsr_news.__version__,
        "pyarrow": pyarrow.__version__,
        "datasets": datasets.__version__,
        "mlcroissant": version("mlcroissant"),
        "huggingface_hub": version("huggingface_hub"),
        **settings,
    }
    digest.update(json.dumps(facts, sort_keys=True, default=str).encode() + b"\n")
    package = Path(tsr_news.__file__).parent
    named_files = [
        *((f"code/{p.relative_to(package).as_posix()}", p) for p in package.rglob("*.py")),
        *((f"schema/{p.name}", p) for p in schema_dir().glob("*.json")),
    ]
    for name, path in sorted(named_files):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def stamp_path(release: Path) -> Path:
    return release.parent / f".{release.name}.inputs"


class Previous:
    """The last build's record of the release at `release`, if it was built with `settings`
    (`settings_digest`); taken from disk, which no longer holds it (see the module's
    docstring)."""

    def __init__(self, release: Path, corpus: Corpus, settings: str):
        self.release = release
        self._corpus = corpus
        self._ranges = _read(stamp_path(release), settings)
        self._checked: dict[str, RangeOutput | None] = {}

    def forget(self) -> None:
        """Remove the record from disk (with what killed builds left of theirs), before the
        release it describes is replaced."""
        stamp_path(self.release).unlink(missing_ok=True)
        atomic.remove_abandoned(stamp_path(self.release))

    def reusable(self, doc_ids: list[str]) -> RangeOutput | None:
        """The recorded output of the range of `doc_ids`, if it is still what these
        documents' files, as they are now, would give, and its shards are still in the
        release; else None."""
        if doc_ids[0] not in self._checked:
            self._checked[doc_ids[0]] = self._reusable(doc_ids)
        return self._checked[doc_ids[0]]

    def _reusable(self, doc_ids: list[str]) -> RangeOutput | None:
        recorded = self._ranges.get(doc_ids[0])
        if recorded is None or recorded.doc_ids != doc_ids:
            return None
        if not set(recorded.statistics.agreement_documents) <= set(doc_ids):
            return None  # not a record this build wrote: its documents are the range's
        inventory, root = self._corpus.inventory, str(self._corpus.root)
        expected = [name for doc_id in doc_ids for name in inventory.files_of(doc_id)]
        try:
            read = recorded.fingerprints()
        except (ValueError, KeyError, TypeError):
            return None
        if expected != [fingerprint.name for fingerprint in read]:
            return None
        if not all(fingerprints.unchanged(root, fingerprint) for fingerprint in read):
            return None
        if not all(_placed(self.release, shard) for shard in recorded.shards):
            return None
        return recorded

    def current(self, plan: list[list[str]]) -> bool:
        """Whether the release is the one a build of the ranges `plan` would write."""
        return (
            not self._corpus.inventory.problems
            and (self.release / MANIFEST).is_file()
            and len(plan) == len(self._ranges)
            and all(self.reusable(doc_ids) is not None for doc_ids in plan)
        )


def record(release: Path, settings: str, outputs: list[RangeOutput]) -> None:
    """Record the ranges `outputs` of the release just placed at `release` (their shards'
    paths final), with each shard's stat identity as it is now."""
    lines = [f"{HEADER}{settings}\n".encode()]
    for output in outputs:
        for shard in output.shards:
            shard.identity = _identity(os.stat(release / shard.path))
        lines += [orjson.dumps(output.to_json()), b"\n", output.sources, b"\n"]
    lines += [_end(len(outputs)), b"\n"]
    atomic.write_bytes(stamp_path(release), b"".join(lines))


def _read(stamp: Path, settings: str) -> dict[str, RangeOutput]:
    """The ranges a record holds, by first document; none if it is not a whole record (its
    last line counts its ranges) of a build with `settings` that this version wrote."""
    head = f"{HEADER}{settings}\n".encode()
    try:
        data = stamp.read_bytes()
        if not data.startswith(head):
            return {}
        *lines, end, last = data[len(head) :].split(b"\n")
        if last or len(lines) % 2 or end != _end(len(lines) // 2):
            return {}
        ranges = [
            RangeOutput.from_json(orjson.loads(output), sources)
            for output, sources in zip(lines[::2], lines[1::2], strict=True)
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {output.doc_ids[0]: output for output in ranges if output.doc_ids}


def _end(ranges: int) -> bytes:
    """The record's last line: a record cut short (a full disk, a killed write) lacks it."""
    return f"end of {ranges} ranges".encode()


def _placed(release: Path, shard: ShardFacts) -> bool:
    """Whether `shard` is still the file the record describes, by its stat identity (the
    build's own output: size, modification time and inode, which linking it into the next
    release keeps)."""
    if not isinstance(shard.path, str) or not RECORDED_SHARD.fullmatch(shard.path):
        return False
    try:
        return shard.identity is not None and _identity(os.stat(release / shard.path)) == tuple(
            shard.identity
        )
    except OSError:
        return False


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)
