"""The one loader: reads corpus files, validating as it goes.

Documents are read one at a time (`Corpus.documents` is a generator), or a chunk at a time
(`Corpus.map_batches`), so checking or building N documents holds a few documents in memory,
plus each document's cluster and split for the corpus-wide split check (`StorySplits`).
Each file goes through: bytes -> JSON -> JSON Schema -> semantic checks. A file that fails a
stage is not taken further, and a document with any problem yields no `Document`: downstream
code only ever sees valid data. The typed `Document` is built only when asked for
(`LoadedDocument.document`): validating and building a release work on the checked JSON
values themselves, which is several times faster.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import NamedTuple, TypeVar

import orjson

from tsr_news.checks import schemaerrors
from tsr_news.checks import semantic as checks
from tsr_news.checks.explainer import explain
from tsr_news.checks.jsonfile import Unreadable, read_json, utf8_problem
from tsr_news.checks.jsonpointer import lines_of, pointer
from tsr_news.checks.problems import Problem
from tsr_news.common.files import read_regular
from tsr_news.common.interrupt import leave_stopping_to_parent, signals_held
from tsr_news.corpus import fingerprints
from tsr_news.corpus.fingerprints import Fingerprint
from tsr_news.corpus.layout import GOLD, META, TEXT, Inventory, Layout, scan
from tsr_news.corpus.prefetch import Prefetcher
from tsr_news.corpus.splits import StorySplits
from tsr_news.scheme.model import (
    AnnotationFile,
    Document,
    DocumentMeta,
    from_json,
    human_annotators,
)
from tsr_news.scheme.schemas import (
    ANNOTATION_SCHEMA,
    META_SCHEMA,
    fast_validator,
    taxonomy,
)

R = TypeVar("R")


class UnknownDocument(Exception):
    """A document id that the corpus does not hold."""


class InvalidDocuments(Exception):
    """Selected documents failed validation; `problems` says how."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the selected documents")
        self.problems = problems


@dataclass
class LoadedDocument:
    """One document as read: its checked JSON values, or the problems that stopped it."""

    doc_id: str
    problems: list[Problem]
    files: int
    meta: dict | None = None
    text: str | None = None
    gold: dict | None = None
    layers: dict[str, dict] = field(default_factory=dict)
    # what was read of each of its files, in the order read, if its corpus records that (a
    # build does, so that the next build can tell whether anything changed: `release.inputs`)
    fingerprints: list[Fingerprint] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and self.meta is not None and self.text is not None

    @property
    def human_annotators(self) -> list[str]:
        """The annotators whose layers here are all human work (`Document.human_annotators`)."""
        return human_annotators(
            {a: [layer["origin"] for layer in d["layers"].values()] for a, d in self.layers.items()}
        )

    @cached_property
    def document(self) -> Document | None:
        """The typed document, if valid (built on first use)."""
        if not self.valid:
            return None
        return Document(
            meta=from_json(DocumentMeta, self.meta),
            text=self.text,
            gold=AnnotationFile.from_json(self.gold) if self.gold is not None else None,
            layers={a: AnnotationFile.from_json(d) for a, d in self.layers.items()},
        )


@dataclass
class _JsonFile:
    """One JSON file being read: its relative path, its bytes and the problems found.

    The bytes are decoded to text only to report a problem (its line number); a valid file
    is parsed straight from bytes."""

    path: str
    problems: list[Problem]
    data: bytes | None = None
    _source: str | None = None

    def report_all(self, findings: list[checks.Finding]) -> bool:
        """Report every finding, their lines found in one walk of the file; whether there
        were any."""
        if findings and self._source is None and self.data is not None:
            self._source = self.data.decode("utf-8")  # once per file, however many findings
        lines = (
            lines_of(self._source, (f.pointer for f in findings))
            if self._source is not None
            else {}
        )
        for finding in findings:
            self.problems.append(
                Problem(
                    self.path,
                    lines.get(finding.pointer),
                    finding.pointer,
                    finding.code,
                    finding.message,
                )
            )
        return bool(findings)


