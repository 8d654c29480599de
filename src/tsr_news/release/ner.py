"""The `ner` config: one row per sentence, with its tokens, their offsets and BIO tags, made
straight into Arrow.

The tags come from each document's release layer (`layers.release_layer`), and every row says
which (`layer`, `origin`). A document whose release layer has no entities layer is left out
rather than tagged all `O`: unannotated is not "no entities". Sentences come from
`sentences` (noise left out, no entity split between two), tokens from `tokenize` (noise left
out, cut at every entity boundary), so every token lies wholly inside one sentence and one
entity or outside all: the token starting where an entity starts is tagged `B-<label>`, the
entity's other tokens `I-<label>`, every other token `O`. Offsets (the sentence's
`start`/`end`, `token_starts`/`token_ends`) are code points of the document's text, end
exclusive.

`sentence_rows` makes one document's rows from its text and spans alone, whichever layer they
come from. Unlike the other configs (`rows` -> `arrow.table`), the rows of a batch are made as
arrays: the tokenizer's offsets and UTF-8 bytes become the columns as they are, and the tags
are computed as ids, so no token passes through a Python object. This module runs in the
build's worker processes, so it stays clear of `datasets`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from tsr_news.corpus.loader import LoadedDocument
from tsr_news.release.abbreviations import abbreviations
from tsr_news.release.layers import SourcedLayer
from tsr_news.release.sentences import sentences
from tsr_news.release.tokenize import Tokens, tokens
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


def tagged(released: SourcedLayer | None) -> bool:
    """Whether a document with release layer `released` has rows in `ner` (the layer has an
    entities layer)."""
    return released is not None and "entities" in released.file["layers"]


# the columns of `features.ner`, in order
NER_COLUMNS = [
    "doc_id", "layer", "origin", "sentence", "start", "end", "tokens", "token_starts",
    "token_ends", "ner_tags",
]  # fmt: skip


class SentenceRows(NamedTuple):
    """One document's `ner` rows as arrays: each sentence's `starts`/`ends` and number of
    tokens (`counts`), then the `tokens` of all of them in order, with their `tags` (ids)."""

    starts: np.ndarray
    ends: np.ndarray
    counts: np.ndarray
    tokens: Tokens
    tags: np.ndarray

    def as_rows(self, text: str) -> list[dict]:
        """The rows as Python values (tag ids), one per sentence: for tests and for code that
        wants rows rather than arrays (`benchmarks/peer.py`)."""
        rows, first = [], 0
        for i, (start, end, count) in enumerate(
            zip(self.starts.tolist(), self.ends.tolist(), self.counts.tolist(), strict=True)
        ):
            span = slice(first, first + count)
            first += count
            starts, ends = self.tokens.starts[span].tolist(), self.tokens.ends[span].tolist()
            rows.append(
                {
                    "sentence": i,
                    "start": start,
                    "end": end,
                    "tokens": [text[a:b] for a, b in zip(starts, ends, strict=True)],
                    "token_starts": starts,
                    "token_ends": ends,
                    "ner_tags": self.tags[span].tolist(),
                }
            )
        return rows


def sentence_rows(
    text: str, entities: Sequence[tuple[int, int, str]], noise: Sequence[tuple[int, int]]
) -> SentenceRows:
    """The `ner` rows of a text, from its entities' (start, end, label) and its noise spans'
    (start, end): flat and disjoint, as a valid layer has them."""
    spans = [(start, end) for start, end, _ in entities]
    abbreviated = abbreviations(text)  # one pass for the segmenter and the tokenizer
    bounds = np.array(sentences(text, spans, noise, abbreviated), np.int64).reshape(-1, 2)
    found = tokens(text, [offset for span in spans for offset in span], noise, abbreviated)
    # a token lies in the last sentence to start at or before it (sentence ends fall between
    # tokens), and every sentence holds at least one
    within = np.searchsorted(bounds[:, 0], found.starts, side="right") - 1
    ids = _tag_ids()
    labelled = [(a, b, ids[BEGIN + label], ids[INSIDE + label]) for a, b, label in entities]
    return SentenceRows(
        starts=bounds[:, 0],
        ends=bounds[:, 1],
        counts=np.bincount(within, minlength=len(bounds)),
        tokens=found,
        tags=_tags(found.starts, labelled),
    )


def ner_table(
    documents: list[tuple[LoadedDocument, SourcedLayer]], withhold_text: bool = False
) -> pa.Table:
    """The `ner` rows of the `documents` (valid, each with its `tagged` release layer), in
    their order, with the features' Arrow types (`features.ner`); with `withhold_text`, every
    token is "" (`withhold`).

    Each document is tokenized on its own: tokenizing a batch's texts end to end as one, with
    a cut at each document's start, gives the same tokens but measured slower (arrays that
    outgrow the processor's caches)."""
    made = [
        sentence_rows(
            document.text,
            [(e["start"], e["end"], e["label"]) for e in layer.items("entities")],
            [(n["start"], n["end"]) for n in layer.items("noise")],
        )
        for document, layer in documents
    ]
    counts = np.concatenate([rows.counts for rows in made])
    sizes = np.concatenate([rows.tokens.sizes for rows in made])
    if withhold_text:
        words = _strings(np.zeros_like(sizes), np.zeros(0, np.uint8))
    else:
        words = _strings(sizes, np.concatenate([rows.tokens.utf8 for rows in made]))
    origins = taxonomy()["origin"].values
    sentences_per_document = [len(rows.starts) for rows in made]

    def per_sentence(values: list, type: pa.DataType) -> pa.Array:
        return pa.array(np.repeat(values, sentences_per_document), type)

    return pa.Table.from_arrays(
        [
            per_sentence([document.doc_id for document, _ in documents], pa.string()),
            per_sentence([layer.name for _, layer in documents], pa.string()),
            per_sentence(
                [origins.index(layer.kind_origin("entities")) for _, layer in documents], pa.int64()
            ),
            pa.array(np.concatenate([np.arange(len(rows.starts)) for rows in made])),
            pa.array(np.concatenate([rows.starts for rows in made])),
            pa.array(np.concatenate([rows.ends for rows in made])),
            _lists(counts, words),
            _lists(counts, pa.array(np.concatenate([rows.tokens.starts for rows in made]))),
            _lists(counts, pa.array(np.concatenate([rows.tokens.ends for rows in made]))),
            _lists(counts, pa.array(np.concatenate([rows.tags for rows in made]))),
        ],
        names=NER_COLUMNS,
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
