"""The command line: exit codes, document selection by path, report formats, the real script."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bad_inputs import CASES
from conftest import REPO

BROKEN_ALPHA = next(c for c in CASES if c.name == "span text mismatch")
STRADDLE = next(c for c in CASES if c.name == "split straddling a story cluster")


def test_installed_script_validates_the_repository_with_exit_0():
    result = subprocess.run(
        [Path(sys.executable).parent / "tsr-news", "validate"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_module_entry_point_reports_problems_with_exit_1(corpus):
    BROKEN_ALPHA.breaks(corpus)
    result = subprocess.run(
        [sys.executable, "-m", "tsr_news", "validate"], cwd=corpus, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout.startswith("annotations/doc-alpha.json:")


def test_usage_errors_exit_2(cli, corpus, tmp_path):
    assert cli("validate", corpus / "raw" / "nope.json").exit_code == 2
    assert cli("validate", "--root", tmp_path).exit_code == 2  # not a corpus: no raw/
    run = cli("validate", "--root", corpus, "--format", "xml")
    assert run.exit_code == 2
    assert "invalid choice" in run.err


def test_not_a_corpus_error_names_the_directory(cli, tmp_path):
    run = cli("validate", "--root", tmp_path)
    assert str(tmp_path) in run.err
    assert "no raw/ directory" in run.err


def test_paths_select_only_their_documents(cli, corpus):
    BROKEN_ALPHA.breaks(corpus)
    only_beta = cli("validate", corpus / "raw" / "doc-beta.txt")
    assert only_beta.exit_code == 0
    assert "1 document(s), 2 file(s): valid" in only_beta.err
    alpha_layer = cli("validate", corpus / "annotations" / "layers" / "ann1" / "doc-alpha.json")
    assert alpha_layer.exit_code == 1
    assert "annotations/doc-alpha.json:" in alpha_layer.out  # the whole document is checked


def test_a_corpus_wide_path_selects_the_whole_corpus(cli, corpus):
    run = cli("validate", corpus)
    assert "3 document(s)" in run.err


def test_selecting_one_document_still_sees_its_cluster_straddling_splits(cli, corpus):
    STRADDLE.breaks(corpus)
    run = cli("validate", corpus / "raw" / "doc-alpha.meta.json")
    assert run.exit_code == 1
    assert "[split-straddle]" in run.out
    assert "doc-beta" in run.out


def test_an_annotation_path_alone_reads_no_other_documents_metadata(cli, corpus):
    STRADDLE.breaks(corpus)  # adds doc-beta, in another split than doc-alpha's cluster
    (corpus / "raw" / "doc-beta.meta.json").write_text("{")  # reading it would be a problem
    run = cli("validate", corpus / "annotations" / "doc-alpha.json")
    assert run.exit_code == 0, run.out


def test_github_format_prints_workflow_commands(cli, corpus):
    BROKEN_ALPHA.breaks(corpus)
    run = cli("validate", "--root", corpus, "--format", "github")
    assert run.exit_code == 1
    assert run.out.startswith("::error file=annotations/doc-alpha.json,line=")
    assert "title=tsr-news span-text::" in run.out


def test_json_format_is_a_single_document_with_counts(cli, corpus):
    run = cli("validate", "--root", corpus, "--format", "json")
    body = json.loads(run.out)
    assert body == {
        "documents": 3,
        "files": 9,
        "problem_count": 0,
        "valid": True,
        "problems": [],
    }


def test_split_command_prints_the_rule_for_a_new_cluster(cli):
    run = cli("split", "2023-03-npc-session")
    assert (run.exit_code, run.out) == (0, "train\n")
    assert cli("split", "../etc").exit_code == 2


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_validate_reports_the_same_problems_for_any_number_of_jobs(start, tmp_path, monkeypatch):
    import shutil

    from tsr_news.corpus import loader
    from tsr_news.corpus.validate import validate

    root = tmp_path / "corpus"
    for part in ("raw", "annotations"):
        shutil.copytree(REPO / part, root / part)
    metas = sorted((root / "raw").glob("*.meta.json"))
    for meta, (field, value) in zip(
        metas[:2], [("title", 7), ("published", "2024-02-30")], strict=True
    ):
        data = json.loads(meta.read_text())
        data[field] = value
        meta.write_text(json.dumps(data))
    metas[4].write_text("{")
    monkeypatch.setattr(loader, "PARALLEL_MIN_DOCUMENTS", 0)  # workers even for 5 documents
    monkeypatch.setattr(loader, "CHUNK_DOCUMENTS", 1)
    monkeypatch.setattr(loader, "start_method", lambda: start)
    one, two = validate(root, jobs=1), validate(root, jobs=2)
    assert len({p.path for p in one.problems}) == 3
    assert one == two


def test_workers_are_forked_only_from_a_process_with_a_single_thread():
    probe = (
        "import threading, time\n"
        "from tsr_news.corpus.loader import start_method\n"
        "print(start_method())\n"
        "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
        "print(start_method())\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["fork", "spawn"]


def test_the_cli_has_arrow_allocate_with_the_c_library_unless_the_user_chose_otherwise():
    probe = (
        "from tsr_news.cli.main import main; main(['--version']); "
        "import pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    )

    def backend(**env: str) -> str:
        environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
        run = subprocess.run(
            [sys.executable, "-c", probe],
            env={**environment, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.split()[-1]

    assert backend() == "system"
    assert backend(ARROW_DEFAULT_MEMORY_POOL="mimalloc") == "mimalloc"
