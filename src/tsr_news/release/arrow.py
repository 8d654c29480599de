"""JSON lines of release rows -> Arrow tables of the release's types, in plain pyarrow.

Converting rows to Arrow in Python (`Table.from_pylist`, label by label) cost more than all
the rest of a build. Instead the rows are JSON lines (`orjson`) and Arrow's own JSON reader
parses them, in C++, against the config's schema with every ClassLabel read as its name;
`encode` then swaps names for ids with one vectorised lookup per label column, however
deeply it is nested (labels inside records inside lists). An absent optional key is read as
null, as `datasets` would encode it.

This runs in the build's worker processes, which never import `datasets` (it costs each of
them seconds): what it needs of the features travels as a `RowSchema` of pyarrow objects,
made from them once in the parent (`features.row_schemas`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

MIN_BLOCK_BYTES = 1 << 22  # the JSON reader's unit of work; a line must fit in one block


@dataclass(frozen=True)
class Labels:
    """A ClassLabel: its names, in id order."""

    names: pa.Array


@dataclass(frozen=True)
class ListOf:
    """A list whose items hold labels."""

    item: Encoding


@dataclass(frozen=True)
class Record:
    """A record with labels in some of its fields (None: no labels in that field)."""

    fields: dict[str, Encoding | None]


Encoding = Labels | ListOf | Record


@dataclass(frozen=True)
class RowSchema:
    """One config's rows as the JSON reader sees them (`named`: the features' Arrow schema with
    each ClassLabel as a string), and how to encode each column's labels (None: no labels).
    The encoded table has the features' Arrow types; the Parquet writer adds their metadata."""

    named: pa.Schema
    encodings: tuple[Encoding | None, ...]


def table(lines: bytes, schema: RowSchema, longest_line: int) -> pa.Table:
    """The rows in `lines` (one JSON object per line, labels by name) with labels as ids,
    each column in one chunk."""
    parsed = pj.read_json(
        pa.BufferReader(lines),
        # one thread: the build's worker processes already keep the cores busy (with threads
        # the build was slower and its memory larger)
        read_options=pj.ReadOptions(
            use_threads=False, block_size=max(MIN_BLOCK_BYTES, longest_line + 1)
        ),
        parse_options=pj.ParseOptions(
            explicit_schema=schema.named, unexpected_field_behavior="error"
        ),
    )
    columns = [
        _encode(column.combine_chunks(), encoding)
        for column, encoding in zip(parsed.columns, schema.encodings, strict=True)
    ]
    return pa.Table.from_arrays(columns, names=schema.named.names)


def _encode(array: pa.Array, encoding: Encoding | None) -> pa.Array:
    """`array` (offset 0) with its label names replaced by ids."""
    if encoding is None:
        return array
    if isinstance(encoding, Labels):
        return pc.index_in(array, value_set=encoding.names).cast(pa.int64())
    mask = array.is_null() if array.null_count else None
    if isinstance(encoding, ListOf):
        values = _encode(array.values, encoding.item)
        return pa.ListArray.from_arrays(array.offsets, values, mask=mask)
    children = [_encode(array.field(name), e) for name, e in encoding.fields.items()]
    return pa.StructArray.from_arrays(children, names=list(encoding.fields), mask=mask)
