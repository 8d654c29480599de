"""What a range of documents contributes to a release, made in the worker that checked them.

A worker reads and checks a range's documents (`ranges`) a batch at a time; each batch's rows
become Arrow tables, one per (config, split), labels already encoded (`arrow`: one
conversion per table, as each call costs a fixed overhead), and go straight into the range's
own Parquet shards (`parquet.ShardedFile`), in the release's temporary directory. What comes
back to the build is small (`ranges.RangeOutput`): the shards' facts, each document's content
digest and the range's statistics; no rows cross between processes. This module is what a
worker process imports, so it stays clear of `datasets` (importing it costs each worker
seconds): the Parquet schemas come from the parent (`features.file_schemas`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from tsr_news.checks.problems import Problem
from tsr_news.common.files import sha256_file
from tsr_news.corpus.fingerprints import Fingerprint
from tsr_news.corpus.loader import LoadedDocument
from tsr_news.release import ner
from tsr_news.release.arrow import RowSchema, table
from tsr_news.release.datasheet import Statistics
from tsr_news.release.digest import ContentDigest
from tsr_news.release.flat import documents_table, flat_table
from tsr_news.release.layers import SourcedLayer, release_layer
from tsr_news.release.parquet import ShardedFile
from tsr_news.release.ranges import RangeOutput, ShardFacts
from tsr_news.release.rows import (
    ANNOTATION_COLUMNS,
    FLAT_CONFIGS,
    annotation_columns,
    document_row,
    layer_rows,
)
from tsr_news.release.withhold import withhold
from tsr_news.scheme.schemas import taxonomy

# Documents per batch: converting rows to Arrow costs a fixed overhead per call, which larger
# batches spread thinner; a range is cut into batches from its first document, so a range's
# bytes depend on its documents alone (the card's Arrow `num_bytes` and the row groups depend
# on how the rows were batched).
BATCH_DOCUMENTS = 64


@dataclass(frozen=True)
class OutputSettings:
    """What shapes a range's files besides its documents, the same for every range of a
    build: each row config's `features.row_schemas()`, each config's Parquet schema
    (`features.file_schemas()`), whether the text is withheld, the release settings'
    fallback layers (`layers`), the largest shard (`parquet`) and the documents per batch
    (`BATCH_DOCUMENTS`, read in the parent: workers may be started afresh)."""

    schemas: dict[str, RowSchema]
    file_schemas: dict[str, pa.Schema]
    withhold_text: bool
    fallback_layers: tuple[str, ...]
    max_shard_bytes: int
    batch_documents: int


@dataclass(frozen=True)
class ReleaseBatch:
    """The release rows of consecutive valid documents, and what the writer records of them."""

    doc_ids: list[str]
    tables: dict[tuple[str, str], pa.Table]  # (config, split) -> rows in doc_id order
    digests: bytes  # each document's content digest (of the full text, even if withheld)
    statistics: Statistics  # the counts of these documents


def release_batch(documents: list[LoadedDocument], settings: OutputSettings) -> ReleaseBatch:
    """The batch of the valid `documents` (in doc_id order)."""
    splits: dict[str, _Split] = defaultdict(_Split)
    digests = []
    statistics = Statistics()
    withhold_text = settings.withhold_text
    for document in documents:
        split = splits[document.meta["split"]]
        layer = release_layer(document, settings.fallback_layers)
        row = document_row(document, layer)
        rows = list(layer_rows(document, layer))
        digests.append(ContentDigest.of_document([row, *rows]))
        split.add_document(withhold(row, "documents") if withhold_text else row, layer)
        for layer_row in rows:
            split.add_layer(withhold(layer_row, "layers") if withhold_text else layer_row)
        if ner.tagged(layer):
            split.tagged.append((document, layer))
        statistics.add(document, layer)
    tables = {}
    for name, split in splits.items():
        for config, made in split.tables(settings.schemas, withhold_text).items():
            tables[config, name] = made
            if config == "ner":
                longest = pc.max(pc.list_value_length(made["tokens"])).as_py()
                statistics.longest_sentence = max(statistics.longest_sentence, longest)
    doc_ids = [document.doc_id for document in documents]
    return ReleaseBatch(doc_ids, tables, b"".join(digests), statistics)


def batches(
    documents: Iterable[LoadedDocument], settings: OutputSettings
) -> Iterator[ReleaseBatch]:
    """The batches of valid `documents` (in doc_id order)."""
    documents = iter(documents)
    while chunk := list(islice(documents, settings.batch_documents)):
        yield release_batch(chunk, settings)


def write_range(
    batches: Iterable[ReleaseBatch], release: Path, settings: OutputSettings
) -> RangeOutput:
    """Write a range's `batches` into its shards under the release directory `release`,
    named after its first document (`parquet.ShardedFile`)."""
    files: dict[tuple[str, str], ShardedFile] = {}
    doc_ids, digests, statistics = [], [], Statistics()
    for batch in batches:
        doc_ids.extend(batch.doc_ids)
        for (config, split), made in batch.tables.items():
            if (config, split) not in files:
                folder = release / "data" / config
                files[config, split] = ShardedFile(
                    folder,
                    f"{split}.{doc_ids[0]}",  # the range's first
                    settings.file_schemas[config],
                    settings.max_shard_bytes,
                )
            files[config, split].add(made, made.nbytes)
        digests.append(batch.digests)
        statistics.merge(batch.statistics)
    shards = [
        _facts(config, split, shard, release)
        for (config, split), written in sorted(files.items())
        for shard in written.close()
    ]
    return RangeOutput(doc_ids, shards, b"".join(digests), statistics)


def _facts(config: str, split: str, shard, release: Path) -> ShardFacts:
    return ShardFacts(
        config,
        split,
        shard.path.relative_to(release).as_posix(),
        shard.rows,
        shard.num_bytes,
        shard.path.stat().st_size,
        sha256_file(shard.path),
    )


@dataclass
class _Split:
    """One split's share of a batch, gathered document by document, then made into tables."""

    meta: list[dict] = field(default_factory=list)  # `documents` rows but their annotations
    layers: list[dict] = field(default_factory=list)
    released_row: list[int | None] = field(default_factory=list)  # into `layers`, per document
    released: list[SourcedLayer | None] = field(default_factory=list)
    tagged: list[tuple[LoadedDocument, SourcedLayer]] = field(default_factory=list)

    def add_document(self, row: dict, layer: SourcedLayer | None) -> None:
        self.meta.append({k: v for k, v in row.items() if k not in ANNOTATION_COLUMNS})
        self.released.append(layer)
        # the document's release layer is the first of its `layers` rows flagged `released`
        self.released_row.append(None)

    def add_layer(self, row: dict) -> None:
        if row["released"]:
            self.released_row[-1] = len(self.layers)
        self.layers.append(row)

    def tables(self, schemas: dict[str, RowSchema], withhold_text: bool) -> dict[str, pa.Table]:
        documents = schemas["documents"]
        layers = table(self.layers, schemas["layers"]) if self.layers else None
        empty = table([annotation_columns(None)], documents.select(ANNOTATION_COLUMNS))
        meta = table(self.meta, documents.without(ANNOTATION_COLUMNS))
        names = documents.named.names
        made = {"documents": documents_table(meta, layers, self.released_row, empty, names)}
        if layers is not None:
            made["layers"] = layers
        for config in FLAT_CONFIGS:
            names = schemas[config].named.names
            flat = flat_table(config, made["documents"], self.released, _origin_ids(), names)
            if flat is not None:
                made[config] = flat
        if self.tagged:
            made["ner"] = ner.ner_table(self.tagged, withhold_text)
        return made


