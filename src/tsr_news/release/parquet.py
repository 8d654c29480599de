"""Deterministic, streaming Parquet files: one writer per (config, split) file.

Rows are buffered per file and written in row groups of `ROW_GROUP_ROWS`, so memory is
bounded by one row group per open file however large the corpus. Every writer option that
shapes the bytes is fixed here (compression and its level, dictionary encoding, statistics,
format and data page versions, no page index); `created_by` is pyarrow's constant
"parquet-cpp-arrow version X", and pyarrow is pinned exactly, so the same rows give the same
bytes. The Arrow schema comes from the `datasets.Features` (`features.arrow_schema`), which
embeds them under the `huggingface` metadata key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

ROW_GROUP_ROWS = 1000
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


def shard_name(split: str, index: int = 0, count: int = 1) -> str:
    """The Hugging Face file name of one shard: `<split>-NNNNN-of-NNNNN.parquet`."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


@dataclass
class ParquetFile:
    """One Parquet file being written: encoded rows in, row groups out."""

    path: Path
    features: Features
    rows: int = 0
    num_bytes: int = 0  # Arrow (in-memory) size of the data: the card's `num_bytes`
    _buffer: list[dict] = field(default_factory=list)
    _writer: pq.ParquetWriter = field(init=False)

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.path, self.features.arrow_schema, **WRITER_OPTIONS)

    def add(self, row: dict) -> None:
        """Add one row, encoded (`encode.encoder`): label ids, not names."""
        self._buffer.append(row)
        if len(self._buffer) >= ROW_GROUP_ROWS:
            self._flush()

    def close(self) -> None:
        """Write what is buffered and close (the build fsyncs the whole tree before renaming).

        A file without rows has its schema and no row group (`datasets` reads a row group of
        zero rows as a batch size of zero and fails).
        """
        if self._buffer:
            self._flush()
        self._writer.close()

    def _flush(self) -> None:
        table = pa.Table.from_pylist(self._buffer, schema=self.features.arrow_schema)
        self._writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        self.rows += table.num_rows
        self.num_bytes += table.nbytes
        self._buffer.clear()
