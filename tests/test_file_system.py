"""The file-system policy (`common/files.py`): the corpus is its own regular files; outputs
go only under their stated directory, one writer at a time; every failure of the file
system is one line and exit 2, never a traceback, a hang or a half-written output."""

from __future__ import annotations

import errno
import os
import subprocess

import pytest

from tsr_news.common.files import output_lock
from tsr_news.release.build import release_name

from conftest import TSR_NEWS, tree_digest


def _one_line_error(run, *phrases: str) -> None:
    assert run.exit_code == 2, (run.out, run.err)
    lines = run.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in run.err, run.err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_validate_path_beside_a_fifo_reports_it_without_opening_it(corpus):
    """`validate PATH` of a metadata file reads its cluster's other metadata files; one of
    them a FIFO made it wait forever for a writer. (The timeout only stops a hang.)"""
    os.unlink(corpus / "raw/doc-beta.meta.json")
    os.mkfifo(corpus / "raw/doc-beta.meta.json")
    run = subprocess.run(
        [TSR_NEWS, "validate", "raw/doc-alpha.meta.json", "raw/doc-beta.meta.json"],
        cwd=corpus,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "raw/doc-beta.meta.json: /: raw/ holds only" in run.stdout
    assert "Traceback" not in run.stderr


def test_a_symbolic_link_loop_is_one_line_and_exit_2(corpus, cli):
    (corpus / "raw/doc-loop.txt").symlink_to("doc-loop.txt")
    _one_line_error(
        cli("validate", "--root", corpus), "symbolic links", "raw/doc-loop.txt", "validate"
    )


def test_a_file_that_vanishes_mid_run_is_one_line_and_exit_2(corpus, cli, monkeypatch):
    from tsr_news.corpus import validate
    from tsr_news.corpus.layout import scan

    def scan_then_lose_a_file(layout):
        inventory = scan(layout)
        os.unlink(corpus / "raw/doc-beta.meta.json")  # listed, gone before it is read
        return inventory

    monkeypatch.setattr(validate, "scan", scan_then_lose_a_file)
    _one_line_error(
        cli("validate", "--root", corpus), "No such file or directory", "doc-beta.meta.json"
    )


def test_a_permission_error_is_one_line_and_exit_2(corpus, cli, monkeypatch):
    """(Injected: this suite may run as root, whom permissions do not stop.)"""
    from tsr_news.common import files

    real = files.open_regular

    def denied(path, dir_fd=None):
        if str(path).endswith("doc-gamma.txt"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real(path, dir_fd)

    monkeypatch.setattr(files, "open_regular", denied)
    _one_line_error(cli("validate", "--root", corpus), "Permission denied", "doc-gamma.txt")


def test_a_full_disk_during_a_build_is_one_line_and_leaves_no_output(corpus, cli, monkeypatch):
    """(Injected: ENOSPC from writing the card, after the data files were written.)"""
    from tsr_news.release import build

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "README.md")

    monkeypatch.setattr(build, "write_card", full)
    out = corpus / "build"
    _one_line_error(
        cli("build", "--root", corpus, "--out", out), "No space left on device", "build"
    )
    assert not out.exists()  # neither the temporary directory nor an empty build/


def test_an_output_path_that_is_a_file_is_refused(corpus, cli, tmp_path):
    (tmp_path / "taken").write_text("mine")
    _one_line_error(
        cli("build", "--root", corpus, "--out", tmp_path / "taken"), "is not a directory"
    )
    assert (tmp_path / "taken").read_text() == "mine"


def test_a_build_directory_linked_outside_the_corpus_is_refused(corpus, cli, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (corpus / "build").symlink_to(elsewhere)
    _one_line_error(cli("build", "--root", corpus), "outside", "outputs are written only under")
    assert list(elsewhere.iterdir()) == []


def test_an_adjudication_directory_linked_outside_is_not_written_into(corpus, cli, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (corpus / "annotations/adjudication").symlink_to(elsewhere)
    run = cli(
        "adjudicate", "doc-alpha", "--layers", "ann1,tagger-x", "--adjudicator", "adj",
        "--force", "--root", corpus,
    )  # fmt: skip
    _one_line_error(run, "outside", "adjudication")
    assert list(elsewhere.iterdir()) == []


def test_a_second_build_into_the_same_directory_is_refused_while_one_holds_it(corpus, cli):
    out = corpus / "build"
    with output_lock(out):  # as a build in another process would
        _one_line_error(cli("build", "--root", corpus, "--out", out), "another process")
    assert not out.exists()
    assert cli("build", "--root", corpus, "--out", out).exit_code == 0  # released


def test_a_killed_builds_temporary_directory_is_removed_whatever_process_has_its_number(
    corpus, cli
):
    """Process 1 always lives, and is not a build: the lock, not the number, says the
    temporary directory is abandoned."""
    out = corpus / "build"
    leftover = out / f".{release_name()}.tmp-1"
    (leftover / "data").mkdir(parents=True)
    assert cli("build", "--root", corpus, "--out", out).exit_code == 0
    assert not leftover.exists()


def test_a_file_name_that_is_not_utf8_is_reported_on_a_strict_utf8_stdout(corpus):
    name = os.fsencode(corpus / "raw") + b"/bad\xffname.txt"
    with open(name, "wb") as file:
        file.write(b"text")
    for fmt in ("text", "json"):
        run = subprocess.run(
            [TSR_NEWS, "validate", "--root", corpus, "--format", fmt],
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
        )
        assert run.returncode == 1, run.stderr
        assert b"Traceback" not in run.stderr
        assert b"raw/bad\\\\xffname.txt" in run.stdout or b"raw/bad\\xffname.txt" in run.stdout


def test_a_datasheet_that_is_not_utf8_is_a_one_line_refusal(corpus, cli, tmp_path):
    (corpus / "DATASHEET.md").write_bytes(b"# Datasheet\n\xff\n")
    out = tmp_path / "out"
    run = cli("build", "--root", corpus, "--out", out)
    assert run.exit_code == 1
    assert run.out == (
        "DATASHEET.md:2: /: not valid UTF-8: byte 0xff at offset 12 (invalid start byte); "
        "files are UTF-8 [utf8-invalid]\n"
    )
    assert not out.exists()
    _one_line_error(cli("datasheet", "--root", corpus, "--check"), "not valid UTF-8")


@pytest.mark.parametrize("command", ["validate", "build"])
def test_nothing_outside_the_corpus_is_read_through_a_link(command, corpus, cli, tmp_path):
    """A raw text linked to a file outside, with a matching hash, is refused, not published."""
    outside = tmp_path / "system-file.txt"
    (corpus / "raw/doc-alpha.txt").rename(outside)
    (corpus / "raw/doc-alpha.txt").symlink_to(outside)
    before = tree_digest(corpus)
    args = ["--out", tmp_path / "out"] if command == "build" else []
    run = cli(command, "--root", corpus, *args)
    assert run.exit_code == 1
    assert "raw/doc-alpha.txt: /: a symbolic link to" in run.out + run.err
    assert not (tmp_path / "out").exists()
    assert tree_digest(corpus) == before
