"""One document -> its rows in `documents` and `layers`, as JSON values with label names.

Rows are made from the document's checked JSON values (`loader.LoadedDocument`: metadata, text,
annotation files) and keyed exactly like the features (`features.py`); `arrow` turns them into
tables, label names into ClassLabel ids and absent optional keys into nulls. The JSON values
need no conversion: the schema admits exactly the keys the features have, so building the
typed model here would only cost time. `documents` holds each document's release layer
(`layers.release_layer`), `layers` every annotation file; every row says which layer it came
from and its origin. The per-annotation configs are cut out of the `documents` table in Arrow
(`flat`), `ner` is made from arrays (`ner`). Row order is the document's annotation order (for
`layers`: gold, then annotators by name), and documents come in doc_id order, so the files
are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tsr_news.release.layers import SourcedLayer, all_layers
from tsr_news.scheme.model import LAYER_KINDS

if TYPE_CHECKING:
    from tsr_news.corpus.loader import LoadedDocument

# the configs made row by row here; the others are derived from their tables (`flat`) or
# made a batch of documents at a time (`ner`)
ROW_CONFIGS = ("documents", "layers")
FLAT_CONFIGS = ("entities", "quotes", "measures")
CONFIGS = (*ROW_CONFIGS, *FLAT_CONFIGS, "ner")


def document_row(document: LoadedDocument, released: SourcedLayer | None) -> dict:
    """The valid `document`'s `documents` row; `released`: its release layer."""
    meta = dict(document.meta)
    del meta["schema_version"]  # the metadata file's format version, not a fact of the article
    return {**meta, "text": document.text, **annotation_columns(released)}


def layer_rows(document: LoadedDocument, released: SourcedLayer | None) -> Iterator[dict]:
    """The valid `document`'s `layers` rows, one per annotation file."""
    for layer in all_layers(document):
        yield {
            "doc_id": document.doc_id,
            "released": released is not None and layer.name == released.name,
            **annotation_columns(layer),
        }


def annotation_columns(layer: SourcedLayer | None) -> dict:
    """A layer's columns as the `documents` and `layers` rows have them (empty if None)."""
    return {
        "layer": layer.name if layer else None,
        "origin": layer.origin if layer else None,
        "layer_sources": layer.sources() if layer else [],
        "annotated_layers": layer.kinds() if layer else [],
        **{kind: layer.items(kind) if layer else [] for kind in LAYER_KINDS},
    }


# the columns of `documents` and `layers` that hold a layer's annotations
ANNOTATION_COLUMNS = tuple(annotation_columns(None))
