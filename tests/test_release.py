"""The release: what `tsr-news build` writes, loaded back with `datasets` as a researcher would.

The repository's and the fixture corpus's releases are built once per session (`releases`,
in conftest); the tests read them and never write into them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import datasets
import pytest
import yaml

from tsr_news.release.build import PAUSE_ENV, InvalidCorpus, build, release_name
from tsr_news.release.inputs import stamp_path
from tsr_news.release.manifest import MANIFEST, SHA256SUMS
from tsr_news.release.ner import bio_spans, tag_names
from tsr_news.release.rows import CONFIGS

from conftest import CORPORA, FIXTURE_CORPUS, REPO, tree_digest

datasets.disable_progress_bars()


def card(release: Path) -> dict:
    _, front, _ = release.joinpath("README.md").read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front)


@pytest.fixture(scope="session", params=sorted(CORPORA))
def release(request, releases) -> Path:
    return releases[request.param]


@pytest.fixture(scope="session")
def loaded(release) -> dict[str, datasets.DatasetDict]:
    """Every config the card declares, loaded offline from the release directory."""
    return {
        c["config_name"]: datasets.load_dataset(str(release), c["config_name"])
        for c in card(release)["configs"]
    }


def test_every_config_and_split_of_the_card_loads_with_the_declared_row_counts(release, loaded):
    info = {i["config_name"]: i for i in card(release)["dataset_info"]}
    for config, dataset in loaded.items():
        declared = {s["name"]: s["num_examples"] for s in info[config]["splits"]}
        assert {split: d.num_rows for split, d in dataset.items()} == declared


def test_the_fixture_and_the_repo_releases_have_every_config(releases):
    # the repo's release carries the AI-written draft (test_release_layers.py)
    for release in releases.values():
        assert [c["config_name"] for c in card(release)["configs"]] == list(CONFIGS)


def test_exactly_one_default_config_documents_with_the_version_in_every_config(release):
    configs = card(release)["configs"]
    assert [c["config_name"] for c in configs if c.get("default")] == ["documents"]
    assert {c["version"] for c in configs} == {release.name.removeprefix("tsr-news-")}


def test_loading_without_a_config_gives_documents(release, loaded):
    default = datasets.load_dataset(str(release))
    assert default["train"].features == loaded["documents"]["train"].features
    assert default["train"]["doc_id"] == loaded["documents"]["train"]["doc_id"]


def test_loaded_features_equal_the_card_features(release, loaded):
    for info in card(release)["dataset_info"]:
        declared = datasets.Features._from_yaml_list(info["features"])
        for split in loaded[info["config_name"]].values():
            assert split.features == declared


def _spans(value):
    """Every {start, end, text} record nested anywhere in a row."""
    if isinstance(value, dict):
        if {"start", "end", "text"} <= value.keys():
            yield value
        for inner in value.values():
            yield from _spans(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _spans(inner)


def test_every_span_resliced_from_the_text_equals_its_text(loaded):
    texts = {}
    for split in loaded["documents"].values():
        for row in split:
            texts[row["doc_id"]] = row["text"]
            for span in _spans({k: v for k, v in row.items() if k != "text"}):
                assert row["text"][span["start"] : span["end"]] == span["text"]
    checked = 0
    for config in ("entities", "quotes", "measures"):
        for split in loaded.get(config, {}).values():
            for row in split:
                for span in _spans(row):
                    assert texts[row["doc_id"]][span["start"] : span["end"]] == span["text"]
                    checked += 1
    assert checked or "entities" not in loaded


def test_the_emoji_outside_the_bmp_keeps_code_point_offsets(annotated):
    alpha = next(row for row in annotated["documents"]["train"] if row["doc_id"] == "doc-alpha")
    content = alpha["quotes"][0]["content"][0]
    assert content["text"].endswith("🚀")
    assert alpha["text"][content["start"] : content["end"]] == content["text"]


@pytest.fixture(scope="session")
def annotated(releases) -> dict[str, datasets.DatasetDict]:
    """The fixture release's configs (the one with gold annotations), loaded."""
    path = str(releases["fixture"])
    return {config: datasets.load_dataset(path, config) for config in CONFIGS}


