"""Where the corpus keeps what: file names, safe ids, and the inventory of a corpus directory.

    raw/<doc_id>.txt                               verbatim article text
    raw/<doc_id>.meta.json                         provenance
    annotations/<doc_id>.json                      gold
    annotations/layers/<annotator>/<doc_id>.json   one annotator's work
    annotations/adjudication/<doc_id>.json         conflicts between layers and their resolutions

Only names matching the id patterns of the schemas are ever turned into paths, so no id read
from a file or an export can point outside the corpus.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tsr_news.problems import Problem
from tsr_news.schemas import ANNOTATION_SCHEMA, META_SCHEMA, load_schema

DOC_ID = re.compile(load_schema(META_SCHEMA)["$defs"]["id"]["pattern"])
ANNOTATOR_ID = re.compile(load_schema(ANNOTATION_SCHEMA)["$defs"]["annotator_id"]["pattern"])

TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"
ANNOTATION_SUFFIX = ".json"


class NotACorpus(Exception):
    """The directory or path given is not (inside) a corpus: a usage error, not invalid data."""


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "annotations"

    @property
    def layers_dir(self) -> Path:
        return self.annotations_dir / "layers"

    # Each file's path relative to the root, as a string: the loader opens 100,000s of files,
    # and building Path objects for them would cost more than reading them.
    @staticmethod
    def text_name(doc_id: str) -> str:
        return f"raw/{doc_id}{TEXT_SUFFIX}"

    @staticmethod
    def meta_name(doc_id: str) -> str:
        return f"raw/{doc_id}{META_SUFFIX}"

    @staticmethod
    def gold_name(doc_id: str) -> str:
        return f"annotations/{doc_id}{ANNOTATION_SUFFIX}"

    @staticmethod
    def layer_name(annotator: str, doc_id: str) -> str:
        return f"annotations/layers/{annotator}/{doc_id}{ANNOTATION_SUFFIX}"

    def text_path(self, doc_id: str) -> Path:
        return self.root / self.text_name(doc_id)

    def meta_path(self, doc_id: str) -> Path:
        return self.root / self.meta_name(doc_id)

    def gold_path(self, doc_id: str) -> Path:
        return self.root / self.gold_name(doc_id)

    def layer_path(self, annotator: str, doc_id: str) -> Path:
        return self.root / self.layer_name(annotator, doc_id)

    @property
    def adjudication_dir(self) -> Path:
        return self.annotations_dir / "adjudication"

    def adjudication_path(self, doc_id: str) -> Path:
        return self.adjudication_dir / (doc_id + ANNOTATION_SUFFIX)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def find_root(start: Path) -> Path:
    """The corpus root at or above `start`: the nearest directory holding `raw/`."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / "raw").is_dir():
            return candidate
    raise NotACorpus(f"{start} is not inside a corpus (no raw/ directory here or above)")


def doc_id_of(layout: Layout, path: Path) -> str | None:
    """The document a corpus file belongs to; None for a corpus-wide file (schema, docs)."""
    path = path.resolve()
    try:
        rel = path.relative_to(layout.root.resolve())
    except ValueError:
        raise NotACorpus(f"{path} is not inside the corpus at {layout.root}") from None
    parts = rel.parts
    name = parts[-1] if parts else ""
    if parts[:1] == ("raw",) and len(parts) == 2:
        for suffix in (META_SUFFIX, TEXT_SUFFIX):
            if name.endswith(suffix):
                return name[: -len(suffix)]
    in_annotations = (
        len(parts) == 2
        or (len(parts) == 4 and parts[1] == "layers")
        or (len(parts) == 3 and parts[1] == "adjudication")
    )
    if parts[:1] == ("annotations",) and in_annotations and name.endswith(ANNOTATION_SUFFIX):
        return name[: -len(ANNOTATION_SUFFIX)]
    return None


@dataclass
class Inventory:
    """What a corpus directory holds, by document, and what it holds that it should not."""

    doc_ids: list[str] = field(default_factory=list)
    texts: set[str] = field(default_factory=set)
    metas: set[str] = field(default_factory=set)
    gold: set[str] = field(default_factory=set)
    layers: dict[str, set[str]] = field(default_factory=dict)
    adjudication: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def annotators_of(self, doc_id: str) -> list[str]:
        return sorted(a for a, ids in self.layers.items() if doc_id in ids)

    def files_of(self, doc_id: str) -> list[str]:
        """The names of the document's files, in the order the loader reads them."""
        names = [Layout.text_name(doc_id)] if doc_id in self.texts else []
        names += [Layout.meta_name(doc_id)] if doc_id in self.metas else []
        names += [Layout.gold_name(doc_id)] if doc_id in self.gold else []
        return names + [Layout.layer_name(a, doc_id) for a in self.annotators_of(doc_id)]

    def only(self, doc_ids: list[str]) -> Inventory:
        """The inventory of these documents alone (their problems left out): what a worker
        process needs to load them, far smaller than the whole corpus's."""
        wanted = set(doc_ids)
        layers = {a: ids & wanted for a, ids in self.layers.items()}
        return Inventory(
            doc_ids=list(doc_ids),
            texts=self.texts & wanted,
            metas=self.metas & wanted,
            gold=self.gold & wanted,
            layers={a: ids for a, ids in layers.items() if ids},
            adjudication=self.adjudication & wanted,
        )

    def problems_for(self, doc_ids: Iterable[str]) -> list[Problem]:
        """The inventory problems concerning these documents (all, for a whole-corpus run)."""
        wanted = set(doc_ids)
        return [p for p in self.problems if _doc_of_problem(p) in wanted]


