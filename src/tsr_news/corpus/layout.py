"""Where the corpus keeps what: file names, safe ids, and the inventory of a corpus directory.

    raw/<doc_id>.txt                               verbatim article text
    raw/<doc_id>.meta.json                         provenance
    annotations/<doc_id>.json                      gold
    annotations/layers/<annotator>/<doc_id>.json   one annotator's work
    annotations/adjudication/<doc_id>.json         conflicts between layers and their resolutions

Only names matching the id patterns of the schemas are ever turned into paths, so no id read
from a file or an export can point outside the corpus; and the listing admits no symbolic link
that leads out of it (`_Survey.entries`): what is validated and published is the corpus's own
files, not whatever a link names (a raw text linked to a system file, with a matching hash,
was once published as an article).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tsr_news.checks.problems import Problem
from tsr_news.common.files import inside, output_dir, printable
from tsr_news.scheme.schemas import ANNOTATION_SCHEMA, META_SCHEMA, load_schema

DOC_ID = re.compile(load_schema(META_SCHEMA)["$defs"]["id"]["pattern"])
ANNOTATOR_ID = re.compile(load_schema(ANNOTATION_SCHEMA)["$defs"]["annotator_id"]["pattern"])

TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"
ANNOTATION_SUFFIX = ".json"
SUFFIXES = (META_SUFFIX, TEXT_SUFFIX, ANNOTATION_SUFFIX)  # longest first: .meta.json ends in .json


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

    def output(self, path: Path) -> Path:
        """`path`, a file about to be written into the corpus, if its directory is inside the
        corpus; else a UsageError (a layer or adjudication directory linked elsewhere would
        have the file written there: `files.output_dir`)."""
        output_dir(path.parent, base=self.root)
        return path


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
        return [p for p in self.problems if _doc_of_name(p.path.rsplit("/", 1)[-1]) in wanted]


def _doc_of_name(name: str) -> str:
    """The document a file name concerns: the name less its corpus suffix, if it has one."""
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def scan(layout: Layout) -> Inventory:
    """List the corpus directory once: documents, annotation files, stray and unsafe names."""
    survey = _Survey(layout)
    for entry in survey.entries(layout.raw_dir):
        survey.raw(entry.path, entry.name, entry.is_file)
    survey.documents_known()
    for entry in survey.entries(layout.annotations_dir):
        within = survey.annotations(entry.path, entry.name, entry.is_file, entry.is_dir)
        if within == "layers":
            for annotator, directory in survey.annotator_dirs():
                for inner in survey.entries(directory):
                    survey.layer(annotator, inner.path, inner.name, inner.is_file)
        elif within == "adjudication":
            for inner in survey.entries(layout.adjudication_dir):
                survey.adjudication(inner.path, inner.name, inner.is_file)
    return survey.inventory()


def scan_documents(layout: Layout, doc_ids: Iterable[str]) -> Inventory:
    """What `scan` finds of these documents (`Inventory.only` of the ids the corpus holds,
    with `problems_for` them), found by looking up by name every entry that would concern
    them rather than listing the corpus: validating one file of 100,000 documents need not
    list 300,000 names. Each entry found is judged as `scan` judges it (`_Survey`)."""
    survey = _Survey(layout)
    doc_ids = sorted(set(doc_ids))
    for e in survey.look_up(layout.raw_dir, doc_ids):
        survey.raw(e.path, e.name, e.is_file)
    survey.documents_known()
    for e in survey.look_up(layout.annotations_dir, doc_ids):
        survey.annotations(e.path, e.name, e.is_file, e.is_dir)
    for e in survey.look_up(layout.adjudication_dir, doc_ids):
        survey.adjudication(e.path, e.name, e.is_file)
    for annotator, directory in survey.annotator_dirs():
        for e in survey.look_up(directory, doc_ids):
            survey.layer(annotator, e.path, e.name, e.is_file)
    inventory = survey.inventory()
    inventory.layers = {a: has for a, has in inventory.layers.items() if any(has)}
    # less the problems of unsafe annotator directories, which concern no document here
    inventory.problems = inventory.problems_for(doc_ids)
    return inventory


class _Entry(NamedTuple):
    path: str
    name: str
    is_file: bool
    is_dir: bool


def _listable(name: str) -> bool:
    """Whether `name` could be listed as an entry by `_Survey.entries` (a name, not a path)."""
    return bool(name) and not name.startswith(".") and "/" not in name and "\0" not in name


class _Survey:
    """An inventory in the making, and the judgement of each directory entry found: the one
    place that says what a name in raw/ or annotations/ means, whether the corpus was listed
    (`scan`) or a few documents' entries were looked up (`scan_documents`)."""

    def __init__(self, layout: Layout):
        if not layout.raw_dir.is_dir():
            raise NotACorpus(f"{layout.root} is not a corpus: it has no raw/ directory")
        self._layout = layout
        self._inventory = Inventory()
        self._documents: dict[str, int] = {}  # doc_id -> TEXT | META, until documents_known

    def entries(self, directory: Path | str) -> Iterator[_Entry]:
        """The entries of a directory, hidden files left out, in the file system's order; none
        if it is absent. They are not kept: `raw/` of a corpus of 100,000 documents has 200,000
        entries, which as a sorted list cost `validate` 40 MB at its peak; the inventory is
        sorted by document. What leaves the corpus is reported, not listed (`_admitted`)."""
        if not os.path.isdir(directory) or not self._admitted(directory):
            return
        with os.scandir(directory) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink() and not self._admitted(entry.path):
                    continue
                try:
                    yield _Entry(entry.path, entry.name, entry.is_file(), entry.is_dir())
                except OSError as error:  # a symbolic link loop, say: name the entry
                    raise OSError(error.errno, error.strerror, entry.path) from None

    def look_up(self, directory: Path, doc_ids: list[str]) -> Iterator[_Entry]:
        """Each entry of `directory` that concerns one of `doc_ids` (its name is the id, with
        or without a corpus suffix: `_doc_of_name`), as `entries` would list it."""
        if not os.path.isdir(directory) or not self._admitted(directory):
            return
        for doc_id in doc_ids:
            for name in (doc_id, *(doc_id + suffix for suffix in SUFFIXES)):
                if not _listable(name) or _doc_of_name(name) != doc_id:
                    continue
                path = os.path.join(directory, name)
                if os.path.lexists(path) and (not os.path.islink(path) or self._admitted(path)):
                    yield _Entry(path, name, os.path.isfile(path), os.path.isdir(path))

    def _admitted(self, path: Path | str) -> bool:
        """Whether `path` stays inside the corpus, every symbolic link followed; if not, it is
        reported (outside-corpus). Only links can lead out, so only they and the directories
        listed are resolved: a `realpath` for each of 300,000 files would cost seconds."""
        if inside(self._layout.root, path):
            return True
        self._problem(
            path,
            "outside-corpus",
            f"a symbolic link to {printable(os.path.realpath(path))}, outside the corpus: the "
            "corpus holds its own files only (put the file itself here, or remove the link)",
        )
        return False

    def inventory(self) -> Inventory:
        self._inventory.problems.sort(key=Problem.sort_key)  # found in the file system's order
        return self._inventory

    def raw(self, path: str, name: str, is_file: bool) -> None:
        if is_file and name.endswith(META_SUFFIX):
            kind, suffix = META, META_SUFFIX
        elif is_file and name.endswith(TEXT_SUFFIX):
            kind, suffix = TEXT, TEXT_SUFFIX
        else:
            self._problem(
                path, "unexpected-file", "raw/ holds only <doc_id>.txt and <doc_id>.meta.json"
            )
            return
        if (found := self._doc_id(path, name, suffix)) is not None:
            # the first file's name of an id is kept, the other's dropped: one string per id
            self._documents[found] = self._documents.get(found, 0) | kind

    def documents_known(self) -> None:
        """raw/ is surveyed: fix the documents, and report those missing a file."""
        inventory, layout = self._inventory, self._layout
        inventory.doc_ids = sorted(self._documents)
        inventory.files = bytearray(self._documents[d] for d in inventory.doc_ids)
        self._documents = {}
        for found, kinds in zip(inventory.doc_ids, inventory.files, strict=True):
            if not kinds & META:
                self._problem(
                    layout.meta_path(found),
                    "missing-meta",
                    f"raw/{found}.txt has no provenance file raw/{found}.meta.json",
                )
            if not kinds & TEXT:
                self._problem(
                    layout.text_path(found), "missing-text", "this document's raw text is missing"
                )

    def annotations(self, path: str, name: str, is_file: bool, is_dir: bool) -> str | None:
        """An entry of annotations/: "layers" or "adjudication" if it is that directory (its
        entries are surveyed by `annotator_dirs`, `layer` and `adjudication`), else None."""
        if is_dir and name in ("layers", "adjudication"):
            return name
        if is_file and name.endswith(ANNOTATION_SUFFIX):
            if (i := self._position(path, name)) is not None:
                self._inventory.files[i] |= GOLD
        elif not (is_file and name.endswith(".md")):
            self._problem(
                path,
                "unexpected-file",
                "annotations/ holds <doc_id>.json (gold), layers/, adjudication/ and Markdown "
                "documentation",
            )
        return None

    def adjudication(self, path: str, name: str, is_file: bool) -> None:
        if is_file and name.endswith(ANNOTATION_SUFFIX):
            # not read by the loader: only its name is checked (safe, of a document)
            self._position(path, name)
        else:
            self._problem(
                path,
                "unexpected-file",
                "adjudication/ holds <doc_id>.json files written by tsr-news adjudicate",
            )

    def annotator_dirs(self) -> Iterator[tuple[str, Path]]:
        """Each annotator and their directory in layers/, by name; other entries reported."""
        for entry in sorted(self.entries(self._layout.layers_dir), key=lambda e: e.name):
            if entry.is_dir and ANNOTATOR_ID.fullmatch(entry.name):
                self._inventory.layers.setdefault(
                    entry.name, bytearray(len(self._inventory.doc_ids))
                )
                yield entry.name, Path(entry.path)
            else:
                self._problem(
                    entry.path,
                    "unsafe-id",
                    "layers/ holds one directory per annotator, named by a safe annotator id "
                    "(lowercase letters, digits, '_', '-', '.')",
                )

    def layer(self, annotator: str, path: str, name: str, is_file: bool) -> None:
        if is_file and name.endswith(ANNOTATION_SUFFIX):
            if (i := self._position(path, name)) is not None:
                self._inventory.layers[annotator][i] = 1
        else:
            self._problem(path, "unexpected-file", "a layer directory holds <doc_id>.json files")

    def _problem(self, path: Path | str, code: str, message: str) -> None:
        where = printable(self._layout.relative(Path(path)))  # a name may not be UTF-8
        problem = Problem(where, None, "", code, message)
        self._inventory.problems.append(problem)

    def _doc_id(self, path: str, name: str, suffix: str) -> str | None:
        stem = name[: -len(suffix)]
        if DOC_ID.fullmatch(stem):
            return stem
        self._problem(
            path,
            "unsafe-id",
            f"{stem!r} is not a safe document id: use 3-64 lowercase letters, digits, '_' or '-', "
            "starting with a letter or digit",
        )
        return None

    def _position(self, path: str, name: str) -> int | None:
        """The position of the document an annotation file is of; None (reported) if none."""
        found = self._doc_id(path, name, ANNOTATION_SUFFIX)
        if found is None:
            return None
        i = self._inventory.position(found)
        if i is None:
            self._problem(
                path,
                "orphan-annotation",
                f"annotations for {found!r}, but raw/ has no such document",
            )
        return i
