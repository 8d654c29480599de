"""Our own outputs are untrusted input once they leave the build: `rehydrate` and `diff` refuse
a release whose files were changed (one line, exit 1, nothing written), and never take a
doc id from it as a path; `adjudicate` refuses a hand-edited conflicts file it cannot use."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import FIXTURE_CORPUS


@pytest.fixture
def copies(fixture_releases, tmp_path) -> dict[str, Path]:
    """Copies of both fixture_releases, free to tamper with, and the user's raw texts."""
    copied = {name: tmp_path / path.name for name, path in fixture_releases.items()}
    for name, path in fixture_releases.items():
        shutil.copytree(path, copied[name])
    raw = copied["raw"] = tmp_path / "my-texts"
    raw.mkdir()
    for text in (FIXTURE_CORPUS / "raw").glob("*.txt"):
        shutil.copy(text, raw / text.name)
    return copied


def _documents_file(release: Path) -> Path:
    (path,) = sorted(release.glob("data/documents/train-*.parquet"))
    return path


def _set_first_doc_id(release: Path, doc_id: str) -> None:
    path = _documents_file(release)
    table = pq.read_table(path)
    ids = table["doc_id"].to_pylist()
    ids[0] = doc_id
    table = table.set_column(table.schema.get_field_index("doc_id"), "doc_id", pa.array(ids))
    pq.write_table(table, path)


def _refused(run, *phrases: str) -> None:
    """Exit 1 (a damaged release) or 2 (not a withheld release at all), in one line."""
    assert run.exit_code in (1, 2), (run.out, run.err)
    assert "Traceback" not in run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_a_doc_id_that_is_a_path_is_not_read_under_raw(copies, cli, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    _set_first_doc_id(copies["withheld"], "../secret")
    out = tmp_path / "out"
    run = cli("rehydrate", copies["withheld"], "--raw", copies["raw"], "--out", out)
    _refused(run, "'../secret' is not a corpus document id", "nothing written")
    assert not out.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda r: _edit_manifest(r, lambda m: m.pop("content_digest")), id="key"),
        pytest.param(
            lambda r: _edit_manifest(r, lambda m: m.update(content_digest="x")), id="type"
        ),
        pytest.param(
            lambda r: _edit_manifest(r, lambda m: m["release_layers"].update(fallback_layers=None)),
            id="null",
        ),
        pytest.param(lambda r: (r / "README.md").write_bytes(b"---\n\xff\n---\n"), id="card"),
        pytest.param(
            lambda r: _documents_file(r).write_bytes(_documents_file(r).read_bytes()[:200]),
            id="parquet-truncated",
        ),
        pytest.param(lambda r: _set_first_doc_id(r, None), id="doc-id-null"),
    ],
)
def test_a_tampered_withheld_release_is_refused_in_one_line(tamper, copies, cli, tmp_path):
    tamper(copies["withheld"])
    out = tmp_path / "out"
    run = cli("rehydrate", copies["withheld"], "--raw", copies["raw"], "--out", out)
    _refused(run, copies["withheld"].name)
    assert not out.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda r: _edit_manifest(r, lambda m: m.pop("version")), id="no-version"),
        pytest.param(lambda r: _edit_manifest(r, lambda m: m.update(version=1)), id="version"),
        pytest.param(
            lambda r: _documents_file(r).write_bytes(b"PAR1" + b"\0" * 64 + b"PAR1"),
            id="parquet-garbage",
        ),
        pytest.param(
            lambda r: _documents_file(r).write_bytes(_documents_file(r).read_bytes()[:-100]),
            id="parquet-truncated",
        ),
    ],
)
def test_diff_of_a_tampered_release_is_refused_in_one_line(tamper, copies, fixture_releases, cli):
    tamper(copies["full"])
    _refused(cli("diff", fixture_releases["full"], copies["full"]), "diff")
    _refused(cli("diff", copies["full"], fixture_releases["full"]), "diff")


def _edit_manifest(release: Path, change) -> None:
    path = release / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def test_a_conflicts_file_without_a_resolution_key_is_refused(corpus, cli):
    args = ["adjudicate", "doc-alpha", "--layers", "ann1,tagger-x", "--adjudicator", "adj"]
    first = cli(*args, "--force", "--root", corpus)
    assert first.exit_code == 1 and "to resolve" in first.out, first
    path = corpus / "annotations/adjudication/doc-alpha.json"
    conflicts = json.loads(path.read_text())
    del conflicts["conflicts"][0]["resolution"]
    path.write_text(json.dumps(conflicts))

    run = cli(*args, "--force", "--root", corpus)
    assert run.exit_code == 1
    assert "Traceback" not in run.err
    assert "/conflicts/0 has no 'resolution' key" in run.err
