"""The `ner` config through `transformers`' token-classification recipe, offline (issue 19).

The recipe is `run_ner.py`'s (transformers' examples/pytorch/token-classification): words
tokenized with `is_split_into_words=True`, each word's tag on its first subword through
`word_ids()`, -100 on special tokens and on the other subwords (or, with `label_all_tokens`,
the word's tag with B- made I-). A model needs a fast tokenizer for `word_ids()`; none may be
downloaded, so one is trained here on the release's own tokens with the `tokenizers` library
(WordPiece, small enough that words split into several subwords) and wrapped in
`PreTrainedTokenizerFast`. Nothing needs torch.

The proof: a model whose predictions equal the labels is decoded as `run_ner.py` evaluates
(predictions where the label is not -100), words to code point spans through `token_starts`/
`token_ends`, BIO to entities; that gives back exactly the release layer's entities of each
sentence (the `entities` config), and every entity of the layer is in one sentence.
"""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

from tsr_news.release.ner import bio_spans

datasets.disable_progress_bars()

IGNORED = -100  # the label PyTorch's cross-entropy, and so every transformers model, skips
MAX_LENGTH = 512  # run_ner.py truncates to the model's maximum, 512 for BERT-like models
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@pytest.fixture(scope="module")
def ner(repo_release) -> datasets.Dataset:
    return datasets.load_dataset(str(repo_release), "ner", split="train")


@pytest.fixture(scope="module")
def tokenizer(ner) -> PreTrainedTokenizerFast:
    """A BERT-like WordPiece tokenizer trained on the release's tokens: made here, offline."""
    model = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    model.normalizer = normalizers.NFC()
    model.pre_tokenizer = pre_tokenizers.BertPreTokenizer()  # "U.S." -> "U" "." "S" "."
    model.train_from_iterator(
        ner["tokens"], trainers.WordPieceTrainer(vocab_size=1000, special_tokens=SPECIAL)
    )
    model.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[(token, model.token_to_id(token)) for token in ("[CLS]", "[SEP]")],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=model,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )


def b_to_i_label(names: list[str]) -> list[int]:
    """run_ner.py's map of each tag id to the id `label_all_tokens` gives a word's other
    subwords: B-X's to I-X's, every other to itself."""
    return [
        names.index("I-" + name[2:]) if name.startswith("B-") and "I-" + name[2:] in names else i
        for i, name in enumerate(names)
    ]


def tokenize_and_align_labels(examples, tokenizer, b_to_i: list[int], label_all_tokens: bool):
    """run_ner.py's preprocessing function (its `label_to_id` is the identity for a ClassLabel
    column), for `Dataset.map(batched=True)`."""
    tokenized = tokenizer(
        examples["tokens"], truncation=True, max_length=MAX_LENGTH, is_split_into_words=True
    )
    labels = []
    for i, tags in enumerate(examples["ner_tags"]):
        previous = None
        label_ids = []
        for word in tokenized.word_ids(batch_index=i):
            if word is None:
                label_ids.append(IGNORED)
            elif word != previous:
                label_ids.append(tags[word])
            else:
                label_ids.append(b_to_i[tags[word]] if label_all_tokens else IGNORED)
            previous = word
        labels.append(label_ids)
    tokenized["labels"] = labels
    return tokenized


def release_entities(repo_release: Path) -> dict[str, list[tuple[int, int, str]]]:
    """doc_id -> the (start, end, label) of every entity of its release layer, sorted."""
    rows = datasets.load_dataset(str(repo_release), "entities", split="train")
    label = rows.features["label"]
    found: dict[str, list[tuple[int, int, str]]] = {}
    for row in rows:
        found.setdefault(row["doc_id"], []).append(
            (row["start"], row["end"], label.int2str(row["label"]))
        )
    return {doc_id: sorted(spans) for doc_id, spans in found.items()}


