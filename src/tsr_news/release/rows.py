"""One document -> its rows in every config, as JSON values with label names.

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

from tsr_news.model import LAYER_KINDS
from tsr_news.release.tokenize import TOKEN, pieces

if TYPE_CHECKING:
    from tsr_news.loader import LoadedDocument

CONFIGS = ("documents", "entities", "quotes", "measures", "ner")
BEGIN, INSIDE, OUTSIDE = "B-", "I-", "O"


def rows(document: LoadedDocument, config: str) -> Iterator[dict]:
    """The rows of the valid `document` in `config` (one of CONFIGS)."""
    return {
        "documents": _documents,
        "entities": _entities,
        "quotes": _quotes,
        "measures": _measures,
        "ner": _ner,
    }[config](document)


def _layers(document: LoadedDocument) -> dict:
    return document.gold["layers"] if document.gold is not None else {}


def _items(document: LoadedDocument, kind: str) -> list[dict]:
    layer = _layers(document).get(kind)
    return layer["items"] if layer is not None else []


def _documents(document: LoadedDocument) -> Iterator[dict]:
    meta = dict(document.meta)
    del meta["schema_version"]  # the metadata file's format version, not a fact of the article
    layers = _layers(document)
    yield {
        **meta,
        "text": document.text,
        "annotated_layers": [kind for kind in LAYER_KINDS if kind in layers],
        **{kind: _items(document, kind) for kind in LAYER_KINDS},
    }


def _entities(document: LoadedDocument) -> Iterator[dict]:
    for entity in _items(document, "entities"):
        yield {"doc_id": document.doc_id, **entity}


def _refs(document: LoadedDocument) -> dict[str, str | None]:
    """Entity id -> the entity's `ref` (None when it has none)."""
    return {e["id"]: e.get("ref") for e in _items(document, "entities")}


def _quotes(document: LoadedDocument) -> Iterator[dict]:
    ref = _refs(document)
    for quote in _items(document, "quotes"):
        yield {
            "doc_id": document.doc_id,
            **quote,
            "speaker_refs": [ref[i] for i in quote["speaker_ids"]],
        }


def _measures(document: LoadedDocument) -> Iterator[dict]:
    ref = _refs(document)
    for measure in _items(document, "measures"):
        yield {
            "doc_id": document.doc_id,
            **measure,
            "actor_refs": [ref[i] for i in measure["actor_ids"]],
            "target_refs": [ref[i] for i in measure["target_ids"]],
        }


def _ner(document: LoadedDocument) -> Iterator[dict]:
    """Tokens and BIO tags, for documents whose gold has an entities layer.

    A document without one is left out rather than tagged all `O`: unannotated is not "no
    entities". Noise spans are left out of the token sequence.
    """
    if "entities" not in _layers(document):
        return
    entities = _items(document, "entities")
    text = document.text
    labels = {e["start"]: e["label"] for e in entities}
    tokens, tags = [], []
    # entities are flat and their ends are cuts, so a piece starting where an entity does is
    # that entity: its first token is B-, the others I-; tokens of other pieces are O
    for start, end in pieces(
        text,
        boundaries=[offset for e in entities for offset in (e["start"], e["end"])],
        left_out=[(n["start"], n["end"]) for n in _items(document, "noise")],
    ):
        words = TOKEN.findall(text, start, end)
        tokens += words
        label = labels.get(start)
        if label is None:
            tags += [OUTSIDE] * len(words)
        else:
            tags += [BEGIN + label] + [INSIDE + label] * (len(words) - 1)
    yield {"doc_id": document.doc_id, "tokens": tokens, "ner_tags": tags}


def bio_spans(tokens: list[tuple[int, int]], tags: list[str]) -> list[tuple[int, int, str]]:
    """Decode BIO tags back to (start, end, label) spans: the inverse of tagging (`_ner`)."""
    spans: list[list] = []
    previous = OUTSIDE
    for (start, end), tag in zip(tokens, tags, strict=True):
        if tag.startswith(BEGIN):
            spans.append([start, end, tag[len(BEGIN) :]])
        elif tag.startswith(INSIDE) and previous != OUTSIDE and previous[2:] == tag[len(INSIDE) :]:
            spans[-1][1] = end
        elif tag != OUTSIDE:
            raise ValueError(f"{tag} at offset {start} does not continue an entity")
        previous = tag
    return [tuple(s) for s in spans]