def test_ner_rows_are_sentences_whose_tags_decode_to_exactly_their_entities(annotated):
    loaded = annotated
    names = loaded["ner"]["train"].features["ner_tags"].feature.names
    assert names == list(tag_names())
    documents = {row["doc_id"]: row for s in loaded["documents"].values() for row in s}
    label = loaded["documents"]["train"].features["entities"].feature["label"]
    rows = [row for split in loaded["ner"].values() for row in split]
    assert rows
    decoded = {doc_id: [] for doc_id in {row["doc_id"] for row in rows}}
    for row in rows:
        document = documents[row["doc_id"]]
        text = document["text"]
        assert all(0 <= tag < len(names) for tag in row["ner_tags"])
        offsets = list(zip(row["token_starts"], row["token_ends"], strict=True))
        assert row["tokens"] == [text[a:b] for a, b in offsets]
        assert all(row["start"] <= a < b <= row["end"] for a, b in offsets)
        spans = bio_spans(offsets, [names[t] for t in row["ner_tags"]])
        inside = [
            (e["start"], e["end"], label.int2str(e["label"]))
            for e in document["entities"]
            if row["start"] <= e["start"] and e["end"] <= row["end"]
        ]
        assert spans == sorted(inside)
        decoded[row["doc_id"]] += spans
    for doc_id, spans in decoded.items():
        entities = documents[doc_id]["entities"]
        assert spans == sorted((e["start"], e["end"], label.int2str(e["label"])) for e in entities)


def test_noise_text_is_left_out_of_the_ner_tokens(annotated):
    alpha = next(row for row in annotated["ner"]["train"] if row["doc_id"] == "doc-alpha")
    assert "PHOTO" not in alpha["tokens"]


def test_documents_features_carry_every_field_of_the_scheme():
    import dataclasses

    from tsr_news.release.features import documents
    from tsr_news.scheme.model import ITEM_TYPES, DocumentMeta

    columns = documents()
    meta_fields = {f.name for f in dataclasses.fields(DocumentMeta)} - {"schema_version"}
    assert meta_fields <= set(columns)
    for kind, item_type in ITEM_TYPES.items():
        assert {f.name for f in dataclasses.fields(item_type)} == set(columns[kind].feature)


def test_two_builds_of_the_same_corpus_are_byte_identical(releases, tmp_path):
    again = build(FIXTURE_CORPUS, tmp_path).path
    assert tree_digest(again) == tree_digest(releases["fixture"])


def test_sha256sum_check_passes_inside_the_release(release):
    run = subprocess.run(
        ["sha256sum", "--check", "--strict", SHA256SUMS],
        cwd=release,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    listed = [line.split("  ", 1)[1] for line in (release / SHA256SUMS).read_text().splitlines()]
    assert sorted(listed) == sorted(set(tree_digest(release)) - {SHA256SUMS})


def test_manifest_records_every_data_file_with_its_rows_and_the_content_digest(release):
    manifest = json.loads((release / MANIFEST).read_text())
    files = {f["path"]: f for f in manifest["files"]}
    assert set(files) == set(tree_digest(release)) - {MANIFEST, SHA256SUMS}
    for path, entry in files.items():
        assert entry["sha256"] == tree_digest(release)[path]
        assert entry["bytes"] == (release / path).stat().st_size
    data_files = [f for f in files if f.startswith("data/")]
    assert data_files and all("rows" in files[f] for f in data_files)
    assert len(manifest["content_digest"]["sha256"]) == 64
    assert manifest["tools"]["pyarrow"] == "26.0.1"


def test_parquet_files_embed_the_features_and_a_constant_writer_name(release):
    import re

    import pyarrow.parquet as pq

    for path in release.glob("data/*/*.parquet"):
        assert re.fullmatch(r"(train|validation|test)-[0-9]{5}-of-[0-9]{5}\.parquet", path.name)
        metadata = pq.ParquetFile(path).metadata
        assert metadata.created_by == "parquet-cpp-arrow version 26.0.1"
        assert b"huggingface" in metadata.metadata


@pytest.mark.parametrize("group_bytes, one_row_per_group", [(1, True), (10**12, False)])
def test_row_groups_are_sized_by_bytes(tmp_path, monkeypatch, group_bytes, one_row_per_group):
    import pyarrow.parquet as pq

    from tsr_news.release import parquet, part

    monkeypatch.setattr(parquet, "ROW_GROUP_BYTES", group_bytes)
    monkeypatch.setattr(part, "BATCH_DOCUMENTS", 2)  # several batches per file
    release = build(FIXTURE_CORPUS, tmp_path).path
    for path in release.glob("data/*/*.parquet"):
        metadata = pq.ParquetFile(path).metadata
        groups = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
        if one_row_per_group:  # every row is larger than a byte: a group per row
            assert groups == [1] * metadata.num_rows, path
        else:  # everything fits in one group, whatever the batches
            assert groups == [metadata.num_rows], path


def test_killed_build_leaves_the_previous_release_intact_and_no_partial_directory(tmp_path):
    out = tmp_path / "out"
    previous = build(FIXTURE_CORPUS, out).path
    before = tree_digest(previous)
    stamp_path(previous).unlink()  # forget the inputs, so the next build does rebuild
    child = subprocess.Popen(
        [sys.executable, "-m", "tsr_news", "build", "--root", FIXTURE_CORPUS, "--out", out],
        env={**os.environ, PAUSE_ENV: "60"},
    )
    try:
        deadline = time.monotonic() + 30
        while not list(out.glob(".*.tmp-*/data/*/*.parquet")):
            assert child.poll() is None and time.monotonic() < deadline, "build did not pause"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert tree_digest(previous) == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [release_name()]

    build(FIXTURE_CORPUS, out)  # the next build clears what the killed one left
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [release_name(), stamp_path(previous).name]
    )
    assert tree_digest(previous) == before


