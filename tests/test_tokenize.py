# ruff: noqa: RUF001 -- curly quotes and apostrophes are tokens these tests need
"""The NER tokenizer and the `ner` rows: the array implementation keeps the documented rule.

On text without the characters the finer rules look at (hyphens, apostrophes, periods, commas,
colons, code points that share grapheme clusters), the rule is the base one, `\\w+|[^\\w\\s]`
matched piece by piece; `by_regex` applies it literally, and is the oracle the array
implementation is held to there. Elsewhere, invariants on generated text and the README's
table of examples hold it to the rest.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from tsr_news.corpus.loader import LoadedDocument
from tsr_news.release.features import features
from tsr_news.release.layers import GOLD, SourcedLayer
from tsr_news.release.ner import _offsets, bio_spans, ner_table, sentence_rows, tag_names
from tsr_news.release.tokenize import tokenize, tokens
from tsr_news.scheme.schemas import taxonomy

BASE = re.compile(r"\w+|[^\w\s]")
# word characters of several kinds (letters, accented, CJK, digits of other scripts, a
# superscript two, a Roman numeral, the underscore), white space Python's `\s` knows
# (no-break space, line separator, an information separator), and other characters that
# are a cluster alone: a zero-width space, curly quotes, an emoji outside the BMP, a
# mathematical letter (which is `\w`)
PLAIN = [
    *"aZ5_éж中٣²Ⅻ",
    *" \n\t\u00a0\u2028\x1c",
    *"\u200b“”",
    "🚀",
    "\U0001d400",
]
# and what the finer rules look at: a combining accent, half a flag, a zero-width joiner, a
# skin tone, a Hangul leading consonant and vowel, hyphens, apostrophes, separators, letters
# that make clitics and abbreviations
FINER = [*"\u0301🇺\u200d🏽\u1100\u1161", *"-‐’'.,:", *"stnSIJ", "Inc", "Jan"]


def by_regex(text: str, boundaries=(), left_out=()) -> list[tuple[int, int]]:
    """The base rule as written: cut at 0, the end, every boundary and every left-out span's
    ends; drop the pieces inside a left-out span; `BASE`'s matches in each remaining piece."""
    cuts = sorted({0, len(text), *boundaries, *(offset for span in left_out for offset in span)})
    spans = []
    for start, end in itertools.pairwise(cuts):
        if any(a <= start and end <= b for a, b in left_out):
            continue
        spans += [match.span() for match in BASE.finditer(text, start, end)]
    return spans


@st.composite
def tokenizer_inputs(draw, alphabet=PLAIN):
    text = "".join(draw(st.lists(st.sampled_from(alphabet), max_size=40)))
    offsets = st.integers(0, len(text))
    boundaries = draw(st.lists(offsets, max_size=6))
    ends = sorted(draw(st.lists(offsets, max_size=6, unique=True)))
    left_out = [(a, b) for a, b in zip(ends[::2], ends[1::2], strict=False)]  # disjoint
    return text, boundaries, draw(st.permutations(left_out))


@settings(max_examples=500)
@given(tokenizer_inputs())
def test_tokens_of_plain_text_are_the_base_regex_matches_of_every_piece(given_input):
    text, boundaries, left_out = given_input
    assert tokenize(text, boundaries, left_out) == by_regex(text, boundaries, left_out)


@settings(max_examples=500)
@given(tokenizer_inputs(PLAIN + FINER))
def test_tokens_cover_the_text_and_split_no_cluster_but_at_a_cut(given_input):
    text, boundaries, left_out = given_input
    found = tokenize(text, boundaries, left_out)
    cuts = {*boundaries, *(offset for span in left_out for offset in span)}
    dropped = {i for a, b in left_out for i in range(a, b)}
    # in order, disjoint, each non-empty and holding no white space and no cut
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(found))
    assert all(not cuts & set(range(a + 1, b)) for a, b in found)
    assert not any(re.search(r"\s", text[a:b]) for a, b in found)
    # every code point that is neither white space nor left out is in a token
    assert {i for a, b in found for i in range(a, b)} == {
        i for i, c in enumerate(text) if not re.match(r"\s", c) and i not in dropped
    }
    # no token starts or ends inside a grapheme cluster of non-space code points but at a cut
    edges = {offset for span in found for offset in span}
    for match in regex.finditer(r"\X", text):
        if not re.search(r"\s", match.group()):
            inside = set(range(match.start() + 1, match.end()))
            assert not (inside & edges) - cuts, (text, match.span())


@given(tokenizer_inputs(PLAIN + FINER))
def test_token_bytes_are_the_utf8_of_the_token_texts(given_input):
    found = tokens(*given_input)
    text = given_input[0]
    cuts = [0, *itertools.accumulate(found.sizes.tolist())]
    utf8 = found.utf8.tobytes()
    pieces = [utf8[a:b].decode("utf-8") for a, b in itertools.pairwise(cuts)]
    assert pieces == [text[a:b] for a, b in zip(found.starts, found.ends, strict=True)]


