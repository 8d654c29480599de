"""The `ner` config: each document's tokens and BIO tags, made straight into Arrow.

A document whose gold has no entities layer is left out rather than tagged all `O`:
unannotated is not "no entities". Noise spans are left out of the token sequence. Entities are
flat and their ends are cuts (`tokenize`), so every token lies wholly inside one entity or
outside all: the token starting where an entity starts is tagged `B-<label>`, the entity's
other tokens `I-<label>`, every other token `O`.

Unlike the other configs (`rows` -> `arrow.table`), the rows of a batch are made as arrays:
the tokenizer's offsets and UTF-8 bytes become the `tokens` column as they are, and the tags
are computed as ids, so no token passes through a Python object. This module runs in the
build's worker processes, so it stays clear of `datasets`.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from tsr_news.corpus.loader import LoadedDocument
from tsr_news.release.rows import gold_items, gold_layers
from tsr_news.release.tokenize import tokens
from tsr_news.scheme.schemas import taxonomy

BEGIN, INSIDE, OUTSIDE = "B-", "I-", "O"


# The entity labels in the order of the `ner_tags` names of the Hub's `conll2012_ontonotesv5`
# (english_v4): with the same ids, a model fine-tuned there is evaluated here without a remap.
# The taxonomy lists the same 18 labels in its own order (`tag_names` checks they agree).
ONTONOTES_ORDER = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
)


@cache
def tag_names() -> tuple[str, ...]:
    """BIO tags over the entity labels: O, then B-X, I-X for each label in `ONTONOTES_ORDER`
    (the `ner_tags` ClassLabel's names). Raises if the taxonomy's labels are not those."""
    labels = taxonomy()["entity_label"].values
    if sorted(labels) != sorted(ONTONOTES_ORDER):
        raise ValueError(f"the taxonomy's entity labels {labels} are not OntoNotes' 18")
    tags = [OUTSIDE]
    for name in ONTONOTES_ORDER:
        tags += [BEGIN + name, INSIDE + name]
    return tuple(tags)


@cache
def _tag_ids() -> dict[str, int]:
    return {name: i for i, name in enumerate(tag_names())}


def tagged(document: LoadedDocument) -> bool:
    """Whether `document` has a row in `ner` (its gold has an entities layer)."""
    return "entities" in gold_layers(document)


def ner_table(documents: list[LoadedDocument], withhold_text: bool = False) -> pa.Table:
    """The `ner` rows of the `documents` (valid, `tagged`), in their order, with the features'
    Arrow types (`features.ner`); with `withhold_text`, every token is "" (`withhold`).

    Each document is tokenized on its own: tokenizing a batch's texts end to end as one, with
    a cut at each document's start, gives the same tokens but measured slower (arrays that
    outgrow the processor's caches)."""
    ids = _tag_ids()
    counts, utf8, sizes, tags = [], [], [], []
    for document in documents:
        entities = gold_items(document, "entities")
        found = tokens(
            document.text,
            boundaries=[offset for e in entities for offset in (e["start"], e["end"])],
            left_out=[(n["start"], n["end"]) for n in gold_items(document, "noise")],
        )
        counts.append(len(found.starts))
        utf8.append(found.utf8)
        sizes.append(found.sizes)
        labelled = [
            (e["start"], e["end"], ids[BEGIN + e["label"]], ids[INSIDE + e["label"]])
            for e in entities
        ]
        tags.append(_tags(found.starts, labelled))
    all_sizes = np.concatenate(sizes)
    if withhold_text:
        words = _strings(np.zeros_like(all_sizes), np.zeros(0, np.uint8))
    else:
        words = _strings(all_sizes, np.concatenate(utf8))
    return pa.Table.from_arrays(
        [
            pa.array([document.doc_id for document in documents], pa.string()),
            _lists(counts, words),
            _lists(counts, pa.array(np.concatenate(tags))),
        ],
        names=["doc_id", "tokens", "ner_tags"],
    )


def _tags(token_starts: np.ndarray, entities: list[tuple[int, int, int, int]]) -> np.ndarray:
    """The tag id of each token, from the tokens' starts and the entities' (start, end, B id,
    I id)."""
    tags = np.zeros(len(token_starts), np.int64)  # O
    if not entities:
        return tags
    starts, ends, begin, inside = np.array(sorted(entities)).T
    entity = np.searchsorted(starts, token_starts, side="right") - 1  # the last to start
    within = (entity >= 0) & (token_starts < ends[entity])
    first = token_starts == starts[entity]
    tags[within] = np.where(first, begin[entity], inside[entity])[within]
    return tags


def _strings(sizes: np.ndarray, utf8: np.ndarray) -> pa.Array:
    """Strings from their UTF-8 bytes, concatenated, and their sizes in bytes."""
    offsets = _offsets(sizes)
    return pa.StringArray.from_buffers(len(sizes), offsets.buffers()[1], pa.py_buffer(utf8))


def _lists(counts: list[int], values: pa.Array) -> pa.ListArray:
    """Consecutive runs of `values`, `counts` long, as lists."""
    return pa.ListArray.from_arrays(_offsets(counts), values)


def _offsets(sizes) -> pa.Array:
    """Arrow offsets (int32, as the features' types have them) of consecutive runs of
    `sizes`; raises rather than wrap around if they outgrow int32."""
    offsets = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return pa.array(offsets, pa.int32())


def bio_spans(tokens: list[tuple[int, int]], tags: list[str]) -> list[tuple[int, int, str]]:
    """Decode BIO tags back to (start, end, label) spans: the inverse of tagging."""
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
