"""Shared fixtures: the repository, the small valid fixture corpus, their releases, and a way to
run the CLI."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tsr_news.cli.main import main

# `datasets` reads these when it is first imported: a fresh, private cache and no network, so
# the release tests load exactly what the build wrote. Set before any test module imports it.
HF_HOME = tempfile.mkdtemp(prefix="tsr-news-hf-home-")
os.environ.update(HF_HOME=HF_HOME, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")

REPO = Path(__file__).resolve().parents[1]
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
# the corpora whose releases `releases` builds
CORPORA = {"repo": REPO, "fixture": FIXTURE_CORPUS}
TSR_NEWS = Path(sys.executable).parent / "tsr-news"  # the command, for tests that run it


@dataclass
class Run:
    exit_code: int
    out: str
    err: str


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones included) -> its sha256."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the valid fixture corpus, free to break."""
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    return root


@pytest.fixture(scope="session")
def releases(tmp_path_factory) -> dict[str, Path]:
    """The releases of the repository's corpus (no gold yet: its release layers are the
    AI-written draft) and of the fixture corpus (gold and two layers), each built once per
    session for every test module that reads them; tests never write into them."""
    from tsr_news.release.build import build  # imports `datasets`: only for tests that build

    return {name: build(root, tmp_path_factory.mktemp(name)).path for name, root in CORPORA.items()}


@pytest.fixture(scope="session")
def repo_release(releases) -> Path:
    return releases["repo"]


@pytest.fixture(scope="session")
def fixture_releases(tmp_path_factory) -> dict[str, Path]:
    """The fixture corpus's full and text-withheld releases, built once per session; tests
    that tamper with one work on a copy."""
    from tsr_news.release.build import build

    out = tmp_path_factory.mktemp("fixture-releases")
    return {
        "full": build(FIXTURE_CORPUS, out).path,
        "withheld": build(FIXTURE_CORPUS, out, withhold_text=True).path,
    }


@pytest.fixture
def cli(capsys):
    """Run `tsr-news ARGS...` in-process; return its exit code and output."""

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(HF_HOME, ignore_errors=True)


@pytest.fixture
def astral_corpus(corpus: Path) -> Path:
    """The fixture corpus plus a document with characters outside the BMP in and before spans."""
    import astral

    astral.add_to(corpus)
    return corpus


# Debian's chromium (`make test` installs it); elsewhere point TSR_NEWS_CHROMIUM at a Chrome.
CHROMIUM = Path(os.environ.get("TSR_NEWS_CHROMIUM", "/usr/bin/chromium"))
# headless, and no connection to anything but the pages the tests open
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    return CHROMIUM