def test_every_code_point_cut_off_alone_is_a_token_exactly_when_it_is_not_white_space():
    # every character that UTF-8 can carry (surrogates cannot be in a raw text)
    text = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    found = tokenize(text, boundaries=range(len(text)))
    assert [a for a, _ in found] == [i for i, ch in enumerate(text) if not re.match(r"\s", ch)]


def readme_examples() -> list[tuple[str, list[str], list[str]]]:
    """The README's table of tokenizer examples: (text, entity texts, tokens)."""
    lines = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| text | entities | tokens |") + 2
    rows = itertools.takewhile(lambda line: line.startswith("|"), lines[start:])
    cells = [[re.findall(r"`([^`]+)`", cell) for cell in row.split("|")[1:-1]] for row in rows]
    return [(text, entities, found) for [text], entities, found in cells]


@pytest.mark.parametrize(("text", "entities", "expected"), readme_examples())
def test_the_readme_examples(text, entities, expected):
    boundaries = [offset for e in entities for offset in (text.index(e), text.index(e) + len(e))]
    assert [text[a:b] for a, b in tokenize(text, boundaries)] == expected


def test_the_readme_has_its_examples():
    assert len(readme_examples()) >= 15


def test_tokenizer_cuts_at_entity_boundaries_inside_words():
    text = "US-made chips"
    assert tokenize(text, [0, 2]) == [(0, 2), (2, 3), (3, 7), (8, 13)]
    assert tokenize("abcdef", [2, 4]) == [(0, 2), (2, 4), (4, 6)]


def test_left_out_spans_drop_their_tokens_and_cut_the_words_at_their_ends():
    assert tokenize("abcdef gh", left_out=[(2, 4)]) == [(0, 2), (4, 6), (7, 9)]


def document(
    doc_id: str, text: str, entities=None, noise=()
) -> tuple[LoadedDocument, SourcedLayer]:
    """A document with its gold as its release layer, as `ner_table` takes them."""
    layers = {"noise": {"origin": "human", "items": [{"start": a, "end": b} for a, b in noise]}}
    if entities is not None:
        items = [{"start": a, "end": b, "label": label} for a, b, label in entities]
        layers["entities"] = {"origin": "human", "items": items}
    gold = {"layers": layers}
    return LoadedDocument(doc_id, [], 3, meta={}, text=text, gold=gold), SourcedLayer(GOLD, gold)


# two documents: the first with emoji before and inside entities, its entities out of text
# order, one ending inside a word ("Kirin9000"), a noise span between two sentences, and an
# entity that holds a would-be sentence end ("Yahoo! Japan"); the second with an entities
# layer but no entity (all O)
TEXT = (
    "🇨🇳 “Huawei’s 🚀 Kirin9000” chips, said Beijing-based Xinhua News Agency. PHOTO: AP"
    " Shares of Yahoo! Japan rose 13.5%."
)


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


ENTITIES = [(*at("Beijing"), "GPE"), (*at("Huawei"), "ORG"), (*at("Kirin"), "PRODUCT")]
ENTITIES.append((*at("Xinhua News Agency"), "ORG"))  # three tokens: B, I, I
ENTITIES.append((*at("Yahoo! Japan"), "ORG"))
ENTITIES.append((*at("13.5%"), "PERCENT"))
DOCUMENTS = [
    document("doc-a", TEXT, entities=ENTITIES, noise=[at("PHOTO: AP")]),
    document("doc-b", "Nothing here.", entities=[]),
]


def check_rows(text, entities, rows):
    """Every row's tokens slice the text at their offsets, inside its sentence, and its BIO
    tags decode to exactly the entities inside the sentence; together the rows hold them all."""
    assert [row["sentence"] for row in rows] == list(range(len(rows)))
    decoded = []
    for row in rows:
        offsets = list(zip(row["token_starts"], row["token_ends"], strict=True))
        assert row["tokens"] == [text[a:b] for a, b in offsets]
        assert all(row["start"] <= a < b <= row["end"] for a, b in offsets)
        assert (offsets[0][0], offsets[-1][1]) == (row["start"], row["end"])
        spans = bio_spans(offsets, [tag_names()[t] for t in row["ner_tags"]])
        inside = [e for e in entities if row["start"] <= e[0] and e[1] <= row["end"]]
        assert spans == sorted(inside)
        decoded += spans
    assert decoded == sorted(entities)


