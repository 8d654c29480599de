"""Canonical annotations <-> Label Studio results, both directions, losslessly.

`to_results` turns an `AnnotationFile` into the result list of one Label Studio annotation (or
prediction); `from_results` turns a result list back into canonical annotation JSON, which the
caller then validates like any file (schema, then `checks`). Label Studio's shapes stay here:
the core model never sees region ids, per-region results or relations.

What Label Studio gives back is only trusted as far as it must be:
- offsets are Python code points (as in the canonical model), but the span text is always
  re-sliced from the raw text: `value.text` is unreliable (newlines come back escaped);
- a per-region attribute is tied to its region only by sharing its `id`; choices are lists even
  for single choices;
- a relation's `direction` (right, left, bi) is ignored: what each end is follows from the
  regions' labels (a `speaker` relation joins a cue and an entity, whichever way it was drawn).

Canonical ids survive the round trip as region ids (`E1`, `N1`, a quote's cue `Q1`, a
measure's trigger `M1`); regions drawn in the interface get the next free number, in the order
of the results. Conversion reports what it cannot translate as `RegionProblem`s naming the
region; it never guesses an annotator's intent.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from tsr_news.labelstudio.people import shown
from tsr_news.labelstudio.scheme import (
    ANCHOR,
    ENTITY,
    MEASURE,
    MEASURE_PARTS,
    NOISE,
    PART,
    QUOTE,
    QUOTE_PARTS,
    TEXT,
    Attribute,
    Link,
    attributes,
    links,
)
from tsr_news.scheme.model import LAYER_KINDS, AnnotationFile, Span

LABELS = {NOISE: None, ENTITY: None, QUOTE: QUOTE_PARTS, MEASURE: MEASURE_PARTS}
KIND_OF = {NOISE: "noise", ENTITY: "entities", QUOTE: "quotes", MEASURE: "measures"}
ID_PREFIX = {NOISE: "N", ENTITY: "E", QUOTE: "Q", MEASURE: "M"}


_LINK_LABEL = {(link.field, link.role): link.label for link in links()}


class RegionProblem(NamedTuple):
    """Something in a result list that cannot be translated, and the region it concerns."""

    region: str | None  # a region id, "A -> B" for a relation, None for the whole annotation
    code: str
    message: str


@dataclass(frozen=True)
class Provenance:
    """Who made a layer: Label Studio results do not say, the caller does."""

    annotator: str
    origin: str = "human"
    model: str | None = None


@dataclass
class Conversion:
    """Canonical annotation JSON (not yet validated), and where each item came from."""

    data: dict
    problems: list[RegionProblem]
    regions: dict[str, str]  # JSON pointer of an item or span -> region id

    def region_at(self, pointer: str) -> str | None:
        """The region a JSON pointer into `data` falls in (the longest matching prefix)."""
        while pointer:
            if pointer in self.regions:
                return self.regions[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return None


# -- canonical -> Label Studio ----------------------------------------------------------------


def to_results(ann: AnnotationFile) -> list[dict]:
    """The Label Studio result list of one annotation file (all of its layers)."""
    out = _Results()
    for noise in ann.items("noise"):
        out.region(noise.id, NOISE, noise.kind, noise)
    for entity in ann.items("entities"):
        out.region(entity.id, ENTITY, entity.label, entity)
        out.attributes(entity.id, ENTITY, entity, entity)
    for quote in ann.items("quotes"):
        out.region(quote.id, QUOTE, "cue", quote.cue)
        out.attributes(quote.id, QUOTE, quote, quote.cue)
        for j, span in enumerate(quote.content, 1):
            out.part(f"{quote.id}-content-{j}", QUOTE, "content", span, quote.id)
        if quote.source is not None:
            out.part(f"{quote.id}-source", QUOTE, "source", quote.source, quote.id)
        if quote.channel is not None:
            out.part(f"{quote.id}-channel", QUOTE, "channel", quote.channel, quote.id)
        out.references(quote.id, "speaker_ids", quote.speaker_ids)
        if quote.channel is not None:
            out.references(f"{quote.id}-channel", "entity_ids", quote.channel.entity_ids)
    for measure in ann.items("measures"):
        out.region(measure.id, MEASURE, "trigger", measure.trigger)
        out.attributes(measure.id, MEASURE, measure, measure.trigger)
        if measure.scope is not None:
            out.part(f"{measure.id}-scope", MEASURE, "scope", measure.scope, measure.id)
        for name in ("actor_ids", "target_ids", "time", "magnitude_ids"):
            out.references(measure.id, name, getattr(measure, name))
    return out.results + out.relations


@dataclass
class _Results:
    results: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)

    def region(self, region_id: str, control: str, label: str, span) -> None:
        value = {"start": span.start, "end": span.end, "text": span.text, "labels": [label]}
        self.results.append(_result(region_id, control, "labels", value))

    def part(self, region_id: str, control: str, label: str, span, anchor: str) -> None:
        self.region(region_id, control, label, span)
        self.relate(region_id, anchor, PART)

    def attributes(self, region_id: str, region: str, item, span) -> None:
        for attribute in attributes():
            if attribute.region != region:
                continue
            value = getattr(item, attribute.field)
            if value is None or value == ():
                continue
            values = list(value) if attribute.multiple else [value]
            where = {"start": span.start, "end": span.end}
            if attribute.inventory is None:
                result = _result(
                    region_id, attribute.control, "textarea", {**where, "text": values}
                )
            else:
                result = _result(
                    region_id, attribute.control, "choices", {**where, "choices": values}
                )
            self.results.append(result)

    def references(self, start: str, field_name: str, targets: tuple) -> None:
        """Relations for one field's entity ids (or time links), in the field's order."""
        for target in targets:
            role = getattr(target, "role", None)
            label = _LINK_LABEL[(field_name, role)]
            self.relate(start, getattr(target, "entity_id", target), label)

    def relate(self, from_id: str, to_id: str, label: str) -> None:
        """One relation per reference, so every id list keeps its order exactly."""
        relation = {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right"}
        self.relations.append({**relation, "labels": [label]})


def _result(region_id: str, control: str, kind: str, value: dict) -> dict:
    return {"id": region_id, "from_name": control, "to_name": TEXT, "type": kind, "value": value}


# -- Label Studio -> canonical ----------------------------------------------------------------


@dataclass
class _Region:
    id: str
    control: str
    label: str
    span: Span
    attrs: dict[str, object] = field(default_factory=dict)
    canonical_id: str = ""

    @property
    def is_anchor(self) -> bool:
        return ANCHOR.get(self.control) == self.label


def from_results(
    results: list, *, doc_id: str, text: str, text_sha256: str, provenance: Provenance
) -> Conversion:
    """Canonical annotation JSON for a result list made on `text`; problems name regions."""
    reader = _Reader(text)
    reader.read(results)
    data, regions = reader.assemble(doc_id, text_sha256, provenance)
    return Conversion(data, reader.problems, regions)


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.problems: list[RegionProblem] = []
        self.regions: dict[str, _Region] = {}
        self.pending_attrs: list[dict] = []
        self.relations: list[dict] = []
        self.parts: dict[str, list[str]] = defaultdict(list)  # anchor id -> part ids
        self.anchor_of: dict[str, list[str]] = defaultdict(list)  # part id -> anchor ids
        self.refs: dict[str, list[tuple[Link, str]]] = defaultdict(list)  # start -> links

    def problem(self, region: str | None, code: str, message: str) -> None:
        self.problems.append(RegionProblem(region, code, message))

    def read(self, results: list) -> None:
        controls = {a.control: a for a in attributes()}
        for result in results:
            if not isinstance(result, dict):
                self.problem(None, "ls-result", f"a result must be an object, got {shown(result)}")
                continue
            control = result.get("from_name")
            region_id = result.get("id")
            if result.get("type") == "relation":
                self.relations.append(result)
            elif not isinstance(region_id, str) or not region_id:
                what = control if isinstance(control, str) else "result"
                self.problem(None, "ls-region-id", f"a {shown(what)} result without an id")
            elif isinstance(control, str) and control in LABELS:
                self._region(result)
            elif isinstance(control, str) and control in controls:
                self.pending_attrs.append(result)
            else:
                self.problem(
                    region_id,
                    "ls-unknown-control",
                    f"result from control {shown(control)}, which the tsr-news config does not "
                    "have: was the project's config changed?",
                )
        for result in self.pending_attrs:
            self._attribute(controls[result["from_name"]], result)
        for relation in self.relations:
            self._relation(relation)

    def _region(self, result: dict) -> None:
        region_id, control = result["id"], result["from_name"]
        value = result.get("value")
        if not isinstance(value, dict):
            self.problem(
                region_id, "ls-result", f"the region's value is {shown(value)}, not an object"
            )
            return
        labels = value.get("labels")
        start, end = value.get("start"), value.get("end")
        if region_id in self.regions:
            self.problem(region_id, "ls-duplicate-region", f"region id {region_id} is used twice")
            return
        if not _strings(labels) or len(labels) != 1:
            self.problem(
                region_id,
                "ls-region-labels",
                f"a {control} region needs a list of exactly one label, it has {shown(labels)}",
            )
            return
        if not (_integer(start) and _integer(end) and 0 <= start < end <= len(self.text)):
            self.problem(
                region_id,
                "ls-region-bounds",
                f"region [{shown(start)}, {shown(end)}) is not within the text (0 to "
                f"{len(self.text)} code points, start before end)",
            )
            return
        label = labels[0]
        allowed = LABELS[control]
        if allowed is not None and label not in allowed:
            self.problem(
                region_id,
                "ls-unknown-label",
                f"{label!r} is not a {control} part; expected one of: {', '.join(allowed)}",
            )
            return
        span = Span(start, end, self.text[start:end])
        self.regions[region_id] = _Region(region_id, control, label, span)

    def _attribute(self, attribute: Attribute, result: dict) -> None:
        region = self.regions.get(result["id"])
        if region is None:
            self.problem(
                result["id"],
                "ls-orphan-attribute",
                f"{attribute.control} is set for region {shown(result['id'])}, which does not "
                "exist (the region was deleted, or the result lost its id)",
            )
            return
        if region.control != attribute.region or (
            region.control != ENTITY and region.label not in attribute.labels
        ):
            self.problem(
                region.id,
                "ls-attribute-region",
                f"{attribute.control} belongs on {attribute.region} regions labelled "
                f"{' or '.join(attribute.labels)}, not on this {region.control} {region.label!r}",
            )
            return
        if attribute.control in region.attrs:
            self.problem(region.id, "ls-duplicate-attribute", f"{attribute.control} is set twice")
            return
        value = result.get("value")
        key = "text" if attribute.inventory is None else "choices"
        values = value.get(key) if isinstance(value, dict) else None
        values = [] if values is None else [values] if isinstance(values, str) else values
        if not _strings(values):
            self.problem(
                region.id,
                "ls-attribute-value",
                f"{attribute.control}'s value.{key} is {shown(values)}, not a list of strings",
            )
            return
        if attribute.multiple:
            region.attrs[attribute.control] = list(values)
        elif len(values) > 1:
            self.problem(
                region.id,
                "ls-attribute-value",
                f"{attribute.control} takes one value, got {len(values)}: {values}",
            )
        elif values:
            region.attrs[attribute.control] = values[0]

    def _relation(self, relation: dict) -> None:
        a, b = relation.get("from_id"), relation.get("to_id")
        if not (isinstance(a, str) and isinstance(b, str)):
            self.problem(
                None, "ls-relation-end", f"a relation from {shown(a)} to {shown(b)}: not region ids"
            )
            return
        name = f"{a} -> {b}"
        labels = relation.get("labels") or []
        labels = [labels] if isinstance(labels, str) else labels
        if not _strings(labels):
            self.problem(
                name, "ls-relation-labels", f"relation labels {shown(labels)}: not strings"
            )
            return
        if not labels:
            self.problem(
                name,
                "ls-unlabelled-relation",
                "a relation without a label: choose what it means (part, speaker, channel, "
                "actor, target, time:…, magnitude) or delete it",
            )
            return
        ends = [self.regions.get(a), self.regions.get(b)]
        if None in ends:
            missing = a if ends[0] is None else b
            self.problem(
                name, "ls-relation-end", f"relation to region {missing!r}, which does not exist"
            )
            return
        by_label = {link.label: link for link in links()}
        for label in labels:
            if label == PART:
                self._part(name, *ends)
            elif label in by_label:
                self._link(name, by_label[label], *ends)
            else:
                known = ", ".join([PART, *by_label])
                self.problem(
                    name, "ls-unknown-label", f"relation label {label!r} is not one of: {known}"
                )

    def _part(self, name: str, x: _Region, y: _Region) -> None:
        for anchor, part in ((x, y), (y, x)):
            if (
                anchor.is_anchor
                and part.control == anchor.control
                and not part.is_anchor
                and part.control in ANCHOR
            ):
                self.parts[anchor.id].append(part.id)
                self.anchor_of[part.id].append(anchor.id)
                return
        self.problem(
            name,
            "ls-relation-end",
            f"a part relation joins a quote's content, source or channel to its cue, or a "
            f"measure's scope to its trigger; this one joins {_show(x)} and {_show(y)}",
        )

    def _link(self, name: str, link: Link, x: _Region, y: _Region) -> None:
        for start, entity in ((x, y), (y, x)):
            if start.control in ANCHOR and start.label == link.part and entity.control == ENTITY:
                self.refs[start.id].append((link, entity.id))
                return
        self.problem(
            name,
            "ls-relation-end",
            f"a {link.label} relation joins a {link.part} region and an entity; this one joins "
            f"{_show(x)} and {_show(y)}",
        )

    # -- assembling canonical items -----------------------------------------------------------

    def assemble(self, doc_id: str, text_sha256: str, provenance: Provenance):
        self._assign_ids()
        pointers: dict[str, str] = {}
        items: dict[str, list[dict]] = {kind: [] for kind in LAYER_KINDS}
        for region in self.regions.values():
            if not region.is_anchor and region.control in ANCHOR:
                self._check_part(region)
            if region.control in (NOISE, ENTITY) or region.is_anchor:
                kind = KIND_OF[region.control]
                base = f"/layers/{kind}/items/{len(items[kind])}"
                pointers[base] = region.id
                items[kind].append(self._item(region, base, pointers))
        layers = {}
        for kind in LAYER_KINDS:
            layer = {"annotator": provenance.annotator, "origin": provenance.origin}
            if provenance.model is not None:
                layer["model"] = provenance.model
            layers[kind] = {**layer, "items": items[kind]}
        data = {"schema_version": 1, "doc_id": doc_id, "text_sha256": text_sha256, "layers": layers}
        return data, pointers

    def _assign_ids(self) -> None:
        taken: dict[str, set[int]] = defaultdict(set)
        fresh = []
        for region in self.regions.values():
            if region.control in (NOISE, ENTITY) or region.is_anchor:
                prefix = ID_PREFIX[region.control]
                match = re.fullmatch(prefix + r"([1-9][0-9]*)", region.id)
                if match and int(match[1]) not in taken[prefix]:
                    taken[prefix].add(int(match[1]))
                    region.canonical_id = region.id
                else:
                    fresh.append(region)
        for region in fresh:
            prefix = ID_PREFIX[region.control]
            number = max(taken[prefix], default=0) + 1
            taken[prefix].add(number)
            region.canonical_id = f"{prefix}{number}"

    def _check_part(self, region: _Region) -> None:
        anchors = self.anchor_of.get(region.id, [])
        if len(anchors) != 1:
            anchor = ANCHOR[region.control]
            how = "is not tied" if not anchors else f"is tied to {len(anchors)}"
            self.problem(
                region.id,
                "ls-part-anchor",
                f"this {region.control} {region.label} region {how} to a {anchor}: draw one "
                f"'{PART}' relation between it and its {region.control}'s {anchor}",
            )

    def _item(self, region: _Region, base: str, pointers: dict[str, str]) -> dict:
        item: dict = {"id": region.canonical_id}
        if region.control == NOISE:
            return {**item, "kind": region.label, **_span(region.span)}
        if region.control == ENTITY:
            item = {**item, "label": region.label, **_span(region.span)}
            return {**item, **self._fields(region)}
        parts = [self.regions[p] for p in self.parts.get(region.id, [])]
        parts = [p for p in parts if len(self.anchor_of[p.id]) == 1]
        if region.control == QUOTE:
            pointers[f"{base}/cue"] = region.id
            content = [p for p in parts if p.label == "content"]
            for j, part in enumerate(content):
                pointers[f"{base}/content/{j}"] = part.id
            item.update(
                type=None,
                content=[_span(p.span) for p in content],
                cue=_span(region.span),
                source=self._single(region, parts, "source", base, pointers),
                speaker_ids=[],
            )
            item.update(self._fields(region))
            channel = self._single(region, parts, "channel", base, pointers)
            if channel is not None:
                channel_region = pointers[f"{base}/channel"]
                item["channel"] = {
                    **channel,
                    "entity_ids": self._targets(channel_region, "entity_ids"),
                }
            item["speaker_ids"] = self._targets(region.id, "speaker_ids")
        else:
            pointers[f"{base}/trigger"] = region.id
            item.update(trigger=_span(region.span), **self._fields(region))
            scope = self._single(region, parts, "scope", base, pointers)
            if scope is not None:
                item["scope"] = scope
            for name in ("actor_ids", "target_ids", "magnitude_ids"):
                item[name] = self._targets(region.id, name)
            item["time"] = [
                {"entity_id": self.regions[e].canonical_id, "role": link.role}
                for link, e in self.refs.get(region.id, [])
                if link.field == "time"
            ]
        return {k: v for k, v in item.items() if v is not None or k == "source"}

    def _fields(self, region: _Region) -> dict:
        """The attribute values of a region, as canonical fields (lists default to empty)."""
        out = {}
        for attribute in attributes():
            if attribute.region != region.control:
                continue
            value = region.attrs.get(attribute.control)
            if value is not None:
                out[attribute.field] = value
            elif attribute.multiple:
                out[attribute.field] = []
        return out

    def _single(self, anchor: _Region, parts, label: str, base: str, pointers) -> dict | None:
        found = [p for p in parts if p.label == label]
        if len(found) > 1:
            self.problem(
                anchor.id,
                "ls-duplicate-part",
                f"this {anchor.label} has {len(found)} {label} regions "
                f"({', '.join(p.id for p in found)}); it takes at most one",
            )
        if not found:
            return None
        pointers[f"{base}/{label}"] = found[0].id
        return _span(found[0].span)

    def _targets(self, start: str, field_name: str) -> list[str]:
        return [
            self.regions[e].canonical_id
            for link, e in self.refs.get(start, [])
            if link.field == field_name
        ]


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _span(span: Span) -> dict:
    return {"start": span.start, "end": span.end, "text": span.text}


def _show(region: _Region) -> str:
    return f"{region.id} ({region.control} {region.label})"
