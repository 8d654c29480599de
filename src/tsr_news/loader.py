"""The one loader: reads corpus files into the typed model, validating as it goes.

Documents are read one at a time (`Corpus.documents` is a generator), so checking or building
N documents holds one document in memory, plus one (cluster, split) pair per document for the
corpus-wide split check. Each file goes through: bytes -> UTF-8 -> JSON -> JSON Schema ->
typed object -> semantic checks. A file that fails a stage is not taken further, and a document
with any problem yields no `Document`: downstream code only ever sees valid data.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tsr_news import checks, schemaerrors
from tsr_news.jsonpointer import line_of
from tsr_news.layout import Inventory, Layout, scan
from tsr_news.model import AnnotationFile, Document, DocumentMeta, from_json
from tsr_news.problems import Problem
from tsr_news.schemas import ANNOTATION_SCHEMA, META_SCHEMA, taxonomy, validator

UTF8_BOM = b"\xef\xbb\xbf"


class UnknownDocument(Exception):
    """A document id that the corpus does not hold."""


class InvalidDocuments(Exception):
    """Selected documents failed validation; `problems` says how."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the selected documents")
        self.problems = problems


@dataclass
class LoadedDocument:
    doc_id: str
    document: Document | None
    problems: list[Problem]
    files: int


@dataclass
class _JsonFile:
    """One JSON file being read: its relative path, its source text and the problems found."""

    path: str
    problems: list[Problem]
    source: str | None = None

    def report(self, finding: checks.Finding) -> None:
        line = line_of(self.source, finding.pointer) if self.source is not None else None
        self.problems.append(
            Problem(self.path, line, finding.pointer, finding.code, finding.message)
        )

    def report_all(self, findings: list[checks.Finding]) -> bool:
        """Report every finding; whether there were any."""
        for finding in findings:
            self.report(finding)
        return bool(findings)


