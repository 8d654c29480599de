"""Release rows -> Arrow tables of the release's types, in plain pyarrow.

Converting rows label by label in Python (`datasets`' encoder, `Table.from_pylist` per row)
cost more than all the rest of a build. Instead each config's rows of a batch go to Arrow in
one `pa.array` call, which converts the JSON values in C++ against the config's struct type
with every ClassLabel read as its name; `encode` then swaps names for ids with one vectorised
lookup per label column, however deeply it is nested (labels inside records inside lists). An
absent optional key is read as null, as `datasets` would encode it. (Serialising the rows as
JSON lines for Arrow's JSON reader, as the build once did, cost twice as much.) The rows hold
no key the type lacks: every object in the schemas is closed, and `rows` adds only columns
the features have.

This runs in the build's worker processes, which never import `datasets` (it costs each of
them seconds): what it needs of the features travels as a `RowSchema` of pyarrow objects,
made from them once in the parent (`features.row_schemas`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


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
    """One config's rows as Arrow reads them (`named`: the features' Arrow schema with each
    ClassLabel as a string), and how to encode each column's labels (None: no labels).
    The encoded table has the features' Arrow types; the Parquet writer adds their metadata."""

    named: pa.Schema
    encodings: tuple[Encoding | None, ...]

    def select(self, names) -> RowSchema:
        """The schema of these columns only (in this schema's order)."""
        keep = [i for i, name in enumerate(self.named.names) if name in names]
        return RowSchema(
            pa.schema([self.named.field(i) for i in keep]), tuple(self.encodings[i] for i in keep)
        )

    def without(self, names) -> RowSchema:
        return self.select([name for name in self.named.names if name not in names])


def table(rows: list[dict], schema: RowSchema) -> pa.Table:
    """The `rows` (JSON values, labels by name) with labels as ids, each column in one
    chunk."""
    parsed = pa.array(rows, type=pa.struct(schema.named))
    columns = [_encode(parsed.field(i), encoding) for i, encoding in enumerate(schema.encodings)]
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
