"""Each bad input: exit 1, a problem naming the file and what is wrong, and nothing written."""

from __future__ import annotations

import json

import pytest

from bad_inputs import CASES, BadInput
from conftest import tree_digest


def test_the_valid_fixture_corpus_passes(corpus, cli):
    run = cli("validate", "--root", corpus)
    assert run.exit_code == 0, run.out
    assert run.out == ""
    assert "3 document(s), 9 file(s): valid" in run.err


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_reported_with_file_and_problem(case: BadInput, corpus, cli):
    case.breaks(corpus)
    before = tree_digest(corpus)

    run = cli("validate", "--root", corpus, "--format", "json")

    assert run.exit_code == 1
    report = json.loads(run.out)
    assert report["valid"] is False
    matching = [
        p
        for p in report["problems"]
        if p["path"] == case.path and p["code"] == case.code and case.message in p["message"]
    ]
    assert matching, json.dumps(report["problems"], indent=1)
    assert tree_digest(corpus) == before, "validate must not write or modify anything"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_text_report_line_names_path_pointer_and_message(case: BadInput, corpus, cli):
    case.breaks(corpus)
    run = cli("validate", "--root", corpus)
    assert run.exit_code == 1
    lines = [line for line in run.out.splitlines() if f"[{case.code}]" in line]
    assert any(line.startswith(case.path + ":") and case.message in line for line in lines), run.out


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_reported_alike_by_worker_processes(case: BadInput, corpus, monkeypatch):
    """The parallel path (`--jobs 2`, one document per chunk) reports exactly what one process
    does, cross-document problems included (a straddling story cluster was once lost)."""
    from tsr_news.corpus import loader
    from tsr_news.corpus.validate import validate

    case.breaks(corpus)
    monkeypatch.setattr(loader, "PARALLEL_MIN_DOCUMENTS", 0)
    monkeypatch.setattr(loader, "CHUNK_DOCUMENTS", 1)
    serial = validate(corpus, jobs=1)
    assert not serial.valid
    assert validate(corpus, jobs=2) == serial


UNREADABLE = [case for case in CASES if case.code.startswith(("json-", "utf8-bom"))]


@pytest.mark.parametrize("case", UNREADABLE, ids=str)
def test_json_not_read_alike_is_one_problem_of_its_file_and_nothing_is_built(
    case: BadInput, corpus, cli, tmp_path
):
    """The file goes no further than reading (one problem, none from later stages), and a
    build refuses the corpus: a file once read as "nothing" was dropped from the release."""
    case.breaks(corpus)
    run = cli("validate", "--root", corpus)
    assert run.exit_code == 1
    assert [line for line in run.out.splitlines() if line.startswith(case.path + ":")] == [
        line for line in run.out.splitlines() if f"[{case.code}]" in line
    ]
    assert len([line for line in run.out.splitlines() if line.startswith(case.path)]) == 1
    out = tmp_path / "out"
    build = cli("build", "--root", corpus, "--out", out)
    assert build.exit_code == 1
    assert not out.exists()