@cache
def _origin_ids() -> dict[str, int]:
    return {name: i for i, name in enumerate(taxonomy()["origin"].values)}


def checked_range(
    documents: Iterable[LoadedDocument], release: Path, settings: OutputSettings
) -> tuple[list[Problem], RangeOutput | None]:
    """A worker's answer for one range: its documents' problems, and its output if every one
    of them is valid (a corpus with problems is refused whole: writing stops at the first
    problem, and the checking goes on), with what was read of their files (`inputs`)."""
    problems: list[Problem] = []
    read: list[Fingerprint] = []
    splits: list[tuple[str, str, str]] = []

    def valid_batches() -> Iterator[ReleaseBatch]:
        documents_ = iter(documents)
        while chunk := list(islice(documents_, settings.batch_documents)):
            for document in chunk:
                problems.extend(document.problems)
                read.extend(document.fingerprints)
            if problems or not all(document.valid for document in chunk):
                for document in documents_:  # their files are read and checked all the same
                    problems.extend(document.problems)
                return
            splits.extend((d.doc_id, d.meta["story_cluster"], d.meta["split"]) for d in chunk)
            yield release_batch(chunk, settings)

    output = write_range(valid_batches(), release, settings)
    if problems:
        for shard in output.shards:
            (release / shard.path).unlink(missing_ok=True)
        return problems, None
    return problems, replace(output, sources=RangeOutput.sources_of(read, splits))
