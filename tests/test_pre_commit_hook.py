"""The published pre-commit hook, installed by pre-commit itself into another repository."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bad_inputs import CASES
from conftest import FIXTURE_CORPUS, REPO

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
BROKEN = next(c for c in CASES if c.name == "span text mismatch")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_hook_from_this_repository_validates_another_repositorys_changed_files(tmp_path):
    other = tmp_path / "other"
    shutil.copytree(FIXTURE_CORPUS, other)
    git(other, "init", "-q")
    BROKEN.breaks(other)
    git(other, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def hook(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PRE_COMMIT, "try-repo", REPO, "tsr-news-validate", "--files", *files],
            cwd=other,
            capture_output=True,
            text=True,
            env=env,
        )

    clean = hook("raw/doc-gamma.txt", "raw/doc-gamma.meta.json")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    broken = hook("annotations/doc-alpha.json")
    assert broken.returncode == 1
    assert "annotations/doc-alpha.json:" in broken.stdout
    assert "[span-text]" in broken.stdout
