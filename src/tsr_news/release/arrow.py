"""JSON lines of release rows -> Arrow tables of the release's features.

Converting rows to Arrow in Python (`Table.from_pylist`, label by label) cost more than all
the rest of a build. Instead the rows travel as JSON lines (`orjson`, in the worker that made
them) and Arrow's own JSON reader parses them, in C++, against the features'
schema with every ClassLabel read as its name; `_encode` then swaps names for ids with one
vectorised lookup per label column, however deeply it is nested (labels inside records
inside lists). An absent optional key is read as null, as `datasets` would encode it.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
from datasets import ClassLabel, Features, List

MIN_BLOCK_BYTES = 1 << 22  # the JSON reader's unit of work; a line must fit in one block


def table(lines: bytes, features: Features, longest_line: int) -> pa.Table:
    """The rows in `lines` (one JSON object per line, labels by name) as a table of
    `features.arrow_schema`, each column in one chunk."""
    parsed = pj.read_json(
        pa.BufferReader(lines),
        # one thread: the build's worker processes already keep the cores busy (with threads
        # the build was slower and its memory larger)
        read_options=pj.ReadOptions(
            use_threads=False, block_size=max(MIN_BLOCK_BYTES, longest_line + 1)
        ),
        parse_options=pj.ParseOptions(
            explicit_schema=_named(features), unexpected_field_behavior="error"
        ),
    )
    columns = [
        _encode(parsed.column(name).combine_chunks(), feature) for name, feature in features.items()
    ]
    return pa.Table.from_arrays(columns, schema=features.arrow_schema)


def _named(features: Features) -> pa.Schema:
    """The features' Arrow schema with each ClassLabel as a string (its name)."""
    return pa.schema([pa.field(name, _named_type(feature)) for name, feature in features.items()])


def _named_type(feature) -> pa.DataType:
    if isinstance(feature, ClassLabel):
        return pa.string()
    if isinstance(feature, List):
        return pa.list_(_named_type(feature.feature))
    if isinstance(feature, dict):
        return pa.struct([pa.field(k, _named_type(f)) for k, f in feature.items()])
    return feature.pa_type


def _encode(array: pa.Array, feature) -> pa.Array:
    """`array` (of `_named_type(feature)`, offset 0) with its label names replaced by ids."""
    if not _has_labels(feature):
        return array
    if isinstance(feature, ClassLabel):
        return pc.index_in(array, value_set=_names(feature)).cast(pa.int64())
    mask = array.is_null() if array.null_count else None
    if isinstance(feature, List):
        values = _encode(array.values, feature.feature)
        return pa.ListArray.from_arrays(array.offsets, values, mask=mask)
    children = [_encode(array.field(name), f) for name, f in feature.items()]
    return pa.StructArray.from_arrays(children, names=list(feature), mask=mask)


def _has_labels(feature) -> bool:
    if isinstance(feature, ClassLabel):
        return True
    if isinstance(feature, List):
        return _has_labels(feature.feature)
    if isinstance(feature, dict):
        return any(_has_labels(f) for f in feature.values())
    return False


def _names(label: ClassLabel) -> pa.Array:
    return pa.array(label.names, pa.string())
