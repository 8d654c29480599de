"""Adjudication: merge several annotators' layers of a document into a proposed gold.

Items are grouped into units exactly as `agreement` does (optimal overlap matching). A unit on
which every selected annotator made an item, and all the items are equal (ignoring
their ids; entity references compared through the entity units, so "E2" in one file and "E5" in
another agree when they point at the same mention), is *agreed* and goes to gold as it is. Every
other unit is a *conflict*, written for a person to resolve to
`annotations/adjudication/<doc_id>.json`:

    {"doc_id", "text_sha256", "annotators": [...],
     "conflicts": [{"id": "C1", "kind": "entities", "start", "end", "context",
                    "versions": {"<annotator>": <item JSON> | null, ...},
                    "resolution": null}]}

Each version is the annotator's item as in their file, except that its entity references are
qualified with the annotator ("ann1:E2"), so that versions from different files can be told
apart and an edited item can point at any annotator's mention. `context` is the text around the
unit, its span marked with ⟦ ⟧. The person sets `resolution` to

    "<annotator>"   take that annotator's version;
    "reject"        the unit is not annotated in gold;
    {...}           an edited item (a version's JSON, changed; its `id` is ignored).

Rerunning the command then builds gold: ids renumbered in text order (E1, E2… by offset),
every reference (speakers, channel, actors, targets, time, magnitudes) remapped to the new ids,
layers attributed to the adjudicator (origin human). Gold is checked with the loader's schema
and semantic checks before it is written, atomically, and never over an existing gold without
`force`. The annotators' layers are never modified; the adjudication file stays as the record
of the decisions. A stale adjudication file (the layers changed since it was written) is
refused rather than applied to items it did not describe.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tsr_news.annotators.agreement import build_units, key_extent
from tsr_news.checks.jsonfile import Unreadable, read_json
from tsr_news.common.atomic import write_json
from tsr_news.corpus.loader import Corpus, annotation_findings
from tsr_news.scheme.model import LAYER_KINDS, Document, to_json

CONTEXT = 60  # code points of text shown on each side of a conflict
REJECT = "reject"
ID_PREFIX = {"noise": "N", "entities": "E", "quotes": "Q", "measures": "M"}


class AdjudicationError(Exception):
    """Adjudication cannot go on; the message says why and what to do. `details` lists items."""

    def __init__(self, message: str, details: Sequence[str] = ()):
        super().__init__(message)
        self.details = list(details)


@dataclass(frozen=True)
class Outcome:
    """What a run did: wrote the conflicts for review, or wrote gold."""

    path: Path
    conflicts: int
    gold_written: bool


def map_references(kind: str, item: dict, f: Callable[[str], object]) -> dict:
    """A copy of an item's JSON with every entity reference `r` replaced by `f(r)`."""
    out = dict(item)
    if kind == "quotes":
        if "speaker_ids" in item:
            out["speaker_ids"] = [f(r) for r in item["speaker_ids"]]
        if item.get("channel"):
            out["channel"] = {
                **item["channel"],
                "entity_ids": [f(r) for r in item["channel"]["entity_ids"]],
            }
    elif kind == "measures":
        for name in ("actor_ids", "target_ids", "magnitude_ids"):
            if name in item:
                out[name] = [f(r) for r in item[name]]
        if "time" in item:
            out["time"] = [{**t, "entity_id": f(t["entity_id"])} for t in item["time"]]
    return out


@dataclass
class _Unit:
    kind: str
    versions: dict[str, dict | None]  # annotator -> item JSON with qualified references
    start: int
    end: int
    agreed: bool


def _units(doc: Document, annotators: list[str]) -> tuple[list[_Unit], dict[str, int]]:
    """All units of the document, and each qualified entity id's entity-unit number."""
    entity_unit: dict[str, int] = {}
    result = []
    for kind in LAYER_KINDS:
        takers = [a for a in annotators if kind in doc.layers[a].layers]
        if not takers:
            continue
        by_annotator = {a: doc.layers[a].items(kind) for a in takers}
        for n, unit in enumerate(build_units(kind, by_annotator)):
            versions = {}
            for a in annotators:  # one who did not annotate this kind has no version: conflict
                item = unit.items.get(a)
                if item is None:
                    versions[a] = None
                    continue
                versions[a] = map_references(kind, to_json(item), lambda r, a=a: f"{a}:{r}")
                if kind == "entities":
                    entity_unit[f"{a}:{item.id}"] = n
            extents = [x for item in unit.items.values() for x in key_extent(kind, item)]
            result.append(
                _Unit(
                    kind,
                    versions,
                    min(s for s, _ in extents),
                    max(e for _, e in extents),
                    agreed=False,
                )
            )
    for unit in result:
        canonical = [
            None if v is None else json.dumps(_canonical(unit.kind, v, entity_unit), sort_keys=True)
            for v in unit.versions.values()
        ]
        unit.agreed = None not in canonical and len(set(canonical)) == 1
    return result, entity_unit


