"""What changed between two releases, and whether the version bump says so (DESIGN.md).

Both releases are read from their `documents` Parquet files, one row group at a time, keeping
per document only a digest of its row, its split and its annotated layers, so the comparison
scales with the number of documents, not their size. The semver rule for the data:

- MAJOR: a feature (column or label set) of a config changed, a config was removed, a
  document was removed, or a document moved between splits;
- MINOR: documents or annotation layers were added, a config gained its first rows (a config
  new in the tool comes with changed `documents` columns, which is MAJOR), or a document's
  release layer changed (human gold replacing a draft, say);
- PATCH: anything else in the content changed (corrections).

A release is consistent when its version bump is at least the level the changes require
(a bump with no content change is fine: the tooling may have changed).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from datasets import Features

from tsr_news.release.layers import GOLD, HUMAN
from tsr_news.release.manifest import MANIFEST, read_manifest, untrusted
from tsr_news.scheme.model import LABEL_FIELD, LAYER_KINDS

LEVELS = ("none", "patch", "minor", "major")


@dataclass
class Snapshot:
    """A release reduced to what the comparison needs."""

    version: str
    features: dict[str, dict]  # config -> features as a dict (from the Parquet metadata)
    # doc_id -> (digest of its row, split, annotated layer kinds, release layer, its origin)
    documents: dict[str, tuple] = field(default_factory=dict)
    labels: Counter = field(default_factory=Counter)  # (layer, label) -> count


def snapshot(release: Path) -> Snapshot:
    manifest = read_manifest(release / MANIFEST)
    features = {}
    for path in sorted(release.glob("data/*/*.parquet")):
        schema = pq.read_schema(path)
        features[path.parent.name] = Features.from_arrow_schema(schema).to_dict()
    _parse(manifest["version"])  # refused here, while the release is `untrusted`, if not X.Y.Z
    snap = Snapshot(manifest["version"], features)
    for path in sorted(release.glob("data/documents/*.parquet")):
        parquet = pq.ParquetFile(path)
        columns = Features.from_arrow_schema(parquet.schema_arrow)
        for batch in parquet.iter_batches():
            for row in batch.to_pylist():
                _add(snap, columns, row)
    return snap


def _add(snap: Snapshot, columns: Features, row: dict) -> None:
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    split = columns["split"].int2str(row["split"])
    if "layer" in row:
        layer = row["layer"]
        origin = columns["origin"].int2str(row["origin"]) if row["origin"] is not None else None
    else:  # a release from before release layers (< 1.0.0) carried gold only
        layer, origin = (GOLD, HUMAN) if row["annotated_layers"] else (None, None)
    snap.documents[row["doc_id"]] = (
        digest,
        split,
        frozenset(row["annotated_layers"]),
        layer,
        origin,
    )
    for kind in LAYER_KINDS:
        names = columns[kind].feature[LABEL_FIELD[kind]]
        for item in row[kind]:
            snap.labels[kind, names.int2str(item[LABEL_FIELD[kind]])] += 1


@dataclass
class Diff:
    old: Snapshot
    new: Snapshot
    added: list[str]
    removed: list[str]
    changed: list[str]
    moved: list[tuple[str, str, str]]  # doc_id, old split, new split
    layers_added: list[str]  # documents that gained annotation layers
    # doc_id, old and new release layer as "layer (origin)" ("none" without one)
    release_layer_changed: list[tuple[str, str, str]]
    features_changed: list[str]  # configs in both releases whose features differ
    configs_added: list[str]
    configs_removed: list[str]

    @property
    def required(self) -> str:
        if self.features_changed or self.configs_removed or self.removed or self.moved:
            return "major"
        if self.added or self.layers_added or self.release_layer_changed or self.configs_added:
            return "minor"
        return "patch" if self.changed else "none"

    @property
    def bump(self) -> str:
        old, new = _parse(self.old.version), _parse(self.new.version)
        if new <= old:
            return "none"
        return "major" if new[0] > old[0] else "minor" if new[1] > old[1] else "patch"

    @property
    def consistent(self) -> bool:
        return LEVELS.index(self.bump) >= LEVELS.index(self.required)

    def render(self) -> str:
        lines = [f"tsr-news {self.old.version} -> {self.new.version}"]
        lines += [f"  added: {d}" for d in self.added]
        lines += [f"  removed: {d}" for d in self.removed]
        lines += [f"  changed: {d}" for d in self.changed]
        lines += [f"  moved: {d} {a} -> {b}" for d, a, b in self.moved]
        lines += [f"  annotation layers added: {d}" for d in self.layers_added]
        lines += [f"  release layer: {d} {a} -> {b}" for d, a, b in self.release_layer_changed]
        lines += [f"  config added: {c}" for c in self.configs_added]
        lines += [f"  config removed: {c}" for c in self.configs_removed]
        lines += [f"  features changed: {c}" for c in self.features_changed]
        keys = sorted(set(self.old.labels) | set(self.new.labels))
        for layer, label in keys:
            before, after = self.old.labels[layer, label], self.new.labels[layer, label]
            if before != after:
                lines.append(f"  {layer} {label}: {before} -> {after} ({after - before:+d})")
        verdict = "consistent" if self.consistent else "INCONSISTENT"
        lines.append(
            f"changes require a {self.required} bump; the version bump is {self.bump}: {verdict}"
        )
        return "\n".join(lines) + "\n"


def _parse(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def diff(old_release: Path, new_release: Path) -> Diff:
    """What changed from `old_release` to `new_release`; DamagedRelease if either's files are
    not what `build` writes (`manifest.untrusted`)."""
    with untrusted(old_release):
        old = snapshot(old_release)
    with untrusted(new_release):
        new = snapshot(new_release)
    both = sorted(old.documents.keys() & new.documents.keys())
    return Diff(
        old=old,
        new=new,
        added=sorted(new.documents.keys() - old.documents.keys()),
        removed=sorted(old.documents.keys() - new.documents.keys()),
        changed=[d for d in both if old.documents[d][0] != new.documents[d][0]],
        moved=[
            (d, old.documents[d][1], new.documents[d][1])
            for d in both
            if old.documents[d][1] != new.documents[d][1]
        ],
        layers_added=[d for d in both if new.documents[d][2] > old.documents[d][2]],
        release_layer_changed=[
            (d, _layer(old.documents[d]), _layer(new.documents[d]))
            for d in both
            if old.documents[d][3:] != new.documents[d][3:]
        ],
        configs_added=sorted(new.features.keys() - old.features.keys()),
        configs_removed=sorted(old.features.keys() - new.features.keys()),
        features_changed=sorted(
            c
            for c in old.features.keys() & new.features.keys()
            if old.features[c] != new.features[c]
        ),
    )


def _layer(document: tuple) -> str:
    _, _, _, layer, origin = document
    return f"{layer} ({origin})" if layer is not None else "none"