def test_building_an_invalid_corpus_exits_1_names_the_problem_and_writes_nothing(corpus, cli):
    text = corpus / "raw" / "doc-beta.txt"
    text.write_text(text.read_text(encoding="utf-8") + " changed", encoding="utf-8")
    out = corpus.parent / "out"

    run = cli("build", "--root", corpus, "--out", out)

    assert run.exit_code == 1
    assert "raw/doc-beta.meta.json" in run.out and "[text-hash" in run.out
    assert not out.exists()


def test_datasheet_check_passes_on_the_repository(cli):
    run = cli("datasheet", "--check", "--root", REPO)
    assert run.exit_code == 0, run.err


def test_datasheet_check_fails_when_stale_and_datasheet_brings_it_up_to_date(tmp_path, cli):
    root = tmp_path / "repo"
    shutil.copytree(REPO / "raw", root / "raw")
    shutil.copy(REPO / "DATASHEET.md", root / "DATASHEET.md")
    for name in sorted(os.listdir(root / "raw"))[:2]:  # one document fewer
        (root / "raw" / name).unlink()

    assert cli("datasheet", "--check", "--root", root).exit_code == 1
    assert cli("datasheet", "--root", root).exit_code == 0
    assert "**4 documents.**" in (root / "DATASHEET.md").read_text(encoding="utf-8")
    assert cli("datasheet", "--check", "--root", root).exit_code == 0


def test_a_rebuild_with_nothing_changed_writes_nothing(tmp_path):
    first = build(FIXTURE_CORPUS, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in first.path.rglob("*")}
    again = build(FIXTURE_CORPUS, tmp_path)
    assert again.current and not first.current
    assert (again.documents, again.rows) == (first.documents, first.rows)
    assert {p: p.stat().st_mtime_ns for p in again.path.rglob("*")} == before


def test_a_changed_input_is_rebuilt_and_a_broken_one_refused(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    before = tree_digest(build(root, tmp_path / "out").path)
    meta = root / "raw" / "doc-alpha.meta.json"
    meta.write_text(meta.read_text().replace('"title": "', '"title": "Re: '))
    again = build(root, tmp_path / "out")
    assert not again.current
    assert tree_digest(again.path) != before
    (root / "raw" / "stray.csv").write_text("x\n")
    with pytest.raises(InvalidCorpus):
        build(root, tmp_path / "out")


def test_build_output_is_the_same_for_any_number_of_jobs(tmp_path, monkeypatch):
    from tsr_news.corpus import loader
    from tsr_news.release import part

    monkeypatch.setattr(loader, "PARALLEL_MIN_DOCUMENTS", 0)  # use workers even for 5 documents
    monkeypatch.setattr(part, "BATCH_DOCUMENTS", 2)  # and give each range several batches
    one = build(REPO, tmp_path / "one", jobs=1, documents_per_range=3).path
    two = build(REPO, tmp_path / "two", jobs=2, documents_per_range=3).path
    assert tree_digest(one) == tree_digest(two)
