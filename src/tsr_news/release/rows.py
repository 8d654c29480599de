"""One document -> its rows in every config but `ner`, as JSON values with label names.

Rows are made from the document's checked JSON values (`loader.LoadedDocument`: metadata, text,
gold file) and keyed exactly like the features (`features.py`); `arrow` turns them into tables,
label names into ClassLabel ids and absent optional keys into nulls. The JSON values need no
conversion: the schema admits exactly the keys the features have, so building the typed model
here would only cost time. Only the gold annotations are released (per-annotator layers are
working material). Row order is the document's annotation order, and documents come in doc_id
order, so the files are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tsr_news.scheme.model import LAYER_KINDS

if TYPE_CHECKING:
    from tsr_news.corpus.loader import LoadedDocument

# the configs made row by row here; `ner` is made a batch of documents at a time (`ner.py`)
ROW_CONFIGS = ("documents", "entities", "quotes", "measures")
CONFIGS = (*ROW_CONFIGS, "ner")


def rows(document: LoadedDocument, config: str) -> Iterator[dict]:
    """The rows of the valid `document` in `config` (one of ROW_CONFIGS)."""
    return {
        "documents": _documents,
        "entities": _entities,
        "quotes": _quotes,
        "measures": _measures,
    }[config](document)


def gold_layers(document: LoadedDocument) -> dict:
    return document.gold["layers"] if document.gold is not None else {}


def gold_items(document: LoadedDocument, kind: str) -> list[dict]:
    layer = gold_layers(document).get(kind)
    return layer["items"] if layer is not None else []


def _documents(document: LoadedDocument) -> Iterator[dict]:
    meta = dict(document.meta)
    del meta["schema_version"]  # the metadata file's format version, not a fact of the article
    layers = gold_layers(document)
    yield {
        **meta,
        "text": document.text,
        "annotated_layers": [kind for kind in LAYER_KINDS if kind in layers],
        **{kind: gold_items(document, kind) for kind in LAYER_KINDS},
    }


def _entities(document: LoadedDocument) -> Iterator[dict]:
    for entity in gold_items(document, "entities"):
        yield {"doc_id": document.doc_id, **entity}


def _refs(document: LoadedDocument) -> dict[str, str | None]:
    """Entity id -> the entity's `ref` (None when it has none)."""
    return {e["id"]: e.get("ref") for e in gold_items(document, "entities")}


def _quotes(document: LoadedDocument) -> Iterator[dict]:
    ref = _refs(document)
    for quote in gold_items(document, "quotes"):
        yield {
            "doc_id": document.doc_id,
            **quote,
            "speaker_refs": [ref[i] for i in quote["speaker_ids"]],
        }


def _measures(document: LoadedDocument) -> Iterator[dict]:
    ref = _refs(document)
    for measure in gold_items(document, "measures"):
        yield {
            "doc_id": document.doc_id,
            **measure,
            "actor_refs": [ref[i] for i in measure["actor_ids"]],
            "target_refs": [ref[i] for i in measure["target_ids"]],
        }
