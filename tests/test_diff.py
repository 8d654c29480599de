"""`tsr-news diff OLD NEW`: what changed between two releases and whether the bump matches."""

from __future__ import annotations

import json
from pathlib import Path

from tsr_news.release.build import build

from conftest import FIXTURE_CORPUS


def with_version(release: Path, version: str) -> Path:
    """Pretend `release` was built as `version` (the version is read from its manifest)."""
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

    run = cli("diff", old, with_version(new, "0.2.0"))
    assert run.exit_code == 1
    assert "removed: doc-beta" in run.out and "require a major bump" in run.out

    assert cli("diff", old, with_version(new, "1.0.0")).exit_code == 0


def test_adding_a_document_requires_a_minor_version(tmp_path, corpus, cli):
    old = build(without(corpus, "doc-beta"), tmp_path / "old").path
    new = build(FIXTURE_CORPUS, tmp_path / "new").path

    run = cli("diff", old, with_version(new, "0.1.1"))
    assert run.exit_code == 1
    assert "added: doc-beta" in run.out and "require a minor bump" in run.out
    assert cli("diff", old, with_version(new, "0.2.0")).exit_code == 0


def test_moving_a_document_between_splits_requires_a_major_version(tmp_path, corpus, cli):
    old = build(FIXTURE_CORPUS, tmp_path / "old").path
    meta = corpus / "raw" / "doc-gamma.meta.json"
    meta.write_text(meta.read_text().replace('"split": "test"', '"split": "train"'))
    new = build(corpus, tmp_path / "new").path

    run = cli("diff", old, with_version(new, "0.2.0"))
    assert run.exit_code == 1
    assert "moved: doc-gamma test -> train" in run.out


def test_annotation_counts_per_layer_and_label_are_reported(tmp_path, corpus, cli):
    (corpus / "annotations" / "doc-alpha.json").unlink()
    old = build(corpus, tmp_path / "old").path
    new = build(FIXTURE_CORPUS, tmp_path / "new").path

    run = cli("diff", old, with_version(new, "0.2.0"))
    assert run.exit_code == 0, run.out
    assert "entities PERSON: 0 -> 1 (+1)" in run.out
    assert "annotation layers added: doc-alpha" in run.out
    assert "changed: doc-alpha" in run.out


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
