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
from bisect import bisect_left
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


# What a document has on disk, a bit each: one small int per document, rather than a set of
# ids per kind of file (three sets of 100,000 ids, and the interning of their strings, cost
# `validate` 16 MB).
TEXT, META, GOLD = 1, 2, 4


@dataclass
class Inventory:
    """What a corpus directory holds, by document, and what it holds that it should not.

    The documents are the ids with a raw text or metadata file, sorted; what each has is in
    flags at the same position (`files`; for each annotator, `layers`), so the inventory of
    a corpus holds little more than its document ids. An annotation file of no document is a
    problem (orphan-annotation), not part of the inventory."""

    doc_ids: list[str] = field(default_factory=list)
    files: bytearray = field(default_factory=bytearray)  # TEXT | META | GOLD
    layers: dict[str, bytearray] = field(default_factory=dict)  # annotator -> 1: has a layer
    problems: list[Problem] = field(default_factory=list)

    def position(self, doc_id: str) -> int | None:
        """Where `doc_id` is in `doc_ids`; None if the corpus has no such document."""
        i = bisect_left(self.doc_ids, doc_id)
        return i if i < len(self.doc_ids) and self.doc_ids[i] == doc_id else None

    def kinds(self, doc_id: str) -> int:
        """The flags of the document's files (0 for an unknown id)."""
        i = self.position(doc_id)
        return 0 if i is None else self.files[i]

    def annotators_of(self, doc_id: str) -> list[str]:
        i = self.position(doc_id)
        return [] if i is None else [a for a, has in sorted(self.layers.items()) if has[i]]

    def files_of(self, doc_id: str) -> list[str]:
        """The names of the document's files, in the order the loader reads them."""
        kinds = self.kinds(doc_id)
        names = [Layout.text_name(doc_id)] if kinds & TEXT else []
        names += [Layout.meta_name(doc_id)] if kinds & META else []
        names += [Layout.gold_name(doc_id)] if kinds & GOLD else []
        return names + [Layout.layer_name(a, doc_id) for a in self.annotators_of(doc_id)]

    def only(self, doc_ids: Iterable[str]) -> Inventory:
        """The inventory of these documents alone (their problems left out): what a worker
        process needs to load them, far smaller than the whole corpus's. An id the corpus
        does not hold stays, with no files."""
        doc_ids = sorted(doc_ids)
        positions = [self.position(doc_id) for doc_id in doc_ids]

        def pick(flags: bytearray) -> bytearray:
            return bytearray(0 if i is None else flags[i] for i in positions)

        layers = {a: pick(has) for a, has in self.layers.items()}
        return Inventory(doc_ids, pick(self.files), {a: h for a, h in layers.items() if any(h)})

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

    def problem(path: Path | str, code: str, message: str) -> None:
        inventory.problems.append(Problem(layout.relative(Path(path)), None, "", code, message))

    def doc_id(entry: os.DirEntry, suffix: str) -> str | None:
        stem = entry.name[: -len(suffix)]
        if DOC_ID.fullmatch(stem):
            return stem
        problem(
            entry.path,
            "unsafe-id",
            f"{stem!r} is not a safe document id: use 3-64 lowercase letters, digits, '_' or '-', "
            "starting with a letter or digit",
        )
        return None

    def position(entry: os.DirEntry, suffix: str) -> int | None:
        """The position of the document an annotation file is of; None (reported) if none."""
        found = doc_id(entry, suffix)
        if found is None:
            return None
        i = inventory.position(found)
        if i is None:
            problem(
                entry.path,
                "orphan-annotation",
                f"annotations for {found!r}, but raw/ has no such document",
            )
        return i

    documents = _scan_raw(layout, doc_id, problem)
    inventory.doc_ids = sorted(documents)
    inventory.files = bytearray(documents[d] for d in inventory.doc_ids)
    del documents
    for found, kinds in zip(inventory.doc_ids, inventory.files, strict=True):
        if not kinds & META:
            problem(
                layout.meta_path(found),
                "missing-meta",
                f"raw/{found}.txt has no provenance file raw/{found}.meta.json",
            )
        if not kinds & TEXT:
            problem(layout.text_path(found), "missing-text", "this document's raw text is missing")

    for entry in _entries(layout.annotations_dir):
        if entry.is_dir() and entry.name == "layers":
            _scan_layers(layout, inventory, position, problem)
        elif entry.is_dir() and entry.name == "adjudication":
            for inner in _entries(layout.adjudication_dir):
                if inner.is_file() and inner.name.endswith(ANNOTATION_SUFFIX):
                    # not read by the loader: only its name is checked (safe, of a document)
                    position(inner, ANNOTATION_SUFFIX)
                else:
                    problem(
                        inner.path,
                        "unexpected-file",
                        "adjudication/ holds <doc_id>.json files written by tsr-news adjudicate",
                    )
        elif entry.is_file() and entry.name.endswith(ANNOTATION_SUFFIX):
            if (i := position(entry, ANNOTATION_SUFFIX)) is not None:
                inventory.files[i] |= GOLD
        elif not (entry.is_file() and entry.name.endswith(".md")):
            problem(
                entry.path,
                "unexpected-file",
                "annotations/ holds <doc_id>.json (gold), layers/, adjudication/ and Markdown "
                "documentation",
            )
    inventory.problems.sort(key=Problem.sort_key)  # found in the file system's order
    return inventory


def _scan_raw(layout, doc_id, problem) -> dict[str, int]:
    """Each document id in raw/, and the flags of its files there (TEXT, META)."""
    documents: dict[str, int] = {}
    for entry in _entries(layout.raw_dir):
        if entry.is_file() and entry.name.endswith(META_SUFFIX):
            kind, suffix = META, META_SUFFIX
        elif entry.is_file() and entry.name.endswith(TEXT_SUFFIX):
            kind, suffix = TEXT, TEXT_SUFFIX
        else:
            problem(
                entry.path,
                "unexpected-file",
                "raw/ holds only <doc_id>.txt and <doc_id>.meta.json",
            )
            continue
        if (found := doc_id(entry, suffix)) is not None:
            # the first file's name of an id is kept, the other's dropped: one string per id
            documents[found] = documents.get(found, 0) | kind
    return documents


def _scan_layers(layout, inventory, position, problem) -> None:
    for annotator_dir in sorted(_entries(layout.layers_dir), key=lambda e: e.name):
        if not annotator_dir.is_dir() or not ANNOTATOR_ID.fullmatch(annotator_dir.name):
            problem(
                annotator_dir.path,
                "unsafe-id",
                "layers/ holds one directory per annotator, named by a safe annotator id "
                "(lowercase letters, digits, '_', '-', '.')",
            )
            continue
        has = inventory.layers.setdefault(annotator_dir.name, bytearray(len(inventory.doc_ids)))
        for entry in _entries(Path(annotator_dir.path)):
            if entry.is_file() and entry.name.endswith(ANNOTATION_SUFFIX):
                if (i := position(entry, ANNOTATION_SUFFIX)) is not None:
                    has[i] = 1
            else:
                problem(
                    entry.path, "unexpected-file", "a layer directory holds <doc_id>.json files"
                )


def _entries(directory: Path) -> Iterator[os.DirEntry]:
    """The entries of a directory, hidden files left out, in the file system's order; none if
    it is absent. They are not kept: `raw/` of a corpus of 100,000 documents has 200,000
    entries, which as a sorted list cost `validate` 40 MB at its peak; the inventory is
    sorted by document."""
    if not directory.is_dir():
        return
    with os.scandir(directory) as it:
        for entry in it:
            if not entry.name.startswith("."):
                yield entry