def _canonical(kind: str, version: dict, entity_unit: dict[str, int]) -> dict:
    """A version without its id, references replaced by entity units: equal means agreed."""
    mapped = map_references(kind, version, lambda r: entity_unit[r])
    mapped.pop("id", None)
    return mapped


def conflict_document(doc: Document, annotators: list[str]) -> dict:
    """The adjudication file's content for this document (all resolutions empty)."""
    units, _ = _units(doc, annotators)
    conflicts = []
    for unit in units:
        if unit.agreed:
            continue
        before = doc.text[max(0, unit.start - CONTEXT) : unit.start]
        after = doc.text[unit.end : unit.end + CONTEXT]
        conflicts.append(
            {
                "id": f"C{len(conflicts) + 1}",
                "kind": unit.kind,
                "start": unit.start,
                "end": unit.end,
                "context": f"{before}⟦{doc.text[unit.start : unit.end]}⟧{after}",
                "versions": unit.versions,
                "resolution": None,
            }
        )
    return {
        "doc_id": doc.doc_id,
        "text_sha256": doc.meta.text_sha256,
        "annotators": annotators,
        "conflicts": conflicts,
    }


def disagreements(doc: Document, annotators: list[str]) -> dict[str, set[str]]:
    """Per annotator, the ids of their items in units that are not agreed."""
    units, _ = _units(doc, annotators)
    return {
        a: {u.versions[a]["id"] for u in units if not u.agreed and u.versions[a] is not None}
        for a in annotators
    }


def adjudicate(
    corpus: Corpus,
    doc_id: str,
    *,
    adjudicator: str,
    annotators: Sequence[str] | None = None,
    force: bool = False,
) -> Outcome:
    """One step of adjudication for a document (see the module docstring)."""
    gold_path = corpus.layout.gold_path(doc_id)
    if gold_path.exists() and not force:
        raise AdjudicationError(
            f"{corpus.layout.relative(gold_path)} exists; rerun with --force to replace it"
        )
    (doc,) = corpus.valid_documents([doc_id])
    # models' work is adjudicated only when asked for
    annotators = list(annotators) if annotators is not None else doc.human_annotators
    missing = [a for a in annotators if a not in doc.layers]
    if missing:
        raise AdjudicationError(
            f"{doc_id} has no layer by {', '.join(missing)}; it has: "
            f"{', '.join(sorted(doc.layers)) or 'none'}"
        )
    if len(annotators) < 2:
        raise AdjudicationError(
            f"adjudication needs at least two layers of {doc_id}; found "
            f"{', '.join(annotators) or 'none'} (choose with --layers)"
        )
    fresh = conflict_document(doc, annotators)
    path = corpus.layout.adjudication_path(doc_id)
    if path.exists():
        recorded = _read(path, corpus)
        _check_current(recorded, fresh, corpus.layout.relative(path))
        conflicts = recorded["conflicts"]
    elif fresh["conflicts"]:
        write_json(corpus.layout.output(path), fresh)
        return Outcome(path, len(fresh["conflicts"]), gold_written=False)
    else:
        conflicts = []
    unresolved = [c for c in conflicts if c["resolution"] is None]
    if unresolved:
        raise AdjudicationError(
            f"{len(unresolved)} of {len(conflicts)} conflict(s) in "
            f"{corpus.layout.relative(path)} have no resolution yet",
            [f"{c['id']} ({c['kind']}): {' '.join(c['context'].split())}" for c in unresolved],
        )
    gold = _gold(doc, annotators, conflicts, adjudicator)
    write_json(corpus.layout.output(gold_path), gold)
    return Outcome(gold_path, len(conflicts), gold_written=True)


def _read(path: Path, corpus: Corpus) -> dict:
    where = corpus.layout.relative(path)
    try:
        data = read_json(where, path.read_bytes())
    except Unreadable as refused:
        raise AdjudicationError(str(refused)) from None
    if not isinstance(data.get("conflicts"), list):
        raise AdjudicationError(f"{where} has no 'conflicts' list")
    for n, conflict in enumerate(data["conflicts"]):
        if not isinstance(conflict, dict) or "resolution" not in conflict:
            raise AdjudicationError(
                f"{where}: /conflicts/{n} has no 'resolution' key: every conflict keeps its "
                '"resolution" (null until decided, then an annotator, "reject" or an edited '
                "item)"
            )
    return data