def _doc_of_problem(problem: Problem) -> str:
    name = problem.path.rsplit("/", 1)[-1]
    for suffix in (META_SUFFIX, TEXT_SUFFIX, ANNOTATION_SUFFIX):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def scan(layout: Layout) -> Inventory:
    """List the corpus directory once: documents, annotation files, stray and unsafe names."""
    if not layout.raw_dir.is_dir():
        raise NotACorpus(f"{layout.root} is not a corpus: it has no raw/ directory")
    inventory = Inventory()

    def problem(path: Path, code: str, message: str) -> None:
        inventory.problems.append(Problem(layout.relative(path), None, "", code, message))

    def doc_id(entry: os.DirEntry, suffix: str) -> str | None:
        stem = entry.name[: -len(suffix)]
        if DOC_ID.fullmatch(stem):
            return sys.intern(stem)  # one string per id, however many files and sets name it
        problem(
            Path(entry.path),
            "unsafe-id",
            f"{stem!r} is not a safe document id: use 3-64 lowercase letters, digits, '_' or '-', "
            "starting with a letter or digit",
        )
        return None

    for entry in _entries(layout.raw_dir):
        if entry.is_file() and entry.name.endswith(META_SUFFIX):
            if (found := doc_id(entry, META_SUFFIX)) is not None:
                inventory.metas.add(found)
        elif entry.is_file() and entry.name.endswith(TEXT_SUFFIX):
            if (found := doc_id(entry, TEXT_SUFFIX)) is not None:
                inventory.texts.add(found)
        else:
            problem(
                Path(entry.path),
                "unexpected-file",
                "raw/ holds only <doc_id>.txt and <doc_id>.meta.json",
            )

    for entry in _entries(layout.annotations_dir):
        if entry.is_dir() and entry.name == "layers":
            _scan_layers(layout, inventory, doc_id, problem)
        elif entry.is_dir() and entry.name == "adjudication":
            for inner in _entries(layout.adjudication_dir):
                if inner.is_file() and inner.name.endswith(ANNOTATION_SUFFIX):
                    if (found := doc_id(inner, ANNOTATION_SUFFIX)) is not None:
                        inventory.adjudication.add(found)
                else:
                    problem(
                        Path(inner.path),
                        "unexpected-file",
                        "adjudication/ holds <doc_id>.json files written by tsr-news adjudicate",
                    )
        elif entry.is_file() and entry.name.endswith(ANNOTATION_SUFFIX):
            if (found := doc_id(entry, ANNOTATION_SUFFIX)) is not None:
                inventory.gold.add(found)
        elif not (entry.is_file() and entry.name.endswith(".md")):
            problem(
                Path(entry.path),
                "unexpected-file",
                "annotations/ holds <doc_id>.json (gold), layers/, adjudication/ and Markdown "
                "documentation",
            )

    documents = inventory.texts | inventory.metas
    for missing in sorted(inventory.texts - inventory.metas):
        problem(
            layout.meta_path(missing),
            "missing-meta",
            f"raw/{missing}.txt has no provenance file raw/{missing}.meta.json",
        )
    for missing in sorted(inventory.metas - inventory.texts):
        problem(layout.text_path(missing), "missing-text", "this document's raw text is missing")
    for path_of, ids in (
        (layout.gold_path, inventory.gold),
        (layout.adjudication_path, inventory.adjudication),
    ):
        for orphan in sorted(ids - documents):
            problem(
                path_of(orphan),
                "orphan-annotation",
                f"annotations for {orphan!r}, but raw/ has no such document",
            )
    for annotator, ids in sorted(inventory.layers.items()):
        for orphan in sorted(ids - documents):
            problem(
                layout.layer_path(annotator, orphan),
                "orphan-annotation",
                f"annotations for {orphan!r}, but raw/ has no such document",
            )
    inventory.doc_ids = sorted(documents)
    inventory.problems.sort(key=Problem.sort_key)  # found in the file system's order
    return inventory


def _scan_layers(layout, inventory, doc_id, problem) -> None:
    for annotator_dir in sorted(_entries(layout.layers_dir), key=lambda e: e.name):
        if not annotator_dir.is_dir() or not ANNOTATOR_ID.fullmatch(annotator_dir.name):
            problem(
                Path(annotator_dir.path),
                "unsafe-id",
                "layers/ holds one directory per annotator, named by a safe annotator id "
                "(lowercase letters, digits, '_', '-', '.')",
            )
            continue
        ids = inventory.layers.setdefault(annotator_dir.name, set())
        for entry in _entries(Path(annotator_dir.path)):
            if entry.is_file() and entry.name.endswith(ANNOTATION_SUFFIX):
                if (found := doc_id(entry, ANNOTATION_SUFFIX)) is not None:
                    ids.add(found)
            else:
                problem(
                    Path(entry.path),
                    "unexpected-file",
                    "a layer directory holds <doc_id>.json files",
                )


def _entries(directory: Path) -> Iterator[os.DirEntry]:
    """The entries of a directory, hidden files left out, in the file system's order; none if
    it is absent. They are not kept: `raw/` of a corpus of 100,000 documents has 200,000
    entries, which as a sorted list cost `validate` 40 MB at its peak, and the inventory's
    sets have no order."""
    if not directory.is_dir():
        return
    with os.scandir(directory) as it:
        for entry in it:
            if not entry.name.startswith("."):
                yield entry