@dataclass
class Corpus:
    """A corpus directory: its layout, its inventory, and a streaming reader of its documents."""

    root: Path
    layout: Layout = field(init=False)
    inventory: Inventory = field(init=False)
    _splits: dict[str, tuple[str, str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.layout = Layout(self.root)
        self.inventory = scan(self.layout)

    def documents(self, only: Iterable[str] | None = None) -> Iterator[LoadedDocument]:
        """Load and check each document (all, or those named in `only`), in doc_id order."""
        doc_ids = self.inventory.doc_ids if only is None else sorted(set(only))
        for doc_id in doc_ids:
            yield self._load(doc_id)

    def valid_documents(self, only: Iterable[str] | None = None) -> list[Document]:
        """The selected documents, for commands that need valid data to work on.

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
            if loaded.document is not None:
                documents.append(loaded.document)
        if problems:
            raise InvalidDocuments(problems)
        return documents

    def corpus_problems(self, only: Iterable[str] | None = None) -> list[Problem]:
        """Problems across documents: the inventory's, and story clusters straddling splits.

        Call after `documents` has run over the same selection; for a partial selection the
        other documents' metadata is read just far enough to learn their cluster and split.
        """
        selected = self.inventory.doc_ids if only is None else sorted(set(only))
        problems = (
            self.inventory.problems_for(selected)
            if only is not None
            else list(self.inventory.problems)
        )
        clusters = {self._splits[d][0] for d in selected if d in self._splits}
        if only is not None:
            for doc_id in self.inventory.doc_ids:
                if doc_id not in self._splits:
                    peeked = _peek_cluster(self.layout.meta_path(doc_id))
                    if peeked and peeked[0] in clusters:
                        self._splits[doc_id] = peeked
        return problems + self._straddling(clusters)

    def _straddling(self, clusters: set[str]) -> list[Problem]:
        members: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for doc_id, (cluster, split) in sorted(self._splits.items()):
            if cluster in clusters:
                members[cluster][split].append(doc_id)
        problems = []
        for cluster, by_split in sorted(members.items()):
            if len(by_split) < 2:
                continue
            summary = "; ".join(f"{s}: {', '.join(ids)}" for s, ids in sorted(by_split.items()))
            for ids in by_split.values():
                for doc_id in ids:
                    problems.append(
                        Problem(
                            self.layout.relative(self.layout.meta_path(doc_id)),
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
        files = 0
        meta = text = text_sha256 = None

        if doc_id in self.inventory.texts:
            files += 1
            text_path = layout.text_path(doc_id)
            data = text_path.read_bytes()
            text_sha256 = hashlib.sha256(data).hexdigest()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                problems.append(_utf8_problem(layout.relative(text_path), data, error))

        if doc_id in self.inventory.metas:
            files += 1
            source = _JsonFile(layout.relative(layout.meta_path(doc_id)), problems)
            data = _read_json(layout.meta_path(doc_id), source)
            if data is not None and not source.report_all(schema_findings(data, META_SCHEMA)):
                meta = from_json(DocumentMeta, data)
                self._splits[doc_id] = (meta.story_cluster, meta.split)
                for finding in checks.check_meta(meta, doc_id, text_sha256):
                    source.report(finding)

        gold = None
        if doc_id in self.inventory.gold:
            files += 1
            gold = self._annotations(
                layout.gold_path(doc_id), doc_id, None, text, text_sha256, problems
            )
        layers = {}
        for annotator in self.inventory.annotators_of(doc_id):
            files += 1
            path = layout.layer_path(annotator, doc_id)
            layer = self._annotations(path, doc_id, annotator, text, text_sha256, problems)
            if layer is not None:
                layers[annotator] = layer

        document = None
        if not problems and meta is not None and text is not None:
            document = Document(meta=meta, text=text, gold=gold, layers=layers)
        return LoadedDocument(doc_id, document, problems, files)

    def _annotations(self, path, doc_id, annotator, text, text_sha256, problems):
        source = _JsonFile(self.layout.relative(path), problems)
        data = _read_json(path, source)
        if data is None:
            return None
        annotations, findings = check_annotation_data(
            data, doc_id=doc_id, annotator=annotator, text=text, text_sha256=text_sha256
        )
        source.report_all(findings)
        return annotations


def check_annotation_data(
    data: object, *, doc_id: str, annotator: str | None, text: str | None, text_sha256: str | None
) -> tuple[AnnotationFile | None, list[checks.Finding]]:
    """The one path every annotation takes, read from a file or converted from Label Studio:
    the schema, then the typed model, then the semantic checks. The file, if it passed all."""
    findings = schema_findings(data, ANNOTATION_SCHEMA)
    if findings:
        return None, findings
    annotations = AnnotationFile.from_json(data)
    findings = list(
        checks.check_annotations(
            annotations,
            doc_id=doc_id,
            text=text,
            text_sha256=text_sha256,
            taxonomy=taxonomy(),
            annotator=annotator,
        )
    )
    return (None if findings else annotations), findings


def _read_json(path: Path, source: _JsonFile) -> object | None:
    """Read and decode one JSON file; None (with problems reported) if it fails."""
    data = path.read_bytes()
    if data.startswith(UTF8_BOM):
        source.report(
            checks.Finding(
                "",
                "utf8-bom",
                "file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM",
            )
        )
        return None
    try:
        source.source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        source.problems.append(_utf8_problem(source.path, data, error))
        return None
    try:
        value = json.loads(source.source)
    except json.JSONDecodeError as error:
        # the parser ran out of text: at the end, or inside a string never closed
        truncated = error.pos >= len(source.source.rstrip()) or error.msg.startswith(
            "Unterminated string"
        )
        message = (
            f"the file ends before its JSON is complete (truncated?): {error.msg}"
            if truncated
            else f"not valid JSON: {error.msg} (column {error.colno})"
        )
        source.problems.append(
            Problem(
                source.path,
                error.lineno,
                "",
                "json-truncated" if truncated else "json-syntax",
                message,
            )
        )
        return None
    return value


def schema_findings(value: object, schema: str) -> list[checks.Finding]:
    """The schema's complaints about a JSON value, in document order, phrased for people."""
    errors = sorted(
        validator(schema).iter_errors(value), key=lambda e: list(map(str, e.absolute_path))
    )
    return [finding for error in errors for finding in schemaerrors.findings(error)]


def _utf8_problem(path: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    line = data.count(b"\n", 0, error.start) + 1
    return Problem(
        path,
        line,
        "",
        "utf8-invalid",
        f"not valid UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} "
        f"({error.reason}); files are UTF-8",
    )


def _peek_cluster(meta_path: Path) -> tuple[str, str] | None:
    """A document's (story_cluster, split), read without validating; None if unreadable."""
    try:
        data = json.loads(meta_path.read_bytes())
        return (data["story_cluster"], data["split"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
