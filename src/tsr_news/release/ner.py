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
come from (a batch's documents are segmented and tokenized together, to the same rows:
`_batch_rows`). Unlike the other configs (`rows` -> `arrow.table`), the rows of a batch are
made as arrays: the tokenizer's offsets and UTF-8 bytes become the columns as they are, and
the tags are computed as ids, so no token passes through a Python object. This module runs in the
build's worker processes, so it stays clear of `datasets`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from tsr_news.corpus.loader import LoadedDocument
from tsr_news.release import sentences
from tsr_news.release.abbreviations import abbreviations
from tsr_news.release.layers import SourcedLayer
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


# what joins the texts of a batch into one (`_batch_rows`): a code point that is no word
# character, no white space, and a grapheme cluster alone, so that no rule of the tokenizer
# joins it to a text, and left out
SEPARATOR = "\0"


class SentenceRows(NamedTuple):
    """The `ner` rows of a run of texts as arrays: each sentence's text (`texts`: its index in
    the run), index in that text (`sentences`), `starts`/`ends` and number of tokens
    (`counts`), then the `tokens` of all of them in order, with their `tags` (ids). Offsets
    are into each sentence's own text."""

    texts: np.ndarray
    sentences: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    counts: np.ndarray
    tokens: Tokens
    tags: np.ndarray

    def as_rows(self, text: str) -> list[dict]:
        """The rows of one text as Python values (tag ids), one per sentence: for tests and
        for code that wants rows rather than arrays (`benchmarks/peer.py`)."""
        rows, first = [], 0
        for i, start, end, count in zip(
            self.sentences.tolist(),
            self.starts.tolist(),
            self.ends.tolist(),
            self.counts.tolist(),
            strict=True,
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


Entities = Sequence[tuple[int, int, str]]
Noise = Sequence[tuple[int, int]]


def sentence_rows(text: str, entities: Entities, noise: Noise) -> SentenceRows:
    """The `ner` rows of a text, from its entities' (start, end, label) and its noise spans'
    (start, end): flat and disjoint, as a valid layer has them."""
    return _batch_rows([(text, entities, noise)])


def _batch_rows(texts: Sequence[tuple[str, Entities, Noise]]) -> SentenceRows:
    """The `ner` rows of each (text, entities, noise) of `texts`, in order.

    The texts are segmented and tokenized as one, joined by `SEPARATOR`, which is left out
    and ends each text's sentences (`sentences.bounds`): every array step then runs once per
    batch rather than once per document, whose fixed cost outweighed the work on a
    document's few thousand code points."""
    lengths = [len(text) for text, _, _ in texts]
    bases = np.zeros(len(texts), np.int64)
    np.cumsum(np.array(lengths[:-1], np.int64) + len(SEPARATOR), out=bases[1:])
    ids = _tag_ids()
    entities = _by_start(
        [
            (start + base, end + base, ids[BEGIN + label], ids[INSIDE + label])
            for base, (_, spans, _) in zip(bases.tolist(), texts, strict=True)
            for start, end, label in spans
        ],
        4,
    )
    noise = [
        (start + base, end + base)
        for base, (_, _, spans) in zip(bases.tolist(), texts, strict=True)
        for start, end in spans
    ]
    separators = bases[1:] - len(SEPARATOR)
    text = SEPARATOR.join(text for text, _, _ in texts)
    abbreviated = abbreviations(text)  # one pass for the segmenter and the tokenizer
    starts, ends = sentences.bounds(
        text,
        entities[:, :2],
        _by_start(noise, 2),
        np.array([end for _, end in abbreviated], np.int64),
        separators,
    )
    left_out = noise + [(at, at + len(SEPARATOR)) for at in separators.tolist()]
    found = tokens(text, entities[:, :2].ravel(), left_out, abbreviated)
    # a token lies in the last sentence to start at or before it (sentence ends fall between
    # tokens), and every sentence holds at least one
    within = np.searchsorted(starts, found.starts, side="right") - 1
    of_text = np.searchsorted(bases, starts, side="right") - 1
    sentence_base, token_base = bases[of_text], bases[of_text[within]]
    return SentenceRows(
        texts=of_text,
        sentences=np.arange(len(starts)) - np.searchsorted(of_text, of_text),
        starts=starts - sentence_base,
        ends=ends - sentence_base,
        counts=np.bincount(within, minlength=len(starts)),
        tokens=found._replace(starts=found.starts - token_base, ends=found.ends - token_base),
        tags=_tags(found.starts, entities),
    )


def _by_start(rows: list[tuple[int, ...]], width: int) -> np.ndarray:
    """Spans (start, end, ...) as the rows of an array, in order of their starts."""
    array = np.array(rows, np.int64).reshape(-1, width)
    return array[np.argsort(array[:, 0], kind="stable")]


def ner_table(
    documents: list[tuple[LoadedDocument, SourcedLayer]], withhold_text: bool = False
) -> pa.Table:
    """The `ner` rows of the `documents` (valid, each with its `tagged` release layer), in
    their order, with the features' Arrow types (`features.ner`); with `withhold_text`, every
    token is "" (`withhold`)."""
    made = _batch_rows(
        [
            (
                document.text,
                [(e["start"], e["end"], e["label"]) for e in layer.items("entities")],
                [(n["start"], n["end"]) for n in layer.items("noise")],
            )
            for document, layer in documents
        ]
    )
    sizes = made.tokens.sizes
    if withhold_text:
        words = _strings(np.zeros_like(sizes), np.zeros(0, np.uint8))
    else:
        words = _strings(sizes, made.tokens.utf8)
    origins = taxonomy()["origin"].values
    sentences_per_document = np.bincount(made.texts, minlength=len(documents))

    def per_sentence(values: list, type: pa.DataType) -> pa.Array:
        # repeated in numpy: Arrow's `take` would add a validity bitmap (the card's sizes)
        return pa.array(np.repeat(values, sentences_per_document), type)

    return pa.Table.from_arrays(
        [
            per_sentence([document.doc_id for document, _ in documents], pa.string()),
            per_sentence([layer.name for _, layer in documents], pa.string()),
            per_sentence(
                [origins.index(layer.kind_origin("entities")) for _, layer in documents], pa.int64()
            ),
            pa.array(made.sentences),
            pa.array(made.starts),
            pa.array(made.ends),
            _lists(made.counts, words),
            _lists(made.counts, pa.array(made.tokens.starts)),
            _lists(made.counts, pa.array(made.tokens.ends)),
            _lists(made.counts, pa.array(made.tags)),
        ],
        names=NER_COLUMNS,
    )


def _tags(token_starts: np.ndarray, entities: np.ndarray) -> np.ndarray:
    """The tag id of each token, from the tokens' starts and the entities' (start, end, B id,
    I id) rows, by start."""
    tags = np.zeros(len(token_starts), np.int64)  # O
    if not len(entities):
        return tags
    starts, ends, begin, inside = entities.T
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