def decoded_words(word_ids: list[int | None], predictions: list[int], labels: list[int]):
    """Each word's predicted tag id, as run_ner.py evaluates: predictions where the label is
    not -100, the first of a word's subwords standing for the word."""
    words: dict[int, int] = {}
    for word, predicted, label in zip(word_ids, predictions, labels, strict=True):
        if label != IGNORED and word is not None:
            words.setdefault(word, predicted)
    return [words[i] for i in range(len(words))]


@pytest.mark.parametrize("label_all_tokens", [False, True])
def test_run_ner_preprocessing_and_perfect_predictions_decode_to_exactly_the_layer_s_entities(
    ner, tokenizer, repo_release, label_all_tokens
):
    names = ner.features["ner_tags"].feature.names
    assert tokenizer.is_fast
    aligned = ner.map(
        tokenize_and_align_labels,
        batched=True,
        fn_kwargs={
            "tokenizer": tokenizer,
            "b_to_i": b_to_i_label(names),
            "label_all_tokens": label_all_tokens,
        },
    )
    entities = release_entities(repo_release)
    decoded: dict[str, list[tuple[int, int, str]]] = {}
    split_words = 0
    for row in aligned:
        word_ids = tokenizer(row["tokens"], is_split_into_words=True).word_ids()
        assert word_ids[-1] is None and word_ids[-2] == len(row["tokens"]) - 1  # not truncated
        split_words += len(word_ids) - 2 - len(row["tokens"])
        predictions = row["labels"]  # a model that is always right
        tags = decoded_words(word_ids, predictions, row["labels"])
        assert tags == row["ner_tags"]
        offsets = list(zip(row["token_starts"], row["token_ends"], strict=True))
        spans = bio_spans(offsets, [names[tag] for tag in tags])
        layer = entities.get(row["doc_id"], [])
        within = [e for e in layer if row["start"] <= e[0] and e[1] <= row["end"]]
        assert spans == within, (row["doc_id"], row["sentence"])
        decoded.setdefault(row["doc_id"], []).extend(spans)
    # no entity lost or cut between sentences
    assert {doc_id: spans for doc_id, spans in decoded.items() if spans} == entities
    assert entities
    assert split_words > 0  # words of several subwords: the -100 (or I-) path is taken


# datasets 4.x-5.2 name `Sequence` in align_labels_with_mapping and never import it
# (huggingface/datasets PR 8400); the README gives the workaround. The test passes with a
# datasets that has the bug and with one that is fixed, so a new release cannot break CI.
def align(ner: datasets.Dataset, mapping: dict[str, int], monkeypatch) -> datasets.Dataset:
    """`ner.align_labels_with_mapping` on `ner_tags`; on a datasets with the missing import,
    with the README's workaround (after checking the failure is exactly that bug)."""
    try:
        return ner.align_labels_with_mapping(mapping, "ner_tags")
    except NameError as error:
        assert "Sequence" in str(error)
    monkeypatch.setattr(datasets.arrow_dataset, "Sequence", datasets.Sequence, raising=False)
    return ner.align_labels_with_mapping(mapping, "ner_tags")


def test_align_labels_with_mapping_remaps_ner_tags_to_a_model_s_label_ids(ner, monkeypatch):
    feature = ner.features["ner_tags"]
    # Sequence(ClassLabel) is List(ClassLabel) in datasets 5: our type is the one it accepts
    assert datasets.Sequence(feature.feature) == feature
    names = feature.feature.names
    model_ids = {name: i for i, name in enumerate(sorted(names))}  # a model's other order
    aligned = align(ner, model_ids, monkeypatch)
    assert aligned.features["ner_tags"].feature.names == sorted(names)
    before, after = list(ner["ner_tags"]), list(aligned["ner_tags"])
    assert [[sorted(names)[t] for t in tags] for tags in after] == [
        [names[t] for t in tags] for tags in before
    ]
    assert after != before  # the ids did change
