"""One document -> its rows in every config, as plain Python values with label strings.

Rows are derived from the typed model and keyed exactly like the features (`features.py`);
`Features.encode_example` later turns label strings into ClassLabel ids and absent optional
keys into nulls. Only the gold annotations are released (per-annotator layers are working
material). Row order is the document's annotation order, and documents come in doc_id order,
so the files are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator

from tsr_news.model import LAYER_KINDS, Document, Entity, to_json
from tsr_news.release.tokenize import TOKEN, pieces

BEGIN, INSIDE, OUTSIDE = "B-", "I-", "O"


def rows(document: Document, config: str) -> Iterator[dict]:
    """The rows of `document` in `config` (one of features.CONFIGS)."""
    return {
        "documents": _documents,
        "entities": _entities,
        "quotes": _quotes,
        "measures": _measures,
        "ner": _ner,
    }[config](document)


def _items(document: Document, kind: str) -> tuple:
    return document.gold.items(kind) if document.gold else ()


def _documents(document: Document) -> Iterator[dict]:
    meta = to_json(document.meta)
    del meta["schema_version"]  # the metadata file's format version, not a fact of the article
    text_sha256 = meta.pop("text_sha256")
    yield {
        **meta,
        "text": document.text,
        "text_sha256": text_sha256,
        "annotated_layers": [k for k in LAYER_KINDS if document.gold and k in document.gold.layers],
        **{kind: to_json(_items(document, kind)) for kind in LAYER_KINDS},
    }


def _entities(document: Document) -> Iterator[dict]:
    for entity in _items(document, "entities"):
        yield {"doc_id": document.doc_id, **to_json(entity)}


def _refs(by_id: dict[str, Entity], ids: tuple[str, ...]) -> list[str | None]:
    return [by_id[i].ref for i in ids]


def _quotes(document: Document) -> Iterator[dict]:
    by_id = {e.id: e for e in _items(document, "entities")}
    for quote in _items(document, "quotes"):
        yield {
            "doc_id": document.doc_id,
            **to_json(quote),
            "speaker_refs": _refs(by_id, quote.speaker_ids),
        }


def _measures(document: Document) -> Iterator[dict]:
    by_id = {e.id: e for e in _items(document, "entities")}
    for measure in _items(document, "measures"):
        yield {
            "doc_id": document.doc_id,
            **to_json(measure),
            "actor_refs": _refs(by_id, measure.actor_ids),
            "target_refs": _refs(by_id, measure.target_ids),
        }


def _ner(document: Document) -> Iterator[dict]:
    """Tokens and BIO tags, for documents whose gold has an entities layer.

    A document without one is left out rather than tagged all `O`: unannotated is not "no
    entities". Noise spans are left out of the token sequence.
    """
    if document.gold is None or "entities" not in document.gold.layers:
        return
    entities = _items(document, "entities")
    labels = {e.start: e.label for e in entities}
    tokens, tags = [], []
    # entities are flat and their ends are cuts, so a piece starting where an entity does is
    # that entity: its first token is B-, the others I-; tokens of other pieces are O
    for start, end in pieces(
        document.text,
        boundaries=[offset for e in entities for offset in (e.start, e.end)],
        left_out=[(n.start, n.end) for n in _items(document, "noise")],
    ):
        words = TOKEN.findall(document.text, start, end)
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
