"""Incremental rebuilds: a build reuses the document ranges whose files have not changed.

The corpus is cut into ranges by document id alone; after an edit, a rebuild writes the
edited document's range again, links every other range's shards from the previous release,
and gives exactly the bytes a full build of the edited corpus gives. The record it reuses
from is a cache, and treated as untrusted: damaged, it is ignored, never followed.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
from pathlib import Path

import orjson
import pytest

from tsr_news.corpus import loader
from tsr_news.release import inputs
from tsr_news.release.build import build
from tsr_news.release.datasheet import Statistics
from tsr_news.release.manifest import MANIFEST
from tsr_news.release.ranges import _hash_cut, cut

from conftest import REPO, tree_digest

sys.path.insert(0, str(REPO / "benchmarks"))
import generate

DOCUMENTS = 240
PER_RANGE = 20


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "corpus"
    generate.generate(root, DOCUMENTS, seed=11, jobs=1)
    return root


@pytest.fixture
def edited(synthetic, tmp_path) -> Path:
    """A private copy of the synthetic corpus, built once into tmp_path/out."""
    root = tmp_path / "corpus"
    shutil.copytree(synthetic, root)
    return root


def _change_one_annotation(root: Path, doc_id: str) -> None:
    """Switch the first measure's specificity, a valid edit of one annotation file."""
    path = root / "annotations" / f"{doc_id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    measure = data["layers"]["measures"]["items"][0]
    measure["specificity"] = "generic" if measure["specificity"] == "specific" else "specific"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _inodes(release: Path) -> dict[str, int]:
    """Each data file's path -> its inode."""
    return {p.relative_to(release).as_posix(): p.stat().st_ino for p in release.glob("data/*/*")}


def _shards_of(release: Path, doc_id: str) -> set[str]:
    """The paths of the shards of the range that holds `doc_id`, as the build recorded them."""
    _, _, *lines = inputs.stamp_path(release).read_bytes().splitlines()
    ranges = [orjson.loads(line) for line in lines[:-1:2]]  # each range's output, sources
    return {shard["path"] for r in ranges if doc_id in r["doc_ids"] for shard in r["shards"]}


def _rebuilt(root: Path, out: Path, **options):
    """Build `root` again onto `out`; assert it gives the bytes of a full build of `root`
    (into a fresh directory beside `out`); the rebuilt release."""
    again = build(root, out, **options)
    full = build(root, out.parent / f"{out.name}-full", **options)
    assert tree_digest(again.path) == tree_digest(full.path)
    return again


def test_ranges_are_runs_of_ids_at_most_the_size_cut_where_the_ids_say():
    ids = [f"doc-{i:05d}" for i in range(2000)]
    ranges = list(cut(ids, 50))
    assert [doc_id for r in ranges for doc_id in r] == ids
    assert all(1 <= len(r) <= 50 for r in ranges)
    # a range starts at a hash cut or after 50 documents, nowhere else
    for before, after in itertools.pairwise(ranges):
        assert _hash_cut(after[0], 50) or len(before) == 50
    assert len(ranges) > 2000 // 50  # hash cuts come on top of the size cuts


def test_adding_a_document_changes_only_the_ranges_between_the_hash_cuts_around_it():
    ids = [f"doc-{i:05d}" for i in range(0, 4000, 2)]
    new = "doc-02001"
    before = {tuple(r) for r in cut(ids, 50)}
    after = {tuple(r) for r in cut(sorted([*ids, new]), 50)}
    hash_cuts = [doc_id for doc_id in ids if _hash_cut(doc_id, 50)]
    start = max(c for c in hash_cuts if c < new)
    end = min(c for c in hash_cuts if c > new)
    changed = before ^ after
    assert changed and all(start <= r[0] and r[-1] < end for r in changed)
    assert len(before & after) > len(before) - 10


