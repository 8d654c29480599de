"""Deterministic, streaming Parquet files: one range's rows of a (config, split) as shards.

Rows arrive as Arrow tables, one per batch of documents (`part`: a fixed run of documents of
one range, `ranges`, in doc_id order), each with its Arrow size as made. Both cuts are made
from that sequence of (rows, bytes) alone, so the bytes depend on the range's documents and
nothing else (not on `--jobs`, not on the other ranges):

- **Shards.** A shard holds whole batches of one range: the next batch starts a new shard
  when it would take the shard's Arrow bytes past `max_shard_bytes` (default: the Hub's
  recommendation, `datasets.config.MAX_SHARD_SIZE`, 500 MB uncompressed, what
  `push_to_hub` uses). Only a batch larger than the maximum by itself makes a larger shard.
  A range's shards are written under temporary names (`ShardedFile`); once every range is
  done, `name_shards` gives each (config, split)'s shards, in range order, their Hub names
  `<split>-0000K-of-0000N.parquet`.
- **Row groups.** As `datasets` 5.2 writes Parquet (`config.MAX_ROW_GROUP_SIZE`, 100 MB
  uncompressed, `arrow_writer.get_writer_batch_size_from_data_size`): a row group holds the
  whole batches that fit in `ROW_GROUP_BYTES`; a batch larger than that is cut into groups
  of `rows * ROW_GROUP_BYTES // bytes` rows, datasets' formula. Fixed row counts made small
  groups of small rows (entities in 1,000-row groups were 2.4x the size of one group) and
  ever larger groups of large ones.

Every writer option that shapes the bytes is fixed here (compression and its level,
dictionary encoding, statistics, format and data page versions, no page index);
`created_by` is pyarrow's constant "parquet-cpp-arrow version X", and pyarrow is pinned
exactly, so the same rows give the same bytes. The Arrow schema comes from the
`datasets.Features` (`features.arrow_schema`), which embeds them under the `huggingface`
metadata key. Memory: one row group's rows (at most `ROW_GROUP_BYTES` plus a batch) per open
file.

The writer runs in the build's worker processes, which never import `datasets` (it costs
each of them seconds): the two sizes taken from `datasets.config` are restated here, and a
test keeps them equal to datasets' own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MAX_SHARD_BYTES = 500 * 10**6  # datasets.config.MAX_SHARD_SIZE, "500MB"
ROW_GROUP_BYTES = 100 * 10**6  # datasets.config.MAX_ROW_GROUP_SIZE, "100MB"
# a shard's file name, the split captured (the Croissant file reads the split from it)
SHARD_PATTERN = r"([a-z]+)-[0-9]{5}-of-[0-9]{5}\.parquet"
WRITER_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,  # zstd's default: level 9 made compression the build's bottleneck
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "write_page_index": False,
    "store_schema": True,
}


def shard_name(split: str, index: int, count: int) -> str:
    """The Hugging Face file name of one shard: `<split>-NNNNN-of-NNNNN.parquet`."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


@dataclass
class Shard:
    """One written shard: its path (temporary, then final), rows and Arrow bytes (the card's
    `num_bytes`)."""

    path: Path
    rows: int
    num_bytes: int


def name_shards(folder: Path, split: str, paths: list[Path]) -> list[Path]:
    """Rename one (config, split)'s shards at `paths` (every range's, in doc_id order) to
    their Hub names in `folder`; the new paths."""
    final = [folder / shard_name(split, index, len(paths)) for index in range(len(paths))]
    for path, name in zip(paths, final, strict=True):
        os.replace(path, name)
    return final


def unnamed_shard(folder: Path, stem: str, index: int) -> Path:
    """The temporary name of a range's `index`th shard, `stem` naming its split and range."""
    return folder / f".{stem}-{index:05d}.parquet.part"


@dataclass
class ShardedFile:
    """One range's Parquet shards of one (config, split), being written: tables in, shards
    out, named `.<stem>-NNNNN.parquet.part` until `name_shards`."""

    folder: Path
    stem: str
    schema: pa.Schema  # the features' Arrow schema (`features.arrow_schema`, with metadata)
    max_shard_bytes: int = MAX_SHARD_BYTES
    shards: list[Shard] = field(default_factory=list)
    _writer: pq.ParquetWriter | None = None
    _shard_bytes: int = 0
    _shard_rows: int = 0
    _group: list[pa.Table] = field(default_factory=list)
    _group_bytes: int = 0

    @property
    def rows(self) -> int:
        return sum(shard.rows for shard in self.shards)

    @property
    def num_bytes(self) -> int:
        return sum(shard.num_bytes for shard in self.shards)

    def add(self, table: pa.Table, num_bytes: int) -> None:
        """Add one batch's rows (of the features' Arrow types, labels as ids: `arrow.table`)
        and their Arrow size as made."""
        if self._writer is not None and self._shard_bytes + num_bytes > self.max_shard_bytes:
            self._close_shard()
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._unnamed(len(self.shards))
            self._writer = pq.ParquetWriter(path, self.schema, **WRITER_OPTIONS)
        if self._group and self._group_bytes + num_bytes > ROW_GROUP_BYTES:
            self._write_group()
        self._group.append(table)
        self._group_bytes += num_bytes
        self._shard_bytes += num_bytes
        self._shard_rows += table.num_rows

    def close(self) -> list[Shard]:
        """Write what is buffered and close (the build fsyncs the whole tree before renaming
        it into place)."""
        if self._writer is not None:
            self._close_shard()
        return self.shards

    def _unnamed(self, index: int) -> Path:
        return unnamed_shard(self.folder, self.stem, index)

    def _close_shard(self) -> None:
        self._write_group()
        self._writer.close()
        self._writer = None
        path = self._unnamed(len(self.shards))
        self.shards.append(Shard(path, self._shard_rows, self._shard_bytes))
        self._shard_bytes = self._shard_rows = 0

    def _write_group(self) -> None:
        """Write the buffered batches as one row group, or, if they are larger than
        `ROW_GROUP_BYTES` (one large batch), as groups of datasets' size in rows."""
        if not self._group:
            return
        rows = pa.concat_tables(self._group).combine_chunks()
        size = max(1, rows.num_rows * ROW_GROUP_BYTES // max(1, self._group_bytes))
        for start in range(0, rows.num_rows, size):
            self._writer.write_table(rows.slice(start, size), row_group_size=size)
        self._group, self._group_bytes = [], 0
