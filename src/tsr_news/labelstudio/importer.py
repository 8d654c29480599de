"""Import a Label Studio JSON export as annotation layers (`tsr-news ls import`, `ls pull`).

Each submitted annotation of a task becomes `annotations/layers/<annotator>/<doc_id>.json`
(origin human), after the same validation as every corpus file: the annotation JSON schema,
then `checks.check_annotations` against the raw text. Problems name the task, the annotator and
the region. An annotator's work is never half-imported or repaired: a layer with any problem is
withheld whole, and so is every layer of a task whose text is not the corpus's. One annotator's
problem does not withhold another annotator's valid layer of the same task.

Nothing is silently left out: skipped tasks (cancelled annotations), drafts never submitted,
and every withheld layer with its reason are reported. Writes are atomic and skipped when the
file already holds the same bytes, so importing the same export twice changes nothing.

An export comes from a server, or from a file someone saved: any part of it may have any JSON
type, and a wrong one is a problem naming where it is, never an exception.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tsr_news.checks import semantic as checks
from tsr_news.checks.jsonfile import Unreadable, read_json
from tsr_news.common import atomic
from tsr_news.corpus.layout import DOC_ID, Layout
from tsr_news.corpus.loader import check_annotation_data
from tsr_news.labelstudio.convert import KIND_OF, Conversion, Provenance, from_results
from tsr_news.labelstudio.people import annotator_id, changed_by_another, name, shown
from tsr_news.labelstudio.scheme import attributes
from tsr_news.labelstudio.tasks import text_mismatch
from tsr_news.scheme.model import AnnotationFile


@dataclass(frozen=True, order=True)
class ImportProblem:
    task: object
    doc_id: str | None
    annotator: str | None
    region: str | None
    code: str
    message: str

    def as_text(self) -> str:
        where = _where(self.task, self.doc_id, self.annotator, self.region)
        return f"{where}: {self.message} [{self.code}]"


@dataclass
class ImportReport:
    written: list[str] = field(default_factory=list)  # corpus-relative paths created or changed
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # tasks an annotator skipped, one line each
    drafts: list[str] = field(default_factory=list)  # drafts never submitted, one line each
    withheld: list[str] = field(default_factory=list)  # layers not written, each with its reason
    problems: list[ImportProblem] = field(default_factory=list)


LIST_OF_TASKS = (
    "a Label Studio JSON export is a list of tasks (use the full JSON export; JSON_MIN and "
    "CONLL2003 lose relations and region attributes)"
)


def tasks_of(value: object, source: str = "the export") -> list[dict]:
    """The tasks of a decoded JSON export; ValueError with a precise message if it is not one."""
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ValueError(f"{source}: {LIST_OF_TASKS}")
    return value


def read_export(path: Path) -> list[dict]:
    """The tasks of a JSON export file; ValueError with a precise message if it is not one.
    (Its numbers may be fractions: Label Studio records times in seconds.)"""
    try:
        tasks = read_json(str(path), path.read_bytes(), top=list, integers_only=False)
    except Unreadable as refused:
        raise ValueError(f"{refused}; {LIST_OF_TASKS}") from None
    return tasks_of(tasks, str(path))


def import_tasks(
    tasks: list[dict], root: Path, users: dict[int, str] | None = None
) -> ImportReport:
    """Validate every annotation of every task; write the layers without problems."""
    layout, report = Layout(root), ImportReport()
    for task in tasks:
        for annotator, layer in _Task(layout, task, users or {}, report).layers():
            path = layout.output(layout.layer_path(annotator, layer.doc_id))
            content = json.dumps(layer.to_json(), indent=2, ensure_ascii=False) + "\n"
            changed = write_atomic(path, content.encode("utf-8"))
            (report.written if changed else report.unchanged).append(layout.relative(path))
    report.problems.sort(key=lambda p: (str(p.task), p.annotator or "", p.region or "", p.code))
    return report


class _Task:
    """One task of an export: its document, drafts, annotations, and what becomes of each."""

    def __init__(self, layout: Layout, task: dict, users: dict[int, str], report: ImportReport):
        self.layout, self.users, self.report = layout, users, report
        self.id = task.get("id")
        data = task.get("data")
        self.data = data if isinstance(data, dict) else {}
        doc_id = self.data.get("doc_id")
        self.doc_id = doc_id if isinstance(doc_id, str) and DOC_ID.fullmatch(doc_id) else None
        self.task = task

    def problem(self, annotator, region, code, message) -> None:
        self.report.problems.append(
            ImportProblem(self.id, self.doc_id, annotator, region, code, message)
        )

    def withhold(self, annotator: str | None, why: str) -> None:
        where = _where(self.id, self.doc_id, annotator)
        self.report.withheld.append(f"{where}: layer withheld: {why}")

    def layers(self) -> list[tuple[str, AnnotationFile]]:
        """The (annotator, layer) pairs to write; everything else is reported."""
        self._report_drafts()
        by_annotator = self._submitted()
        document = self._document()
        if document is None:
            for who in by_annotator:
                self.withhold(who, "the task's problem above concerns every layer")
            return []
        return [
            (who, layer)
            for who, annotations in by_annotator.items()
            if (layer := self._layer(who, annotations, *document)) is not None
        ]

    def _document(self) -> tuple[str, str] | None:
        """The raw text and its sha256, if the task is for a document shown as it is."""
        doc_id = self.data.get("doc_id")
        if not isinstance(self.task.get("data"), dict):
            self.problem(None, None, "ls-document", "the task has no data object")
            return None
        if self.doc_id is None:
            self.problem(
                None, None, "ls-document", f"data.doc_id {shown(doc_id)} is not a safe document id"
            )
            return None
        text_path = self.layout.text_path(self.doc_id)
        if not text_path.is_file():
            self.problem(
                None, None, "ls-document", f"raw/{self.doc_id}.txt does not exist in this corpus"
            )
            return None
        raw = text_path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.problem(
                None, None, "utf8-invalid", f"raw/{self.doc_id}.txt is not UTF-8: run validate"
            )
            return None
        sha256 = hashlib.sha256(raw).hexdigest()
        why = text_mismatch(self.data, self.doc_id, text, sha256)
        if why:
            self.problem(
                None,
                None,
                "text-hash",
                f"{why}: the annotations' offsets cannot be trusted; re-anchor them on the "
                "current text",
            )
            return None
        return text, sha256

    def _report_drafts(self) -> None:
        drafts = self.task.get("drafts")
        for draft in drafts if isinstance(drafts, list) else []:
            if not isinstance(draft, dict):
                continue
            who = name(draft.get("user"), self.users)
            if isinstance(draft.get("annotation"), int):
                what = (
                    f"changes by {who} to annotation {draft['annotation']} were never "
                    "submitted (the submitted version is imported)"
                )
            else:
                state = "postponed" if draft.get("was_postponed") else "never submitted"
                what = f"a draft by {who} was {state}: not imported until it is submitted"
            self.report.drafts.append(f"{_where(self.id, self.doc_id)}: {what}")

    def _submitted(self) -> dict[str, list[dict]]:
        """Submitted annotations by annotator; skips and unattributable ones are reported."""
        annotations = self.task.get("annotations")
        if annotations is not None and not isinstance(annotations, list):
            self.problem(None, None, "ls-result", "the task's annotations are not a list")
            return {}
        found: dict[str, list[dict]] = defaultdict(list)
        for annotation in annotations or []:
            if not isinstance(annotation, dict):
                self.problem(
                    None, None, "ls-result", f"an annotation must be an object: {shown(annotation)}"
                )
                continue
            number = shown(annotation.get("id"))
            who, why = annotator_id(annotation.get("completed_by"), self.users)
            if annotation.get("was_cancelled"):
                by = who or name(annotation.get("completed_by"), self.users)
                self.report.skipped.append(
                    f"{_where(self.id, self.doc_id)}: skipped by {by} (annotation {number}): "
                    "nothing to import"
                )
            elif who is None:
                self.problem(None, None, "ls-annotator", why)
                self.withhold(None, f"annotation {number}: its author is unknown")
            else:
                found[who].append(annotation)
        return found

    def _layer(self, who: str, annotations: list[dict], text: str, sha256: str):
        """The annotator's layer, or None (problems and the withheld layer reported)."""
        if len(annotations) > 1:
            self.problem(
                who,
                None,
                "ls-duplicate-annotator",
                f"this annotator has {len(annotations)} annotations of the task; delete all but "
                "one",
            )
            self.withhold(who, "several annotations of one task")
            return None
        (annotation,) = annotations
        other = changed_by_another(annotation, who, self.users)
        if other is not None:
            self.problem(
                who,
                None,
                "ls-changed-by-another",
                f"annotation {shown(annotation.get('id'))} by {who} was last saved by {other}: it "
                f"is no longer {who}'s work alone; {who} can check it and submit it again (Update) "
                f"to import it, or {other} can make an annotation of their own",
            )
            self.withhold(who, f"last saved by {other}, not by its author")
            return None
        result = annotation.get("result")
        if not isinstance(result, list):
            self.problem(who, None, "ls-result", "the annotation has no result list")
            self.withhold(who, "no result list")
            return None
        conversion = from_results(
            result, doc_id=self.doc_id, text=text, text_sha256=sha256, provenance=Provenance(who)
        )
        for p in conversion.problems:
            self.problem(who, p.region, p.code, p.message)
        layer, findings = check_annotation_data(
            conversion.data, doc_id=self.doc_id, annotator=who, text=text, text_sha256=sha256
        )
        for finding in findings:
            region = conversion.region_at(finding.pointer)
            self.problem(who, region, finding.code, _explain(finding, conversion))
        count = len(conversion.problems) + len(findings)
        if count:
            codes = sorted({p.code for p in conversion.problems} | {f.code for f in findings})
            self.withhold(who, f"{count} problem(s) above ({', '.join(codes)})")
            return None
        return layer


def _where(task, doc_id, annotator=None, region=None) -> str:
    where = f"task {task if isinstance(task, int) else shown(task)}"
    if doc_id:
        where += f" ({doc_id})"
    if annotator:
        where += f", annotator {annotator}"
    if region:
        where += f", region {region}"
    return where


def _explain(finding: checks.Finding, conversion: Conversion) -> str:
    """The finding's message, with the Label Studio control to use for a missing field."""
    if finding.code != "schema-required":
        return finding.message
    match = re.fullmatch(r"missing required field '(\w+)'", finding.message)
    missing = match[1] if match else ""
    kind = finding.pointer.split("/")[2] if finding.pointer.count("/") >= 3 else ""
    for attribute in attributes():
        if attribute.field == missing and KIND_OF[attribute.region] == kind:
            return f"{finding.message}: set {attribute.control!r} on this region"
    return finding.message


def write_atomic(path: Path, content: bytes) -> bool:
    """Write `content` to `path` via a temporary file and a rename; False if already there."""
    if path.is_file() and path.read_bytes() == content:
        return False
    atomic.write_bytes(path, content)
    return True