def test_a_rebuild_after_one_edit_rewrites_one_range_and_equals_a_full_build(edited, tmp_path):
    out = tmp_path / "out"
    first = build(edited, out, documents_per_range=PER_RANGE)
    assert first.ranges > 5 and first.reused == 0
    before = _inodes(first.path)
    doc_id = generate.doc_id_of(DOCUMENTS // 2)
    rewritten = _shards_of(first.path, doc_id)
    _change_one_annotation(edited, doc_id)

    again = _rebuilt(edited, out, documents_per_range=PER_RANGE)
    assert (again.reused, again.ranges) == (first.ranges - 1, first.ranges)
    after = _inodes(again.path)
    # the other ranges' shards are the very files of the previous release, linked
    assert set(after) == set(before) and 0 < len(rewritten) < len(before) // 5
    assert {path for path in after if after[path] != before[path]} == rewritten
    assert build(edited, out, documents_per_range=PER_RANGE).current


def test_a_parallel_rebuild_gives_the_same_bytes(edited, tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "PARALLEL_MIN_DOCUMENTS", 0)
    out = tmp_path / "out"
    build(edited, out, jobs=2, documents_per_range=PER_RANGE)
    _change_one_annotation(edited, generate.doc_id_of(3))
    again = _rebuilt(edited, out, jobs=2, documents_per_range=PER_RANGE)
    assert again.reused == again.ranges - 1


def test_removing_a_document_rebuilds_its_range_only(edited, tmp_path):
    out = tmp_path / "out"
    build(edited, out, documents_per_range=PER_RANGE)
    doc_id = generate.doc_id_of(DOCUMENTS // 3)
    for name in (f"raw/{doc_id}.txt", f"raw/{doc_id}.meta.json", f"annotations/{doc_id}.json"):
        (edited / name).unlink()
    again = _rebuilt(edited, out, documents_per_range=PER_RANGE)
    assert 0 < again.reused < again.ranges
    assert json.loads((again.path / MANIFEST).read_text())["documents"] == DOCUMENTS - 1


@pytest.fixture
def two_humans(corpus) -> Path:
    """The fixture corpus with a second human layer on doc-alpha (ann9, a copy of ann1)."""
    source = corpus / "annotations" / "layers" / "ann1" / "doc-alpha.json"
    target = corpus / "annotations" / "layers" / "ann9" / "doc-alpha.json"
    target.parent.mkdir()
    target.write_text(source.read_text().replace('"ann1"', '"ann9"'))
    return corpus


def test_reused_ranges_keep_the_agreement_of_their_documents(two_humans, tmp_path):
    """A range taken from the record brings its documents with two human layers back for
    the agreement figures."""
    corpus, out = two_humans, tmp_path / "out"
    build(corpus, out, documents_per_range=1)
    meta = corpus / "raw" / "doc-gamma.meta.json"
    meta.write_text(meta.read_text().replace('"title": "', '"title": "Re: '))
    again = _rebuilt(corpus, out, documents_per_range=1)
    assert again.reused == 2
    assert json.loads((again.path / MANIFEST).read_text())["agreement"]["pairs"]


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "not json",
        "shard outside the release",
        "shard identity changed",
        "another settings digest",
        "agreement documents of another range",
    ],
)
def test_a_damaged_record_is_ignored_and_the_release_still_right(edited, tmp_path, damage):
    out = tmp_path / "out"
    release = build(edited, out, documents_per_range=PER_RANGE).path
    stamp = inputs.stamp_path(release)
    header, settings, *lines = stamp.read_bytes().split(b"\n")
    if damage == "truncated":
        stamp.write_bytes(stamp.read_bytes()[: len(stamp.read_bytes()) // 2])
    elif damage == "not json":
        stamp.write_bytes(b"\n".join([header, settings, b"{" * 3, *lines]))
    elif damage in ("shard outside the release", "shard identity changed"):
        record = orjson.loads(lines[0])
        if damage == "shard outside the release":
            outside = tmp_path / "elsewhere.parquet"
            outside.write_bytes(b"PAR1")
            record["shards"][0]["path"] = os.path.relpath(outside, release)
        else:
            record["shards"][0]["identity"][2] += 1
        stamp.write_bytes(b"\n".join([header, settings, orjson.dumps(record), *lines[1:]]))
    elif damage == "agreement documents of another range":
        record = orjson.loads(lines[0])
        record["statistics"]["agreement"]["multi"] = ["nowhere-in-the-corpus"]
        stamp.write_bytes(b"\n".join([header, settings, orjson.dumps(record), *lines[1:]]))
    else:
        stamp.write_bytes(b"\n".join([header, b"0" * 64, *lines]))
    _change_one_annotation(edited, generate.doc_id_of(DOCUMENTS - 3))  # in the last range

    again = _rebuilt(edited, out, documents_per_range=PER_RANGE)
    assert again.reused <= (again.ranges - 2 if damage.startswith(("shard", "agree")) else 0)


def test_a_shard_changed_in_the_release_is_written_again_not_reused(edited, tmp_path):
    out = tmp_path / "out"
    release = build(edited, out, documents_per_range=PER_RANGE).path
    shard = sorted(release.glob("data/documents/*.parquet"))[-1]
    data = shard.read_bytes()
    shard.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    _change_one_annotation(edited, generate.doc_id_of(1))
    again = _rebuilt(edited, out, documents_per_range=PER_RANGE)
    assert again.reused == again.ranges - 2


def test_another_range_size_is_another_build(edited, tmp_path):
    out = tmp_path / "out"
    build(edited, out, documents_per_range=PER_RANGE)
    again = build(edited, out, documents_per_range=PER_RANGE * 2)
    assert not again.current and again.reused == 0


def test_statistics_come_back_from_json_with_their_counts_in_order(two_humans):
    statistics = Statistics()
    for document in loader.Corpus(two_humans).documents():
        statistics.add(document, None)
    again = Statistics.from_json(json.loads(json.dumps(statistics.to_json())))
    assert again.agreement_documents == ["doc-alpha"]
    again.agreement.multi = statistics.agreement.multi  # as the build loads them again
    assert again.to_json() == statistics.to_json()
    assert list(again.items) == list(statistics.items)
    assert again.render() == statistics.render()


def test_the_writer_s_sizes_are_datasets_own():
    from datasets import config
    from datasets.utils.py_utils import convert_file_size_to_int

    from tsr_news.release import parquet

    sizes = (config.MAX_SHARD_SIZE, config.MAX_ROW_GROUP_SIZE)
    assert tuple(map(convert_file_size_to_int, sizes)) == (
        parquet.MAX_SHARD_BYTES,
        parquet.ROW_GROUP_BYTES,
    )


def test_the_cli_says_how_many_ranges_it_reused(edited, tmp_path, cli):
    out = tmp_path / "out"
    args = ("build", "--root", edited, "--out", out, "--range-documents", str(PER_RANGE))
    assert cli(*args).exit_code == 0
    _change_one_annotation(edited, generate.doc_id_of(5))
    run = cli(*args)
    assert run.exit_code == 0 and "ranges unchanged, reused" in run.err
    assert cli("build", "--root", edited, "--range-documents", "0").exit_code == 2


def test_a_withheld_release_in_many_ranges_rehydrates_to_the_full_build(synthetic, tmp_path):
    from tsr_news.release.rehydrate import rehydrate

    withheld = build(synthetic, tmp_path / "w", withhold_text=True, documents_per_range=PER_RANGE)
    full = build(synthetic, tmp_path / "full", documents_per_range=PER_RANGE)
    rehydrated = rehydrate(withheld.path, synthetic / "raw", tmp_path / "r")
    assert withheld.ranges > 5
    assert tree_digest(rehydrated.path) == tree_digest(full.path)
