"""The per-annotation configs (`entities`, `quotes`, `measures`), cut out of a batch's
`documents` table in Arrow, and the `documents` annotations taken from its `layers` table.

Each of these rows already exists, encoded, in a table the batch makes anyway: an entity row
is an item of a `documents` row's `entities` list, beside the document's `doc_id` and
`layer`; a document's annotation columns are its release layer's row of the `layers` table.
So instead of converting the same JSON values to Arrow again (it was the most expensive step
of a build after NER), the lists are flattened (`pc.list_flatten`), the document columns
repeated by parent index (`pc.list_parent_indices` + `take`), and the release layers' rows
taken from `layers`. What no table holds is computed per document in Python: the origin of
each kind, and the `ref`s of the entities that quotes and measures link to. The results have
the features' Arrow types (`features.py`); `tests/test_release.py` pins that they equal the
rows `rows` makes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from tsr_news.release.layers import SourcedLayer
from tsr_news.release.rows import ANNOTATION_COLUMNS

# for each per-annotation config: its ref columns, each after the id column it joins on
REF_COLUMNS: dict[str, dict[str, str]] = {
    "entities": {},
    "quotes": {"speaker_ids": "speaker_refs"},
    "measures": {"actor_ids": "actor_refs", "target_ids": "target_refs"},
}


def documents_table(
    meta: pa.Table,
    layers: pa.Table | None,
    released: Sequence[int | None],
    empty: pa.Table,
    names: Sequence[str],
) -> pa.Table:
    """The `documents` table (columns `names`): `meta` (one row per document, every column but
    the annotation ones) with each document's release layer's annotation columns taken from
    `layers` (its row `released[i]`; None: `empty`'s one row, which has no annotations)."""
    parts = [layers.select(ANNOTATION_COLUMNS)] if layers is not None else []
    annotations = pa.concat_tables([*parts, empty]).combine_chunks()
    none = annotations.num_rows - 1
    taken = annotations.take(pa.array([none if i is None else i for i in released], pa.int64()))
    columns = dict(zip(meta.column_names, meta.columns, strict=True))
    columns.update(zip(taken.column_names, taken.columns, strict=True))
    return pa.Table.from_arrays([columns[name] for name in names], names=list(names))


def flat_table(
    config: str,
    documents: pa.Table,
    layers: Sequence[SourcedLayer | None],
    origin_ids: dict[str, int],
    names: Sequence[str],
) -> pa.Table | None:
    """The rows of `config` (one of `rows.FLAT_CONFIGS`; columns `names`) of the batch's `documents`
    table, whose release layers are `layers` (in row order); None if it has no rows.
    `origin_ids`: the origin ClassLabel's id of each name."""
    kind = config
    lists = documents.column(kind).combine_chunks()
    items = pc.list_flatten(lists)
    if len(items) == 0:
        return None
    parents = pc.list_parent_indices(lists)
    origins = pa.array(
        [
            origin_ids[layer.kind_origin(kind)] if layer and kind in layer.file["layers"] else None
            for layer in layers
        ],
        pa.int64(),
    )
    columns = {
        "doc_id": documents.column("doc_id").take(parents),
        "layer": documents.column("layer").take(parents),
        "origin": origins.take(parents),
    }
    joins = REF_COLUMNS[config]
    refs = {column: _refs(layers, kind, ids) for ids, column in joins.items()}
    fields = items.flatten()
    for field, values in zip(items.type, fields, strict=True):
        columns[field.name] = values
        if field.name in joins:
            columns[joins[field.name]] = refs[joins[field.name]]
    return pa.Table.from_arrays([columns[name] for name in names], names=list(names))


def _refs(layers: Sequence[SourcedLayer | None], kind: str, ids: str) -> pa.Array:
    """For every item of `kind` of the release layers (in order), the `ref`s of the entities
    its `ids` field links to (None where an entity has none)."""
    out = []
    for layer in layers:
        if layer is None:
            continue
        ref = {e["id"]: e.get("ref") for e in layer.items("entities")}
        out += [[ref[i] for i in item[ids]] for item in layer.items(kind)]
    return pa.array(out, pa.list_(pa.string()))
