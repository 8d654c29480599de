"""What a run of documents contributes to a release, made in the worker that checked them.

A batch carries its documents' rows as Arrow tables, one per (config, split), labels already
encoded (`arrow`: one conversion per table, as each call costs a fixed overhead). With them go
the documents' lines of the content digest and their statistics. Tables, bytes and counters
cross between processes far more cheaply than rows as Python objects would, and the writer
(`build.write_release`) is left with writing Parquet. This module is what a worker process
imports to make batches, so it stays clear of `datasets` (importing it costs each worker
seconds).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import pyarrow as pa

from tsr_news.checks.problems import Problem
from tsr_news.corpus.fingerprints import Fingerprint
from tsr_news.corpus.loader import LoadedDocument
from tsr_news.release import ner
from tsr_news.release.arrow import RowSchema, table
from tsr_news.release.datasheet import Statistics
from tsr_news.release.digest import ContentDigest
from tsr_news.release.flat import documents_table, flat_table
from tsr_news.release.layers import SourcedLayer, release_layer
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
# batches spread thinner, and the writer buffers at most a few batches per worker. `build` and
# `rehydrate` batch alike, so their files match byte for byte (the card's Arrow `num_bytes`
# depends on how the rows were batched).
BATCH_DOCUMENTS = 64


@dataclass(frozen=True)
class ReleaseBatch:
    """The release rows of consecutive valid documents, and what the writer records of them."""

    tables: dict[tuple[str, str], pa.Table]  # (config, split) -> rows in doc_id order
    # each table's Arrow size as made, for the card's `num_bytes` (a table that crossed
    # between processes may come back with its buffers laid out differently)
    sizes: dict[tuple[str, str], int]
    digest_lines: bytes  # their lines of the content digest (of the full text, even if withheld)
    statistics: Statistics  # the counts of these documents

    def __reduce__(self):
        """Cross between processes with the tables as Arrow IPC streams: pickling a table
        array by array cost the writer process several times more than writing it."""
        streams = {key: _to_stream(table) for key, table in self.tables.items()}
        return _from_streams, (streams, self.sizes, self.digest_lines, self.statistics)


def _to_stream(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _from_streams(
    streams: dict[tuple[str, str], bytes],
    sizes: dict[tuple[str, str], int],
    digest_lines: bytes,
    statistics: Statistics,
) -> ReleaseBatch:
    tables = {key: pa.ipc.open_stream(stream).read_all() for key, stream in streams.items()}
    return ReleaseBatch(tables, sizes, digest_lines, statistics)


def release_batch(
    documents: list[LoadedDocument],
    schemas: dict[str, RowSchema],
    withhold_text: bool,
    fallback_layers: tuple[str, ...],
) -> ReleaseBatch:
    """The batch of the valid `documents` (in doc_id order); `schemas`: each row config's
    `features.row_schemas()`; `fallback_layers`: the release settings' (`layers`)."""
    splits: dict[str, _Split] = defaultdict(_Split)
    digest_lines = []
    statistics = Statistics()
    for document in documents:
        split = splits[document.meta["split"]]
        layer = release_layer(document, fallback_layers)
        row = document_row(document, layer)
        digest_lines.append(ContentDigest.line(row))
        split.add_document(withhold(row, "documents") if withhold_text else row, layer)
        for layer_row in layer_rows(document, layer):
            digest_lines.append(ContentDigest.line(layer_row))
            split.add_layer(withhold(layer_row, "layers") if withhold_text else layer_row)
        if ner.tagged(layer):
            split.tagged.append((document, layer))
        statistics.add(document, layer)
    tables = {}
    for name, split in splits.items():
        for config, made in split.tables(schemas, withhold_text).items():
            tables[config, name] = made
    sizes = {key: t.nbytes for key, t in tables.items()}
    return ReleaseBatch(tables, sizes, b"".join(digest_lines), statistics)


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


def checked_batch(
    documents: list[LoadedDocument],
    schemas: dict[str, RowSchema],
    withhold_text: bool,
    fallback_layers: tuple[str, ...],
) -> tuple[list[Problem], ReleaseBatch | None, list[Fingerprint]]:
    """A worker's answer for a chunk of documents: their problems, their batch if every one of
    them is valid (a corpus with problems is refused whole, so no rows are needed), and what
    was read of their files (`inputs`)."""
    problems = [problem for document in documents for problem in document.problems]
    read = [fingerprint for document in documents for fingerprint in document.fingerprints]
    if problems or not all(document.valid for document in documents):
        return problems, None, read
    return problems, release_batch(documents, schemas, withhold_text, fallback_layers), read
