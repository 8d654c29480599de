"""The inventory of a corpus directory, and the story splits learned over it."""

from __future__ import annotations

import shutil

from tsr_news.layout import GOLD, META, TEXT, Layout, scan
from tsr_news.splits import StorySplits


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