def test_ner_rows_are_sentences_whose_tags_decode_back_to_their_entities():
    rows = ner_table(DOCUMENTS).to_pylist()
    first = [row for row in rows if row["doc_id"] == "doc-a"]
    check_rows(TEXT, ENTITIES, first)
    assert [TEXT[row["start"] : row["end"]] for row in first] == [
        "🇨🇳 “Huawei’s 🚀 Kirin9000” chips, said Beijing-based Xinhua News Agency.",
        "Shares of Yahoo! Japan rose 13.5%.",  # one sentence: the entity holds "!"
    ]
    assert first[0]["tokens"][:4] == ["🇨🇳", "“", "Huawei", "’s"]
    assert "Kirin" in first[0]["tokens"] and "9000" in first[0]["tokens"]
    assert "PHOTO" not in first[0]["tokens"] + first[1]["tokens"]
    assert rows[-1] == {
        "doc_id": "doc-b",
        "layer": "gold",
        "origin": taxonomy()["origin"].values.index("human"),
        "sentence": 0,
        "start": 0,
        "end": 13,
        "tokens": ["Nothing", "here", "."],
        "token_starts": [0, 8, 12],
        "token_ends": [7, 12, 13],
        "ner_tags": [0] * 3,
    }


ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("path", sorted((ROOT / "annotations" / "layers").glob("*/*.json")))
def test_sentence_rows_of_the_articles_decode_back_to_their_layer(path):
    layers = json.loads(path.read_text(encoding="utf-8"))["layers"]
    text = (ROOT / "raw" / f"{path.stem}.txt").read_text(encoding="utf-8")
    entities = [(e["start"], e["end"], e["label"]) for e in layers["entities"]["items"]]
    noise = [(n["start"], n["end"]) for n in layers.get("noise", {"items": []})["items"]]
    rows = sentence_rows(text, entities, noise).as_rows(text)
    check_rows(text, entities, rows)
    assert len(rows) >= 10


@st.composite
def documents_with_spans(draw):
    made = []
    for i in range(draw(st.integers(1, 4))):
        text = draw(st.sampled_from(["", "Nothing here.", TEXT])) + "".join(
            draw(st.lists(st.sampled_from(PLAIN + FINER + [". ", "\n", "!"]), max_size=20))
        )
        offsets = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
        entities, noise = [], []
        for a, b in zip(offsets[::2], offsets[1::2], strict=False):
            if draw(st.booleans()):
                noise.append((a, b))
            else:
                entities.append((a, b, draw(st.sampled_from(["GPE", "ORG", "DATE"]))))
        made.append(document(f"doc-{i}", text, entities, noise))
    return made


@given(documents_with_spans())
def test_ner_rows_of_documents_together_are_their_rows_alone(documents):
    alone = [row for one in documents for row in ner_table([one]).to_pylist()]
    assert ner_table(documents).to_pylist() == alone


def test_ner_rows_have_the_arrow_types_of_the_ner_features():
    assert ner_table(DOCUMENTS).schema == pa.schema(features("ner").arrow_schema, metadata=None)


def test_withheld_ner_rows_keep_the_tags_and_blank_every_token():
    full, withheld = ner_table(DOCUMENTS), ner_table(DOCUMENTS, withhold_text=True)
    assert withheld["ner_tags"] == full["ner_tags"]
    for kept, blanked in zip(
        full["tokens"].to_pylist(), withheld["tokens"].to_pylist(), strict=True
    ):
        assert blanked == [""] * len(kept)


def test_offsets_past_int32_raise_rather_than_wrap_around():
    # a batch whose tokens held over 2 GiB of text would otherwise get negative offsets
    with pytest.raises(pa.ArrowInvalid):
        _offsets(np.array([2**30, 2**30]))


def test_tag_names_are_the_hub_conll2012_ontonotesv5_ner_tags_in_their_order():
    # the `names` of `ner_tags` in the Hub's conll2012_ontonotesv5 (english_v4), copied
    # from its loading script: ids agree, so no remap is needed between the two
    hub = [
        "O", "B-PERSON", "I-PERSON", "B-NORP", "I-NORP", "B-FAC", "I-FAC", "B-ORG", "I-ORG",
        "B-GPE", "I-GPE", "B-LOC", "I-LOC", "B-PRODUCT", "I-PRODUCT", "B-DATE", "I-DATE",
        "B-TIME", "I-TIME", "B-PERCENT", "I-PERCENT", "B-MONEY", "I-MONEY", "B-QUANTITY",
        "I-QUANTITY", "B-ORDINAL", "I-ORDINAL", "B-CARDINAL", "I-CARDINAL", "B-EVENT",
        "I-EVENT", "B-WORK_OF_ART", "I-WORK_OF_ART", "B-LAW", "I-LAW", "B-LANGUAGE",
        "I-LANGUAGE",
    ]  # fmt: skip
    assert list(tag_names()) == hub
    assert features("ner")["ner_tags"].feature.names == hub
