"""When a release is current: the record of what its build read, and file fingerprints.

`fingerprints.RACY_SECONDS` is set to 0 where a test needs the files it has just written to
be trusted by their stat identity (otherwise they are too fresh, and hashed every time).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest

from tsr_news.corpus import fingerprints
from tsr_news.corpus.fingerprints import Fingerprint
from tsr_news.corpus.loader import Corpus
from tsr_news.release.build import InvalidCorpus, build
from tsr_news.release.card import DEFAULT_SHEET
from tsr_news.release.inputs import HEADER, stamp_path

from conftest import FIXTURE_CORPUS


@pytest.fixture
def trusted(monkeypatch):
    monkeypatch.setattr(fingerprints, "RACY_SECONDS", 0)


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    return root


def test_a_fingerprint_is_the_sha256_of_the_bytes_read_and_their_stat_identity(tmp_path, trusted):
    (tmp_path / "a.json").write_bytes(b"{}")
    data, fingerprint = fingerprints.read(str(tmp_path), "a.json")
    stat = os.stat(tmp_path / "a.json")
    assert data == b"{}"
    assert fingerprint == Fingerprint(
        "a.json",
        hashlib.sha256(b"{}").hexdigest(),
        (2, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino),
    )


def test_a_file_changed_moments_before_it_was_read_has_no_identity_to_trust(tmp_path):
    (tmp_path / "a.json").write_bytes(b"{}")
    assert fingerprints.read(str(tmp_path), "a.json")[1].identity is None


def test_an_unchanged_identity_is_trusted_without_reading_the_file(tmp_path, trusted):
    (tmp_path / "a.json").write_bytes(b"{}")
    _, fingerprint = fingerprints.read(str(tmp_path), "a.json")
    # a wrong hash goes unnoticed: the file is not read when its identity is the recorded one
    assert fingerprints.unchanged(str(tmp_path), fingerprint._replace(sha256="0" * 64))


def test_a_touched_file_with_the_same_bytes_is_unchanged(tmp_path, trusted):
    path = tmp_path / "a.json"
    path.write_bytes(b"{}")
    _, fingerprint = fingerprints.read(str(tmp_path), "a.json")
    path.write_bytes(b"{}")
    os.utime(path, ns=(0, 0))
    assert fingerprints.unchanged(str(tmp_path), fingerprint)


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(tmp_path, trusted):
    path = tmp_path / "a.json"
    path.write_bytes(b'{"a": 1}')
    _, fingerprint = fingerprints.read(str(tmp_path), "a.json")
    stat = path.stat()
    path.write_bytes(b'{"a": 2}')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the change time moves regardless
    assert not fingerprints.unchanged(str(tmp_path), fingerprint)


def test_a_removed_file_is_not_unchanged(tmp_path):
    (tmp_path / "a.json").write_bytes(b"{}")
    _, fingerprint = fingerprints.read(str(tmp_path), "a.json")
    (tmp_path / "a.json").unlink()
    assert not fingerprints.unchanged(str(tmp_path), fingerprint)


def test_the_record_lists_every_corpus_file_the_build_read_in_order(root, tmp_path, trusted):
    release = build(root, tmp_path / "out", documents_per_range=2)
    lines = stamp_path(release.path).read_text(encoding="utf-8").splitlines()
    assert lines[0] + "\n" == HEADER
    sources = [json.loads(line) for line in lines[3:-1:2]]  # each range's output, sources
    assert len(sources) == 2  # three documents, at most two a range
    read = [fingerprint for r in sources for fingerprint in r["read"]]
    on_disk = sorted(
        p.relative_to(root).as_posix()
        for p in [*(root / "raw").iterdir(), *(root / "annotations").rglob("*.json")]
    )
    assert sorted(name for name, _, _ in read) == on_disk
    text = next(sha256 for name, sha256, _ in read if name == "raw/doc-alpha.txt")
    assert text == hashlib.sha256((root / "raw/doc-alpha.txt").read_bytes()).hexdigest()


def test_a_corpus_takes_fingerprints_only_when_asked_to_record_them(root):
    (plain,) = Corpus(root).documents(["doc-alpha"])
    (recorded,) = Corpus(root, record_fingerprints=True).documents(["doc-alpha"])
    assert plain.valid and recorded.valid
    assert plain.fingerprints == []
    assert [f.name for f in recorded.fingerprints] == [
        "raw/doc-alpha.txt",
        "raw/doc-alpha.meta.json",
        "annotations/doc-alpha.json",
        *sorted(
            p.relative_to(root).as_posix()
            for p in (root / "annotations/layers").glob("*/doc-alpha.json")
        ),
    ]


def test_a_touched_corpus_is_still_current(root, tmp_path, trusted):
    build(root, tmp_path / "out")
    for path in root.rglob("*.json"):
        path.write_bytes(path.read_bytes())
    assert build(root, tmp_path / "out").current


def test_a_new_layer_file_makes_the_release_stale(root, tmp_path, trusted):
    build(root, tmp_path / "out")
    layers = root / "annotations" / "layers"
    annotator = next(p for p in layers.iterdir() if p.is_dir() and any(p.iterdir()))
    layer = next(annotator.iterdir())
    doc_id = layer.name.removesuffix(".json")
    other = next(d for d in ("doc-alpha", "doc-beta", "doc-gamma") if d != doc_id)
    (annotator / f"{other}.json").write_bytes(layer.read_bytes())  # refused: wrong doc_id
    with pytest.raises(InvalidCorpus):
        build(root, tmp_path / "out")
    (annotator / f"{other}.json").unlink()
    assert not build(root, tmp_path / "out").current  # the refused build dropped the record


def test_a_removed_document_makes_the_release_stale(root, tmp_path, trusted):
    first = build(root, tmp_path / "out")
    for path in root.glob("raw/doc-gamma.*"):
        path.unlink()
    again = build(root, tmp_path / "out")
    assert not again.current
    assert again.documents == first.documents - 1


def test_a_record_of_another_format_is_not_current(root, tmp_path, trusted):
    stamp = stamp_path(build(root, tmp_path / "out").path)
    stamp.write_text(stamp.read_text(encoding="utf-8").replace(HEADER, "an older record\n"))
    assert not build(root, tmp_path / "out").current
    assert build(root, tmp_path / "out").current


def test_a_new_datasheet_makes_the_release_stale(root, tmp_path, trusted):
    build(root, tmp_path / "out")
    (root / "DATASHEET.md").write_text(DEFAULT_SHEET + "\nWritten since.\n", encoding="utf-8")
    assert not build(root, tmp_path / "out").current
