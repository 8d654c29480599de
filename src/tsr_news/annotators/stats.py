"""The consistency report: counts, surface forms and their labels, and names left unannotated.

The most common annotation error is the same string labelled differently in two places, and the
second most common is a name annotated in one place and missed in another. This report finds
candidates for both across the whole corpus; a person decides, case by case, which are errors
(the guidelines record the deliberate ones, such as "Beijing" as a place and as a government).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from tsr_news.scheme.model import LABEL_FIELD, LAYER_KINDS, AnnotationFile, Document

GOLD = "gold"


def entity_key(entity) -> str:
    """An entity's label as the report compares it: GPEs with their role ('GPE:GOV')."""
    return f"{entity.label}:{entity.gpe_role}" if entity.gpe_role else entity.label


@dataclass(frozen=True)
class Occurrence:
    doc_id: str
    start: int
    end: int
    text: str
    labels: tuple[str, ...]  # what the same string is labelled elsewhere


@dataclass
class ConsistencyReport:
    layer: str
    documents: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # documents without this layer
    counts: dict[str, dict[str, Counter]] = field(default_factory=dict)  # doc -> kind -> label
    surface_forms: dict[str, Counter] = field(default_factory=dict)  # entity text -> labels
    unannotated: list[Occurrence] = field(default_factory=list)

    @property
    def mixed_forms(self) -> dict[str, Counter]:
        return {form: labels for form, labels in self.surface_forms.items() if len(labels) > 1}

    def totals(self) -> dict[str, Counter]:
        totals: dict[str, Counter] = {kind: Counter() for kind in LAYER_KINDS}
        for per_kind in self.counts.values():
            for kind, labels in per_kind.items():
                totals[kind].update(labels)
        return totals

    def to_json(self) -> dict:
        return {
            "layer": self.layer,
            "documents": self.documents,
            "documents_without_layer": self.missing,
            "counts": {
                doc: {kind: dict(sorted(c.items())) for kind, c in kinds.items()}
                for doc, kinds in self.counts.items()
            },
            "totals": {kind: dict(sorted(c.items())) for kind, c in self.totals().items()},
            "surface_forms": {f: dict(sorted(c.items())) for f, c in self.surface_forms.items()},
            "mixed_surface_forms": sorted(self.mixed_forms),
            "unannotated": [vars(o) | {"labels": list(o.labels)} for o in self.unannotated],
        }


def annotations_of(document: Document, layer: str) -> AnnotationFile | None:
    return document.gold if layer == GOLD else document.layers.get(layer)


def consistency_report(documents: Iterable[Document], layer: str = GOLD) -> ConsistencyReport:
    """Build the report over valid documents, for the gold or one annotator's layer.

    Two passes over small data: counts and surface forms first, then every document's text is
    searched for the annotated strings (so the texts are kept, the corpus being read once).
    """
    report = ConsistencyReport(layer)
    covered: dict[str, list[tuple[int, int]]] = {}
    texts: dict[str, str] = {}
    forms: defaultdict[str, Counter] = defaultdict(Counter)
    for document in documents:
        annotations = annotations_of(document, layer)
        if annotations is None:
            report.missing.append(document.doc_id)
            continue
        report.documents.append(document.doc_id)
        texts[document.doc_id] = document.text
        report.counts[document.doc_id] = {
            kind: Counter(getattr(item, LABEL_FIELD[kind]) for item in annotations.items(kind))
            for kind in LAYER_KINDS
            if kind in annotations.layers
        }
        for entity in annotations.items("entities"):
            forms[entity.text][entity_key(entity)] += 1
        covered[document.doc_id] = [
            (item.start, item.end) for item in annotations.items("entities")
        ] + [(item.start, item.end) for item in annotations.items("noise")]
    report.surface_forms = dict(sorted(forms.items()))
    report.unannotated = list(_unannotated(texts, covered, report.surface_forms))
    return report


def _unannotated(texts, covered, forms) -> Iterable[Occurrence]:
    """Occurrences of annotated strings, as whole words, that no entity or noise span covers."""
    if not forms:
        return
    by_length = sorted(forms, key=len, reverse=True)  # prefer the longest form at a position
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, by_length)) + r")(?!\w)")
    for doc_id, text in texts.items():
        spans = covered[doc_id]
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(s < end and start < e for s, e in spans):
                labels = tuple(sorted(forms[match.group()]))
                yield Occurrence(doc_id, start, end, match.group(), labels)


def render_text(report: ConsistencyReport) -> str:
    lines = [f"Consistency report for the {report.layer!r} layer"]
    lines.append(f"documents: {len(report.documents)}")
    if report.missing:
        lines.append(f"documents without this layer: {', '.join(report.missing)}")
    lines += ["", "Counts per document (kind: label=count)"]
    for doc_id, kinds in report.counts.items():
        lines.append(f"  {doc_id}")
        for kind, labels in kinds.items():
            shown = " ".join(f"{label}={n}" for label, n in sorted(labels.items())) or "-"
            lines.append(f"    {kind} ({sum(labels.values())}): {shown}")
    lines.append("  all documents")
    for kind, labels in report.totals().items():
        shown = " ".join(f"{label}={n}" for label, n in sorted(labels.items())) or "-"
        lines.append(f"    {kind} ({sum(labels.values())}): {shown}")
    lines += ["", "Entity surface forms ('!' marks a string with more than one label)"]
    for form, labels in report.surface_forms.items():
        mark = "!" if len(labels) > 1 else " "
        shown = ", ".join(f"{label} x{n}" for label, n in sorted(labels.items()))
        lines.append(f" {mark} {form!r}: {shown}")
    lines += ["", "Annotated strings left unannotated elsewhere"]
    for o in report.unannotated:
        lines.append(
            f"  {o.doc_id} [{o.start}, {o.end}) {o.text!r} (elsewhere {', '.join(o.labels)})"
        )
    if not report.unannotated:
        lines.append("  none")
    return "\n".join(lines) + "\n"