@dataclass
class Corpus:
    """A corpus directory: its layout, its inventory, and a streaming reader of its documents.

    `inventory` is scanned from the directory unless given (`validate` of a few paths looks up
    just their documents' entries: `layout.scan_documents`; worker processes receive the part
    of their parent's that concerns their chunk, rather than listing 100,000s of files again).
    With `record_fingerprints`, each document notes the fingerprint of every file read (its
    sha256 and stat identity: `LoadedDocument.fingerprints`); only a build needs them, and
    hashing every file cost validating about 7% of its time."""

    root: Path
    inventory: Inventory | None = None
    record_fingerprints: bool = False
    layout: Layout = field(init=False)

    def __post_init__(self) -> None:
        self.layout = Layout(self.root)
        if self.inventory is None:
            self.inventory = scan(self.layout)
        self._splits = StorySplits(self.inventory)
        self._root = os.fspath(self.root)

    def documents(self, only: Iterable[str] | None = None) -> Iterator[LoadedDocument]:
        """Load and check each document (all, or those named in `only`), in doc_id order."""
        doc_ids = self.inventory.doc_ids if only is None else sorted(set(only))
        for doc_id in doc_ids:
            yield self._load(doc_id)

    def map(
        self,
        work: Callable[[LoadedDocument], R],
        only: Iterable[str] | None = None,
        jobs: int = 1,
    ) -> Iterator[R]:
        """`work(document)` for each selected document, in doc_id order, on `jobs` processes
        (`map_batches`, one document at a time)."""
        for results in self.map_batches(partial(_each, work), only, jobs):
            yield from results

    def map_batches(
        self,
        work: Callable[[list[LoadedDocument]], R],
        only: Iterable[str] | None = None,
        jobs: int = 1,
        size: int | None = None,
    ) -> Iterator[R]:
        """`work(documents)` for each run of `size` (default `CHUNK_DOCUMENTS`) selected
        documents, in doc_id order, on `jobs` processes.

        Loading and checking dominate the cost of every whole-corpus command, and documents
        are independent, so they are spread over worker processes in chunks; results come
        back in doc_id order, so the output is the same for any number of jobs. Work that
        pays a fixed cost per call (converting rows to Arrow, say) does it once per chunk. `work`
        must be a module-level function or a partial of one (it is pickled) and should
        return something small. Selections too small to repay starting processes run here,
        in the same chunks.
        """
        doc_ids = self.inventory.doc_ids if only is None else sorted(set(only))
        size = size or CHUNK_DOCUMENTS
        chunks = [doc_ids[i : i + size] for i in range(0, len(doc_ids), size)]
        return self._map_chunks(partial(_loaded_list, work), chunks, jobs)

    def map_ranges(
        self,
        work: Callable[[Iterator[LoadedDocument]], R],
        ranges: list[list[str]],
        jobs: int = 1,
        engine: Engine | None = None,
    ) -> Iterator[R]:
        """`work(documents)` for each of `ranges` (lists of doc ids, in doc_id order), on
        `jobs` processes, as `map_batches` does, or on `jobs` workers of `engine`;
        `documents` is an iterator that loads each document as it is asked for, so a range
        of thousands holds a few in memory."""
        if engine is None:
            return self._map_chunks(work, ranges, jobs)
        chunks = [self._chunk(doc_ids) for doc_ids in ranges]
        return (
            self._collect(*done) for done in engine(partial(_work_on_chunk, work), chunks, jobs)
        )

    def _map_chunks(
        self,
        work: Callable[[Iterator[LoadedDocument]], R],
        chunks: list[list[str]],
        jobs: int,
    ) -> Iterator[R]:
        with Prefetcher(self.root) as prefetch:
            loading = (self._chunk(doc_ids, prefetch) for doc_ids in chunks)
            documents = sum(len(doc_ids) for doc_ids in chunks)
            if jobs <= 1 or len(chunks) < 2 or documents < PARALLEL_MIN_DOCUMENTS:
                for chunk in loading:
                    yield self._collect(*_work_on_chunk(work, chunk))
                return
            context = multiprocessing.get_context(start_method())
            with ExitStack() as stack:
                with signals_held():  # a signal now would leave the pool's workers running
                    pool = stack.enter_context(context.Pool(jobs, _start_worker))
                # at most a few chunks per worker in flight: memory stays bounded when the
                # consumer (a Parquet writer, say) is slower than the workers
                pending: deque = deque()
                for chunk in loading:
                    pending.append(pool.apply_async(_work_on_chunk, (work, chunk)))
                    if len(pending) >= IN_FLIGHT_PER_JOB * jobs:
                        yield self._collect(*pending.popleft().get())
                while pending:
                    yield self._collect(*pending.popleft().get())

    def learn_splits(self, learned: Iterable[tuple[str, str, str]]) -> None:
        """Note the (doc_id, cluster, split) of documents not loaded in this pass (a build
        reusing an unchanged range knows them from its record), for `corpus_problems`."""
        for doc_id, cluster, split in learned:
            self._splits.learn(doc_id, cluster, split)

    def _chunk(self, doc_ids: list[str], prefetch: Prefetcher | None = None) -> ChunkCorpus:
        """A chunk of documents about to be loaded, their files asked for if `prefetch` is
        given (in the parallel case, several chunks ahead of the workers)."""
        inventory = self.inventory.only(doc_ids)
        if prefetch is not None:
            prefetch(name for doc_id in doc_ids for name in inventory.files_of(doc_id))
        return ChunkCorpus(self.root, inventory, self.record_fingerprints)

    def _collect(self, learned: list[tuple[str, str, str]], result: R) -> R:
        """The result for one chunk, noting the (doc_id, cluster, split) its loading learned,
        for the corpus-wide split check (`_straddling`)."""
        self.learn_splits(learned)
        return result

    def valid_documents(self, only: Iterable[str] | None = None) -> list[Document]:
        """The selected documents, typed, for commands that need valid data to work on;
        raises as `valid_loaded` does."""
        return [loaded.document for loaded in self.valid_loaded(only)]

    def valid_loaded(self, only: Iterable[str] | None = None) -> list[LoadedDocument]:
        """The selected documents as loaded, all valid.

        Raises `UnknownDocument` for an id the corpus does not hold (a usage error) and
        `InvalidDocuments` with every problem when any selected document is invalid.
        """
        if only is not None:
            unknown = sorted(set(only) - set(self.inventory.doc_ids))
            if unknown:
                raise UnknownDocument(f"no such document in {self.root}: {', '.join(unknown)}")
        documents, problems = [], []
        for loaded in self.documents(only):
            problems.extend(loaded.problems)
            if loaded.valid:
                documents.append(loaded)
        if problems:
            raise InvalidDocuments(problems)
        return documents

    def corpus_problems(
        self, only: Iterable[str] | None = None, peek: bool = True
    ) -> list[Problem]:
        """Problems across documents: the inventory's, and story clusters straddling splits.

        Call after `documents` has run over the same selection; for a partial selection the
        other documents' metadata is read just far enough to learn their cluster and split,
        unless `peek` is False (no selected metadata changed: the selection cannot have moved
        a document between splits, and reading every other metadata file would cost seconds
        on a large corpus).
        """
        selected = self.inventory.doc_ids if only is None else sorted(set(only))
        problems = (
            self.inventory.problems_for(selected)
            if only is not None
            else list(self.inventory.problems)
        )
        if only is None:
            return problems + self._straddling(None)
        clusters = self._splits.clusters_of(selected)
        if peek:
            with Prefetcher(self.root) as prefetch:
                unknown = [d for d in self._splits.unknown() if self.inventory.kinds(d) & META]
                for doc_id in prefetch.ahead(unknown, Layout.meta_name):
                    peeked = _peek_cluster(os.path.join(self._root, Layout.meta_name(doc_id)))
                    if peeked and peeked[0] in clusters:
                        self._splits.learn(doc_id, *peeked)
        return problems + self._straddling(clusters)

    def _straddling(self, clusters: set[str] | None) -> list[Problem]:
        """A problem on each document of a cluster (of `clusters`; None: all) whose documents
        are in different splits."""
        problems = []
        for cluster, by_split in sorted(self._splits.straddling(clusters).items()):
            summary = "; ".join(f"{s}: {', '.join(ids)}" for s, ids in sorted(by_split.items()))
            for ids in by_split.values():
                for doc_id in ids:
                    problems.append(
                        Problem(
                            self.layout.meta_name(doc_id),
                            None,
                            "/split",
                            "split-straddle",
                            f"story cluster {cluster!r} straddles splits ({summary}); documents "
                            "of one cluster share a split",
                        )
                    )
        return problems

    # -- one document -----------------------------------------------------------------------

    def _load(self, doc_id: str) -> LoadedDocument:
        layout, problems = self.layout, []
        loaded = LoadedDocument(doc_id, problems, 0)
        text_sha256 = None
        kinds = self.inventory.kinds(doc_id)

        if kinds & TEXT:
            loaded.files += 1
            name = layout.text_name(doc_id)
            data = self._read(name, loaded)
            text_sha256 = (
                loaded.fingerprints[-1].sha256  # a build's fingerprint has hashed it already
                if self.record_fingerprints
                else hashlib.sha256(data).hexdigest()
            )
            try:
                loaded.text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                problems.append(utf8_problem(name, data, error))

        if kinds & META:
            loaded.files += 1
            source = _JsonFile(layout.meta_name(doc_id), problems)
            data = _read_json(self._read(source.path, loaded), source)
            if data is not None and not source.report_all(schema_findings(data, META_SCHEMA)):
                loaded.meta = data
                self._splits.learn(doc_id, data["story_cluster"], data["split"])
                source.report_all(list(checks.check_meta(data, doc_id, text_sha256)))

        if kinds & GOLD:
            loaded.files += 1
            loaded.gold = self._annotations(layout.gold_name(doc_id), None, loaded, text_sha256)
        for annotator in self.inventory.annotators_of(doc_id):
            loaded.files += 1
            name = layout.layer_name(annotator, doc_id)
            layer = self._annotations(name, annotator, loaded, text_sha256)
            if layer is not None:
                loaded.layers[annotator] = layer
        return loaded

    def _read(self, name: str, loaded: LoadedDocument) -> bytes:
        """The bytes of one of `loaded`'s files, noting their fingerprint if this corpus records
        them."""
        if not self.record_fingerprints:
            return read_regular(os.path.join(self._root, name))
        data, fingerprint = fingerprints.read(self._root, name)
        loaded.fingerprints.append(fingerprint)
        return data

    def _annotations(
        self, name: str, annotator: str | None, loaded: LoadedDocument, text_sha256: str | None
    ) -> dict | None:
        """The annotation file's JSON value if it passed every check; else None."""
        source = _JsonFile(name, loaded.problems)
        data = _read_json(self._read(name, loaded), source)
        if data is None:
            return None
        findings = annotation_findings(
            data,
            doc_id=loaded.doc_id,
            annotator=annotator,
            text=loaded.text,
            text_sha256=text_sha256,
        )
        return None if source.report_all(findings) else data


