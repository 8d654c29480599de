"""Deterministic, streaming Parquet files: one writer per (config, split) file.

Rows arrive as Arrow tables (`part.ReleaseBatch`), are buffered per file and written in
row groups of exactly `row_group_rows(config)` rows, so memory is bounded by about one row
group per open file however large the corpus. Every writer option that shapes the bytes is
fixed here (compression and its level, dictionary encoding, statistics, format and data page
versions, no page index); `created_by` is pyarrow's constant "parquet-cpp-arrow version X",
and pyarrow is pinned exactly, so the same rows give the same bytes. The Arrow schema comes
from the `datasets.Features` (`features.arrow_schema`), which embeds them under the
`huggingface` metadata key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

# Rows per row group: 1,000, as `datasets` writes them, where a row is one annotation (~100
# bytes); 256 where a row is a whole document (`documents`, `ner`: ~10 KB each, so a group of
# about 2.5 MB), as `datasets` too takes fewer rows per group where rows are large. Readers
# that fetch a group at a time (the Hub's dataset viewer, streaming) fetch less, and the
# writer buffers less (the build's peak memory at N = 20,000: 410 MB rather than 530).
ROW_GROUP_ROWS = {"documents": 256, "ner": 256}
DEFAULT_ROW_GROUP_ROWS = 1000
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


def row_group_rows(config: str) -> int:
    return ROW_GROUP_ROWS.get(config, DEFAULT_ROW_GROUP_ROWS)


def shard_name(split: str, index: int = 0, count: int = 1) -> str:
    """The Hugging Face file name of one shard: `<split>-NNNNN-of-NNNNN.parquet`."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


@dataclass
class ParquetFile:
    """One Parquet file being written: rows in as Arrow tables, row groups out.

    Row groups are exactly `group_rows` rows (the last one fewer) and each column of a row
    group is written from one Arrow chunk, so the bytes do not depend on how the rows
    arrived (in which batches, from which worker, with how many jobs)."""

    path: Path
    features: Features
    group_rows: int
    rows: int = 0
    num_bytes: int = 0  # Arrow (in-memory) size of the rows as made: the card's `num_bytes`
    _tables: list[pa.Table] = field(default_factory=list)
    _buffered: int = 0
    _writer: pq.ParquetWriter = field(init=False)

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.path, self.features.arrow_schema, **WRITER_OPTIONS)

    def add(self, table: pa.Table, num_bytes: int) -> None:
        """Add rows (of the features' Arrow types, labels as ids: `arrow.table`) and their
        Arrow size as made."""
        self.num_bytes += num_bytes
        self._tables.append(table)
        self._buffered += table.num_rows
        if self._buffered >= self.group_rows:
            self._write(keep_remainder=True)

    def close(self) -> None:
        """Write what is buffered and close (the build fsyncs the whole tree before renaming).

        A file without rows has its schema and no row group (`datasets` reads a row group of
        zero rows as a batch size of zero and fails).
        """
        if self._buffered:
            self._write(keep_remainder=False)
        self._writer.close()

    def _write(self, keep_remainder: bool) -> None:
        """Write the buffered rows as whole row groups; unless this is the end, keep the rows
        short of a whole group buffered for the next."""
        buffered = pa.concat_tables(self._tables)
        size = self.group_rows
        count = self._buffered - self._buffered % size if keep_remainder else self._buffered
        for start in range(0, count, size):
            group = buffered.slice(start, min(size, count - start)).combine_chunks()
            self._writer.write_table(group, row_group_size=size)
        self.rows += count
        self._tables = [buffered.slice(count)] if count < self._buffered else []
        self._buffered -= count
