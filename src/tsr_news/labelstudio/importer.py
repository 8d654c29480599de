"""Import a Label Studio JSON export as annotation layers (`tsr-news ls import`).

Each non-cancelled annotation of a task becomes `annotations/layers/<annotator>/<doc_id>.json`
(origin human), after the same validation as every corpus file: the annotation JSON schema,
then `checks.check_annotations` against the raw text. Problems name the task, the annotator and
the region. A task with any problem writes nothing (an annotator's work is never half-imported
or repaired); the other tasks are imported. Writes are atomic and skipped when the file already
holds the same bytes, so importing the same export twice changes nothing.

The JSON export of Label Studio 1.23 names an annotation's author only by user number
(`completed_by`); the annotator id is the local part of that user's email, which must be a
safe annotator id. `users` maps user numbers to emails (`ls pull` fetches it from the server;
`ls import --users` reads a saved `/api/users` list).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tsr_news.checks import semantic as checks
from tsr_news.checks.jsonfile import Unreadable, read_json
from tsr_news.common import atomic
from tsr_news.corpus.layout import ANNOTATOR_ID, DOC_ID, Layout
from tsr_news.corpus.loader import check_annotation_data
from tsr_news.labelstudio.convert import KIND_OF, Conversion, Provenance, from_results
from tsr_news.labelstudio.scheme import attributes
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
        where = [f"task {self.task}"]
        if self.doc_id:
            where[0] += f" ({self.doc_id})"
        if self.annotator:
            where.append(f"annotator {self.annotator}")
        if self.region:
            where.append(f"region {self.region}")
        return f"{', '.join(where)}: {self.message} [{self.code}]"


@dataclass
class ImportReport:
    written: list[str] = field(default_factory=list)  # corpus-relative paths created or changed
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # cancelled annotations, one line each
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class _Layer:
    annotator: str
    annotation: AnnotationFile


LIST_OF_TASKS = (
    "a Label Studio JSON export is a list of tasks (use the full JSON export; JSON_MIN and "
    "CONLL2003 lose relations and region attributes)"
)


def read_export(path: Path) -> list:
    """The tasks of a JSON export; ValueError with a precise message if it is not one. (Its
    numbers may be fractions: Label Studio records times in seconds.)"""
    try:
        tasks = read_json(str(path), path.read_bytes(), top=list, integers_only=False)
    except Unreadable as refused:
        raise ValueError(f"{refused}; {LIST_OF_TASKS}") from None
    if not all(isinstance(t, dict) for t in tasks):
        raise ValueError(f"{path}: {LIST_OF_TASKS}")
    return tasks


def import_tasks(
    tasks: list[dict], root: Path, users: dict[int, str] | None = None
) -> ImportReport:
    """Validate every annotation of every task; write the layers of the tasks without problems."""
    layout, report = Layout(root), ImportReport()
    for task in tasks:
        layers, problems = _task_layers(layout, task, users or {}, report.skipped)
        report.problems.extend(problems)
        if problems:
            continue
        for layer in layers:
            path = layout.output(layout.layer_path(layer.annotator, layer.annotation.doc_id))
            content = json.dumps(layer.annotation.to_json(), indent=2, ensure_ascii=False) + "\n"
            changed = write_atomic(path, content.encode("utf-8"))
            (report.written if changed else report.unchanged).append(layout.relative(path))
    report.problems.sort(key=lambda p: (str(p.task), p.annotator or "", p.region or "", p.code))
    return report


def _task_layers(layout, task, users, skipped) -> tuple[list[_Layer], list[ImportProblem]]:
    task_id, data = task.get("id"), task.get("data") or {}
    doc_id = data.get("doc_id")
    problems: list[ImportProblem] = []

    def problem(annotator, region, code, message):
        problems.append(ImportProblem(task_id, doc_id, annotator, region, code, message))

    if not isinstance(doc_id, str) or not DOC_ID.fullmatch(doc_id):
        problem(None, None, "ls-document", f"data.doc_id {doc_id!r} is not a safe document id")
        return [], problems
    text_path = layout.text_path(doc_id)
    if not text_path.is_file():
        problem(None, None, "ls-document", f"raw/{doc_id}.txt does not exist in this corpus")
        return [], problems
    raw = text_path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problem(None, None, "utf8-invalid", f"raw/{doc_id}.txt is not UTF-8: run validate")
        return [], problems
    if data.get("text_sha256") != sha256 or data.get("text") != text:
        problem(
            None,
            None,
            "text-hash",
            f"the task was made on another text than raw/{doc_id}.txt (sha256 {sha256}, task "
            f"says {data.get('text_sha256')}): its offsets cannot be trusted; re-anchor the "
            "annotations on the current text",
        )
        return [], problems

    layers, seen = [], set()
    for annotation in task.get("annotations") or []:
        if not isinstance(annotation, dict):
            problem(None, None, "ls-result", f"an annotation must be an object: {annotation!r}")
            continue
        annotator, why = annotator_id(annotation.get("completed_by"), users)
        if annotation.get("was_cancelled"):
            skipped.append(
                f"task {task_id} ({doc_id}): annotation {annotation.get('id')} by "
                f"{annotator or annotation.get('completed_by')} was cancelled: skipped"
            )
            continue
        if annotator is None:
            problem(None, None, "ls-annotator", why)
            continue
        if annotator in seen:
            problem(
                annotator,
                None,
                "ls-duplicate-annotator",
                "this annotator has several annotations of the task; delete all but one",
            )
            continue
        seen.add(annotator)
        result = annotation.get("result")
        if not isinstance(result, list):
            problem(annotator, None, "ls-result", "the annotation has no result list")
            continue
        conversion = from_results(
            result,
            doc_id=doc_id,
            text=text,
            text_sha256=sha256,
            provenance=Provenance(annotator),
        )
        found = [
            ImportProblem(task_id, doc_id, annotator, p.region, p.code, p.message)
            for p in conversion.problems
        ]
        layer = _validate(conversion, doc_id, annotator, text, sha256)
        for finding in layer if isinstance(layer, list) else []:
            region = conversion.region_at(finding.pointer)
            found.append(
                ImportProblem(
                    task_id, doc_id, annotator, region, finding.code, _explain(finding, conversion)
                )
            )
        problems.extend(found)
        if not found and isinstance(layer, AnnotationFile):
            layers.append(_Layer(annotator, layer))
    return layers, problems


def _validate(conversion: Conversion, doc_id, annotator, text, sha256):
    """The annotation file, or the findings of the schema and the semantic checks."""
    annotation, findings = check_annotation_data(
        conversion.data, doc_id=doc_id, annotator=annotator, text=text, text_sha256=sha256
    )
    return findings or annotation


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


def annotator_id(completed_by: object, users: dict[int, str]) -> tuple[str | None, str]:
    """The annotator id of an annotation's author, or None and why not."""
    email = completed_by.get("email") if isinstance(completed_by, dict) else None
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        email = users.get(completed_by)
        if email is None:
            return None, (
                f"annotation by Label Studio user {completed_by}, whose email is unknown: "
                "pass --users (the server's /api/users list) or use `tsr-news ls pull`"
            )
    if not isinstance(email, str) or "@" not in email:
        return None, f"cannot tell who made this annotation (completed_by {completed_by!r})"
    local = email.split("@", 1)[0]
    if not ANNOTATOR_ID.fullmatch(local):
        return None, (
            f"{email}: {local!r} is not a safe annotator id (2-64 lowercase letters, digits, "
            "'_', '-', '.'): give the user such an email address in Label Studio"
        )
    return local, ""


def write_atomic(path: Path, content: bytes) -> bool:
    """Write `content` to `path` via a temporary file and a rename; False if already there."""
    if path.is_file() and path.read_bytes() == content:
        return False
    atomic.write_bytes(path, content)
    return True