def annotation_findings(
    data: object, *, doc_id: str, annotator: str | None, text: str | None, text_sha256: str | None
) -> list[checks.Finding]:
    """The one path every annotation takes, read from a file or converted from Label Studio:
    the schema, then the semantic checks (only on a file that fits the schema)."""
    return schema_findings(data, ANNOTATION_SCHEMA) or list(
        checks.check_annotations(
            data,
            doc_id=doc_id,
            text=text,
            text_sha256=text_sha256,
            taxonomy=taxonomy(),
            annotator=annotator,
        )
    )


def check_annotation_data(
    data: object, *, doc_id: str, annotator: str | None, text: str | None, text_sha256: str | None
) -> tuple[AnnotationFile | None, list[checks.Finding]]:
    """`annotation_findings`, and the typed annotation file if there are none."""
    findings = annotation_findings(
        data, doc_id=doc_id, annotator=annotator, text=text, text_sha256=text_sha256
    )
    return (None if findings else AnnotationFile.from_json(data)), findings


def _read_json(data: bytes, source: _JsonFile) -> object | None:
    """The JSON value of one file (`jsonfile.read_json`: refused unless every reader reads it
    alike); None, with the problem reported, if it is refused."""
    try:
        value = read_json(source.path, data)
    except Unreadable as refused:
        source.problems.append(refused.problem)
        return None
    source.data = data
    return value