def _check_current(recorded: dict, fresh: dict, where: str) -> None:
    """Refuse resolutions written for other layers than those on disk now."""

    def described(doc: dict) -> list:
        return [
            (c.get("id"), c.get("kind"), c.get("versions"))
            for c in doc["conflicts"]
            if isinstance(c, dict)
        ]

    same = (
        recorded.get("text_sha256") == fresh["text_sha256"]
        and recorded.get("annotators") == fresh["annotators"]
        and described(recorded) == described(fresh)
    )
    if not same:
        raise AdjudicationError(
            f"{where} no longer describes the layers of {fresh['doc_id']} (they, or the "
            "annotators chosen, changed since it was written); move it aside, rerun to get a "
            "fresh one and carry the resolutions over"
        )


def _gold(doc: Document, annotators: list[str], conflicts: list[dict], adjudicator: str) -> dict:
    """The gold JSON from agreed units and resolved conflicts, checked before it is returned."""
    units, entity_unit = _units(doc, annotators)
    resolutions = iter(conflicts)
    chosen: dict[str, list[tuple[int | None, dict]]] = {}  # kind -> (entity unit, item JSON)
    problems = []
    entity_number = 0
    for unit in units:
        number = entity_number if unit.kind == "entities" else None
        if unit.kind == "entities":
            entity_number += 1
        if unit.agreed:
            item = next(v for v in unit.versions.values() if v is not None)
        else:
            conflict = next(resolutions)
            item = _resolved(conflict, problems)
        if item is not None:
            chosen.setdefault(unit.kind, []).append((number, item))
    if problems:
        raise AdjudicationError("some resolutions cannot be applied", problems)

    gold_ids: dict[int, str] = {}
    layers = {}
    for kind in LAYER_KINDS:
        if kind not in chosen and not any(kind in doc.layers[a].layers for a in annotators):
            continue
        ordered = sorted(chosen.get(kind, []), key=lambda pair: _position(kind, pair[1]))
        items = []
        for n, (number, item) in enumerate(ordered, 1):
            new_id = f"{ID_PREFIX[kind]}{n}"
            if number is not None:
                gold_ids[number] = new_id
            items.append({"id": new_id, **{k: v for k, v in item.items() if k != "id"}})
        layers[kind] = {"annotator": adjudicator, "origin": "human", "items": items}

    def remap(reference: str) -> str:
        number = entity_unit.get(reference)
        if number is None:
            problems.append(f"{reference!r} is not an entity of {', '.join(annotators)}")
            return reference
        if number not in gold_ids:
            problems.append(f"{reference} refers to an entity that is not in gold (rejected?)")
            return reference
        return gold_ids[number]

    for kind in ("quotes", "measures"):
        if kind in layers:
            layers[kind]["items"] = [map_references(kind, i, remap) for i in layers[kind]["items"]]
    if problems:
        raise AdjudicationError("references in the merged gold do not resolve", problems)
    gold = {
        "schema_version": 1,
        "doc_id": doc.doc_id,
        "text_sha256": doc.meta.text_sha256,
        "layers": layers,
    }
    _check(gold, doc)
    return gold


def _resolved(conflict: dict, problems: list[str]) -> dict | None:
    resolution, versions = conflict["resolution"], conflict["versions"]
    if resolution == REJECT:
        return None
    if isinstance(resolution, dict):
        try:  # the shape later steps rely on; the schema check on gold does the rest
            map_references(conflict["kind"], resolution, str)
            _position(conflict["kind"], resolution)
        except (KeyError, TypeError, ValueError, AttributeError):
            kind = conflict["kind"]
            problems.append(
                f"{conflict['id']}: the edited {kind} item is malformed: it needs "
                f"{_SPAN_FIELD[kind]} and well-formed references, as in the versions shown"
            )
            return None
        return resolution
    if isinstance(resolution, str) and versions.get(resolution) is not None:
        return versions[resolution]
    problems.append(
        f"{conflict['id']}: resolution {resolution!r} is neither an annotator with a version "
        f"({', '.join(a for a, v in versions.items() if v is not None)}), {REJECT!r}, "
        "nor an edited item"
    )
    return None


_SPAN_FIELD = {
    "noise": "start, end",
    "entities": "start, end",
    "quotes": "content",
    "measures": "trigger",
}


def _position(kind: str, item: dict) -> tuple:
    if kind == "quotes":
        return min((s["start"], s["end"]) for s in item["content"])
    if kind == "measures":
        return (item["trigger"]["start"], item["trigger"]["end"])
    return (item["start"], item["end"])


def _check(gold: dict, doc: Document) -> None:
    """The loader's own checks (schema, then semantic) on the gold about to be written."""
    findings = annotation_findings(
        gold, doc_id=doc.doc_id, annotator=None, text=doc.text, text_sha256=doc.meta.text_sha256
    )
    if findings:
        raise AdjudicationError(
            "the merged gold fails validation; nothing was written",
            [f"{f.pointer or '/'}: {f.message} [{f.code}]" for f in findings],
        )
