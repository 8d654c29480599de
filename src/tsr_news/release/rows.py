"""One document -> its rows in every config but `ner`, as JSON values with label names.

Rows are made from the document's checked JSON values (`loader.LoadedDocument`: metadata, text,
annotation files) and keyed exactly like the features (`features.py`); `arrow` turns them into
tables, label names into ClassLabel ids and absent optional keys into nulls. The JSON values
need no conversion: the schema admits exactly the keys the features have, so building the
typed model here would only cost time. `documents`, `entities`, `quotes` and `measures` hold
each document's release layer (`layers.release_layer`), `layers` every annotation file; every
row says which layer it came from and its origin. Row order is the document's annotation
order (for `layers`: gold, then annotators by name), and documents come in doc_id order, so
the files are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tsr_news.release.layers import SourcedLayer, all_layers
from tsr_news.scheme.model import LAYER_KINDS

if TYPE_CHECKING:
    from tsr_news.corpus.loader import LoadedDocument

# the configs made row by row here; `ner` is made a batch of documents at a time (`ner.py`)
ROW_CONFIGS = ("documents", "layers", "entities", "quotes", "measures")
CONFIGS = (*ROW_CONFIGS, "ner")


def rows(document: LoadedDocument, config: str, released: SourcedLayer | None) -> Iterator[dict]:
    """The rows of the valid `document` in `config` (one of ROW_CONFIGS); `released`: its
    release layer."""
    if config == "documents":
        return _documents(document, released)
    if config == "layers":
        return _layers(document, released)
    if released is None:
        return iter(())
    return {"entities": _entities, "quotes": _quotes, "measures": _measures}[config](
        document.doc_id, released
    )


def _annotations(layer: SourcedLayer | None) -> dict:
    """A layer's columns as the `documents` and `layers` rows have them (empty if None)."""
    return {
        "layer": layer.name if layer else None,
        "origin": layer.origin if layer else None,
        "layer_sources": layer.sources() if layer else [],
        "annotated_layers": layer.kinds() if layer else [],
        **{kind: layer.items(kind) if layer else [] for kind in LAYER_KINDS},
    }


def _documents(document: LoadedDocument, released: SourcedLayer | None) -> Iterator[dict]:
    meta = dict(document.meta)
    del meta["schema_version"]  # the metadata file's format version, not a fact of the article
    yield {**meta, "text": document.text, **_annotations(released)}


def _layers(document: LoadedDocument, released: SourcedLayer | None) -> Iterator[dict]:
    for layer in all_layers(document):
        yield {
            "doc_id": document.doc_id,
            "released": released is not None and layer.name == released.name,
            **_annotations(layer),
        }


def _source(doc_id: str, layer: SourcedLayer, kind: str) -> dict:
    """The columns that say where a per-annotation row came from."""
    return {"doc_id": doc_id, "layer": layer.name, "origin": layer.kind_origin(kind)}


def _entities(doc_id: str, layer: SourcedLayer) -> Iterator[dict]:
    if "entities" not in layer.file["layers"]:
        return
    source = _source(doc_id, layer, "entities")
    for entity in layer.items("entities"):
        yield {**source, **entity}


def _refs(layer: SourcedLayer) -> dict[str, str | None]:
    """Entity id -> the entity's `ref` (None when it has none)."""
    return {e["id"]: e.get("ref") for e in layer.items("entities")}


def _quotes(doc_id: str, layer: SourcedLayer) -> Iterator[dict]:
    if "quotes" not in layer.file["layers"]:
        return
    ref, source = _refs(layer), _source(doc_id, layer, "quotes")
    for quote in layer.items("quotes"):
        yield {**source, **quote, "speaker_refs": [ref[i] for i in quote["speaker_ids"]]}


def _measures(doc_id: str, layer: SourcedLayer) -> Iterator[dict]:
    if "measures" not in layer.file["layers"]:
        return
    ref, source = _refs(layer), _source(doc_id, layer, "measures")
    for measure in layer.items("measures"):
        yield {
            **source,
            **measure,
            "actor_refs": [ref[i] for i in measure["actor_ids"]],
            "target_refs": [ref[i] for i in measure["target_ids"]],
        }
