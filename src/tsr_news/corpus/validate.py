"""Validate a corpus, or the documents that some paths belong to: the API behind `validate`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tsr_news.checks.problems import Problem
from tsr_news.corpus.layout import META_SUFFIX, Layout, doc_id_of, scan, scan_documents
from tsr_news.corpus.loader import Corpus, LoadedDocument


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    documents: int
    files: int

    @property
    def valid(self) -> bool:
        return not self.problems

    def summary(self) -> dict:
        return {
            "documents": self.documents,
            "files": self.files,
            "problem_count": len(self.problems),
        }


def validate(root: Path, paths: Iterable[Path] = (), jobs: int = 1) -> Report:
    """Check the whole corpus at `root`, or only the documents the given paths belong to.

    A path that belongs to no single document (a schema, the corpus root) selects the whole
    corpus. Documents are checked on `jobs` processes; the report is the same for any number.
    Nothing is written.
    """
    paths = list(paths)
    layout = Layout(root)
    only = select_documents(layout, paths)
    # a changed metadata file may have moved its document between splits: every other
    # document's cluster is then read (`corpus_problems`), so the corpus is listed; otherwise
    # only the selected documents' files are looked up
    peek = only is None or any(path.name.endswith(META_SUFFIX) for path in paths)
    corpus = Corpus(root, scan(layout) if peek else scan_documents(layout, only))
    problems, documents, files = [], 0, 0
    for found, read in corpus.map(_outcome, only, jobs):
        problems.extend(found)
        documents += 1
        files += read
    problems.extend(corpus.corpus_problems(only, peek=peek))
    problems.sort(key=Problem.sort_key)
    return Report(problems, documents, files)


def _outcome(loaded: LoadedDocument) -> tuple[list[Problem], int]:
    return loaded.problems, loaded.files


def select_documents(layout: Layout, paths: Iterable[Path]) -> set[str] | None:
    """The doc ids that `paths` name, or None (the whole corpus) when any path is corpus-wide."""
    paths = list(paths)
    if not paths:
        return None
    selected = set()
    for path in paths:
        doc_id = doc_id_of(layout, path)
        if doc_id is None:
            return None
        selected.add(doc_id)
    return selected
