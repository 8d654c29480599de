"""The inventory of a corpus directory, and the story splits learned over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tsr_news.corpus.layout import (
    GOLD,
    META,
    TEXT,
    Inventory,
    Layout,
    _doc_of_name,
    scan,
    scan_documents,
)
from tsr_news.corpus.splits import StorySplits

from bad_inputs import CASES


def test_the_inventory_lists_documents_in_id_order_with_what_each_has(corpus):
    inventory = scan(Layout(corpus))
    assert inventory.doc_ids == ["doc-alpha", "doc-beta", "doc-gamma"]
    assert inventory.kinds("doc-alpha") == TEXT | META | GOLD
    assert inventory.kinds("doc-beta") == TEXT | META
    assert inventory.annotators_of("doc-alpha") == ["ann1", "tagger-x"]
    assert inventory.annotators_of("doc-beta") == []
    assert inventory.files_of("doc-alpha") == [
        "raw/doc-alpha.txt",
        "raw/doc-alpha.meta.json",
        "annotations/doc-alpha.json",
        "annotations/layers/ann1/doc-alpha.json",
        "annotations/layers/tagger-x/doc-alpha.json",
    ]
    assert inventory.problems == []


def test_a_document_with_only_one_raw_file_is_listed_and_its_missing_file_reported(corpus):
    (corpus / "raw" / "doc-beta.txt").unlink()
    (corpus / "raw" / "doc-gamma.meta.json").unlink()
    inventory = scan(Layout(corpus))
    assert inventory.doc_ids == ["doc-alpha", "doc-beta", "doc-gamma"]
    assert (inventory.kinds("doc-beta"), inventory.kinds("doc-gamma")) == (META, TEXT)
    assert [(p.path, p.code) for p in inventory.problems] == [
        ("raw/doc-beta.txt", "missing-text"),
        ("raw/doc-gamma.meta.json", "missing-meta"),
    ]


def test_an_annotation_file_of_no_document_is_reported_and_not_listed(corpus):
    shutil.copy(corpus / "annotations" / "doc-alpha.json", corpus / "annotations" / "doc-zeta.json")
    inventory = scan(Layout(corpus))
    assert inventory.doc_ids == ["doc-alpha", "doc-beta", "doc-gamma"]
    assert inventory.kinds("doc-zeta") == 0
    assert [(p.path, p.code) for p in inventory.problems] == [
        ("annotations/doc-zeta.json", "orphan-annotation")
    ]


def test_a_chunks_inventory_keeps_its_documents_files_and_an_unknown_id_with_none(corpus):
    inventory = scan(Layout(corpus))
    chunk = inventory.only(["doc-gamma", "doc-nope", "doc-alpha"])
    assert chunk.doc_ids == ["doc-alpha", "doc-gamma", "doc-nope"]
    for doc_id in ("doc-alpha", "doc-gamma"):
        assert chunk.files_of(doc_id) == inventory.files_of(doc_id)
    assert chunk.kinds("doc-nope") == 0
    assert inventory.only(["doc-beta"]).layers == {}  # no annotator has a layer of it


def test_story_splits_name_every_member_of_a_straddling_cluster_and_only_those(corpus):
    splits = StorySplits(scan(Layout(corpus)))
    splits.learn("doc-gamma", "c1", "test")
    splits.learn("doc-alpha", "c1", "train")
    assert splits.unknown() == ["doc-beta"]
    splits.learn("doc-beta", "c2", "train")
    assert splits.straddling(None) == {"c1": {"train": ["doc-alpha"], "test": ["doc-gamma"]}}
    assert splits.straddling({"c2"}) == {}
    assert splits.clusters_of(["doc-beta", "doc-nope"]) == {"c2"}
    assert splits.learned() == [
        ("doc-alpha", "c1", "train"),
        ("doc-beta", "c2", "train"),
        ("doc-gamma", "c1", "test"),
    ]


def restricted(inventory: Inventory, doc_ids: list[str]) -> Inventory:
    """What `scan_documents(doc_ids)` must equal: the whole scan's inventory of those ids that
    the corpus holds, with the problems concerning them."""
    held = [d for d in doc_ids if inventory.position(d) is not None]
    only = inventory.only(held)
    only.problems = inventory.problems_for(doc_ids)
    return only


def every_stem(corpus: Path) -> list[str]:
    """The document ids of every name in the corpus: held, orphaned, unsafe, stray."""
    stems = {_doc_of_name(path.name) for path in corpus.rglob("*")}
    return sorted(stems | set(scan(Layout(corpus)).doc_ids))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_looking_up_documents_finds_what_listing_the_corpus_finds_of_them(case, corpus):
    case.breaks(corpus)
    layout = Layout(corpus)
    whole = scan(layout)
    stems = every_stem(corpus)
    for doc_id in stems:
        assert scan_documents(layout, [doc_id]) == restricted(whole, [doc_id]), doc_id
    assert scan_documents(layout, stems) == restricted(whole, stems)


def test_looking_up_documents_judges_odd_entries_as_listing_does(corpus):
    """A directory, a dangling link and a hidden file where a document's files would be, and
    stray names that concern a document (its id bare, or with another directory's suffix)."""
    (corpus / "raw" / "doc-odd.txt").mkdir()
    (corpus / "raw" / "doc-odd.meta.json").symlink_to(corpus / "nowhere")
    shutil.copy(corpus / "raw" / "doc-alpha.txt", corpus / "raw" / ".doc-hidden.txt")
    (corpus / "annotations" / "doc-beta.json").mkdir()
    (corpus / "annotations" / "layers" / "ann1" / "doc-beta.json").mkdir()
    (corpus / "annotations" / "adjudication").mkdir()
    (corpus / "annotations" / "adjudication" / "doc-gamma.json").mkdir()
    (corpus / "annotations" / "adjudication" / "doc-zeta.json").write_text("{}")
    (corpus / "raw" / "doc-alpha").write_text("")
    (corpus / "raw" / "doc-alpha.json").write_text("{}")
    (corpus / "annotations" / "doc-alpha.meta.json").write_text("{}")
    (corpus / "annotations" / "layers.json").write_text("{}")
    layout = Layout(corpus)
    whole = scan(layout)
    codes = {p.code for p in whole.problems}
    assert codes == {"unexpected-file", "orphan-annotation", "unsafe-id"}
    ids = ["doc-odd", ".doc-hidden", "doc-alpha", "doc-beta", "doc-gamma", "doc-zeta", "layers"]
    ids += ["../raw/doc-alpha", "doc-alpha.meta", ""]
    for doc_id in ids:
        assert scan_documents(layout, [doc_id]) == restricted(whole, [doc_id]), doc_id


def test_validating_an_annotation_file_does_not_list_the_corpus(corpus, monkeypatch):
    from tsr_news.corpus import validate as validating

    def listing(layout):
        raise AssertionError("the corpus was listed")

    monkeypatch.setattr(validating, "scan", listing)
    gold = corpus / "annotations" / "doc-alpha.json"
    assert validating.validate(corpus, [gold]).documents == 1
    text = corpus / "raw" / "doc-beta.txt"
    assert validating.validate(corpus, [text]).valid