def schema_findings(value: object, schema: str) -> list[checks.Finding]:
    """The schema's complaints about a JSON value, in document order, phrased for people.

    The fast engine (`schemas.fast_validator`) gives the verdict; only a value it rejects is
    explained by the reference validator, `jsonschema` (as `explainer.explain`, which gives the
    same errors faster, told where the fast engine found them), whose errors `schemaerrors`
    rephrases.
    Should the reference find nothing wrong where the fast engine does (their regex dialects
    differ at the edges), the fast engine's own messages are reported: the stricter verdict
    holds, and the difference is visible rather than silent.
    """
    fast = fast_validator(schema)
    if fast.is_valid(value):
        return []
    rejections = list(fast.iter_errors(value))
    errors = sorted(
        explain(schema, value, (error.instance_path for error in rejections)),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    findings = [finding for error in errors for finding in schemaerrors.findings(error)]
    return findings or [
        checks.Finding(pointer(error.instance_path), "schema-invalid", error.message)
        for error in rejections
    ]


# Worker processes of `Corpus.map_batches` load each chunk with the chunk's own inventory (so
# the corpus's is held once, in the parent). Chunks of documents keep the cost of passing them
# between processes small; a selection smaller than a few chunks per worker is not worth
# starting processes for.
CHUNK_DOCUMENTS = 64
IN_FLIGHT_PER_JOB = 4
PARALLEL_MIN_DOCUMENTS = 1000


def relax_gc() -> None:
    """Let Python's cycle collector run less often, in a process of ours (the CLI, a worker).

    Reading a corpus makes millions of small JSON values, none of them in a cycle; at the
    default threshold (700 allocations) the collector keeps re-scanning the documents in
    hand, which cost a build about a sixth of its time. Process-wide, so the library API
    leaves it to its caller."""
    gc.set_threshold(50_000, 20, 20)


def _start_worker() -> None:
    """The pool's initializer, in each worker process."""
    relax_gc()
    leave_stopping_to_parent()


def start_method() -> str:
    """How worker processes start: "fork" if this process has a single thread, else "spawn".

    A forked worker starts at once, with everything imported; a spawned one imports the
    package again (about 0.3 s each, a tenth of validating 20,000 documents). But forking a
    process with other threads can copy a lock one of them holds, so only a process that is
    known to be single-threaded forks (Linux lists its threads in /proc/self/task; `validate`
    is, and `build`, with Arrow's threads, is not); elsewhere, or when unsure, workers spawn.
    """
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return "spawn"
    return "fork" if threads == 1 else "spawn"


class ChunkCorpus(NamedTuple):
    """What a worker needs to load one chunk: the arguments of its `Corpus`, with the chunk's
    part of the corpus's inventory (small to pass between processes, unlike a `Corpus`)."""

    root: Path
    inventory: Inventory
    record_fingerprints: bool


# An engine runs `function(chunk)` for each chunk on `jobs` workers of its own, elsewhere than
# this machine's worker processes, and yields the results in the chunks' order
# (`ray_engine.ray_engine`).
Engine = Callable[[Callable[[ChunkCorpus], R], list[ChunkCorpus], int], Iterator[R]]


def _work_on_chunk(
    work: Callable[[Iterator[LoadedDocument]], R], chunk: ChunkCorpus
) -> tuple[list[tuple[str, str, str]], R]:
    """`work` on one chunk of documents, loaded as it asks for them, in a worker process or
    in the caller's; with the (doc_id, cluster, split) their loading learned, for the
    caller's cross-document check (`Corpus._collect`). `work` must take every document."""
    corpus = Corpus(*chunk)
    result = work(corpus._load(doc_id) for doc_id in chunk.inventory.doc_ids)  # learns splits
    return corpus._splits.learned(), result


def _loaded_list(
    work: Callable[[list[LoadedDocument]], R], documents: Iterator[LoadedDocument]
) -> R:
    return work(list(documents))


def _each(work: Callable[[LoadedDocument], R], documents: list[LoadedDocument]) -> list[R]:
    return [work(document) for document in documents]


def _peek_cluster(meta_path: str) -> tuple[str, str] | None:
    """A document's (story_cluster, split), read without validating; None if unreadable.
    (A path as a string: a `Path` for each of 100,000 files cost more than reading them.)"""
    try:
        data = orjson.loads(read_regular(meta_path))
        return (data["story_cluster"], data["split"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
