"""`tsr-news diff OLD NEW`: what changed between two releases and whether the bump matches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from tsr_news import __version__
from tsr_news.release.build import build

from conftest import FIXTURE_CORPUS


def with_version(release: Path, bump: str) -> Path:
    """Pretend `release` was built one `bump` after this version of tsr-news (the version is
    read from its manifest)."""
    major, minor, patch = (int(part) for part in __version__.split("."))
    version = {
        "patch": f"{major}.{minor}.{patch + 1}",
        "minor": f"{major}.{minor + 1}.0",
        "major": f"{major + 1}.0.0",
    }[bump]
    manifest = json.loads((release / "manifest.json").read_text())
    (release / "manifest.json").write_text(json.dumps({**manifest, "version": version}))
    return release


def without(corpus: Path, doc_id: str) -> Path:
    for path in (corpus / "raw").glob(f"{doc_id}.*"):
        path.unlink()
    return corpus


def test_diff_of_two_builds_of_one_corpus_finds_nothing_and_exits_0(tmp_path, cli):
    old, new = (
        build(FIXTURE_CORPUS, tmp_path / "a").path,
        build(FIXTURE_CORPUS, tmp_path / "b").path,
    )
    run = cli("diff", old, new)
    assert run.exit_code == 0
    assert "changes require a none bump" in run.out


def test_removing_a_document_requires_a_major_version(tmp_path, corpus, cli):
    old = build(FIXTURE_CORPUS, tmp_path / "old").path
    new = build(without(corpus, "doc-beta"), tmp_path / "new").path

    run = cli("diff", old, with_version(new, "minor"))
    assert run.exit_code == 1
    assert "removed: doc-beta" in run.out and "require a major bump" in run.out

    assert cli("diff", old, with_version(new, "major")).exit_code == 0


def test_adding_a_document_requires_a_minor_version(tmp_path, corpus, cli):
    old = build(without(corpus, "doc-beta"), tmp_path / "old").path
    new = build(FIXTURE_CORPUS, tmp_path / "new").path

    run = cli("diff", old, with_version(new, "patch"))
    assert run.exit_code == 1
    assert "added: doc-beta" in run.out and "require a minor bump" in run.out
    assert cli("diff", old, with_version(new, "minor")).exit_code == 0


def test_moving_a_document_between_splits_requires_a_major_version(tmp_path, corpus, cli):
    old = build(FIXTURE_CORPUS, tmp_path / "old").path
    meta = corpus / "raw" / "doc-gamma.meta.json"
    meta.write_text(meta.read_text().replace('"split": "test"', '"split": "train"'))
    new = build(corpus, tmp_path / "new").path

    run = cli("diff", old, with_version(new, "minor"))
    assert run.exit_code == 1
    assert "moved: doc-gamma test -> train" in run.out


def test_annotation_counts_per_layer_and_label_are_reported(tmp_path, corpus, cli):
    (corpus / "annotations" / "doc-alpha.json").unlink()
    shutil.rmtree(corpus / "annotations" / "layers")  # no annotations at all
    old = build(corpus, tmp_path / "old").path
    new = build(FIXTURE_CORPUS, tmp_path / "new").path

    run = cli("diff", old, with_version(new, "minor"))
    assert run.exit_code == 0, run.out
    assert "entities PERSON: 0 -> 1 (+1)" in run.out
    assert "annotation layers added: doc-alpha" in run.out
    assert "changed: doc-alpha" in run.out
    assert "release layer: doc-alpha none -> gold (human)" in run.out


def test_gold_replacing_a_human_layer_is_a_minor_change(tmp_path, corpus, cli):
    (corpus / "annotations" / "doc-alpha.json").unlink()
    old = build(corpus, tmp_path / "old").path  # doc-alpha is released from ann1, its human layer
    new = build(FIXTURE_CORPUS, tmp_path / "new").path

    assert cli("diff", old, with_version(new, "patch")).exit_code == 1
    run = cli("diff", old, with_version(new, "minor"))
    assert run.exit_code == 0, run.out
    assert "release layer: doc-alpha ann1 (human) -> gold (human)" in run.out
    assert "changes require a minor bump" in run.out


def test_a_config_removed_requires_a_major_version_and_one_added_a_minor(tmp_path, corpus, cli):
    old = build(corpus, tmp_path / "old").path
    new = build(corpus, tmp_path / "new").path
    shutil.rmtree(new / "data" / "layers")
    run = cli("diff", old, with_version(new, "minor"))
    assert run.exit_code == 1
    assert "config removed: layers" in run.out
    assert cli("diff", old, with_version(new, "major")).exit_code == 0

    run = cli("diff", new, with_version(old, "minor"))
    assert "config added: layers" in run.out and "require a minor bump" in run.out


def test_a_release_from_before_release_layers_reads_as_gold_only(tmp_path, cli):
    """Releases before 1.0.0 had no layer/origin columns and carried gold alone."""
    old = build(FIXTURE_CORPUS, tmp_path / "old").path
    for path in (old / "data" / "documents").glob("*.parquet"):
        table = pq.read_table(path)
        dropped = ("layer", "origin", "layer_sources")
        meta = json.loads(table.schema.metadata[b"huggingface"])
        for name in dropped:
            del meta["info"]["features"][name]
        table = table.drop_columns(list(dropped))
        pq.write_table(table.replace_schema_metadata({"huggingface": json.dumps(meta)}), path)
    new = build(FIXTURE_CORPUS, tmp_path / "new").path
    run = cli("diff", old, with_version(new, "major"))
    assert run.exit_code == 0, run.out
    assert "features changed: documents" in run.out
    assert "release layer:" not in run.out  # doc-alpha: gold then, gold now


def test_a_manifest_not_read_alike_by_every_reader_is_refused_in_one_line(tmp_path, cli):
    old, new = (
        build(FIXTURE_CORPUS, tmp_path / "a").path,
        build(FIXTURE_CORPUS, tmp_path / "b").path,
    )
    manifest = new / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"version": "', b'"version": "\\ud800', 1))
    run = cli("diff", old, new)
    assert run.exit_code == 1
    assert f"{manifest}:" in run.err and "[json-surrogate]" in run.err
    assert len(run.err.splitlines()) == 1
