"""Shared fixtures: the repository, the small valid fixture corpus, and a way to run the CLI."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tsr_news.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


@dataclass
class Run:
    exit_code: int
    out: str
    err: str


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the valid fixture corpus, free to break."""
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    return root


@pytest.fixture
def cli(capsys):
    """Run `tsr-news ARGS...` in-process; return its exit code and output."""

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def astral_corpus(corpus: Path) -> Path:
    """The fixture corpus plus a document with characters outside the BMP in and before spans."""
    import astral

    astral.add_to(corpus)
    return corpus
