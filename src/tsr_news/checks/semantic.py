"""Semantic checks: what a JSON Schema cannot express about a schema-valid file.

Each check yields `Finding`s (pointer, code, message); the loader turns them into problems with
the file's path and line. Checks read the JSON values themselves (schema-valid, so every
required key is there), not the typed model: building objects for every span would cost more
than all the checks together on a large corpus. They never modify what they read: validation
reports, it does not repair.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from tsr_news.checks.graphemes import INVISIBLE_CONTROLS, cluster_at
from tsr_news.checks.isodates import norm_problem
from tsr_news.checks.jsonpointer import pointer
from tsr_news.scheme.model import LAYER_KINDS
from tsr_news.scheme.schemas import Taxonomy


class Finding(NamedTuple):
    pointer: str
    code: str
    message: str


def check_meta(meta: dict, doc_id: str, text_sha256: str | None) -> Iterator[Finding]:
    if meta["doc_id"] != doc_id:
        yield Finding(
            "/doc_id",
            "doc-id-mismatch",
            f"doc_id {meta['doc_id']!r} differs from the file name's {doc_id!r}",
        )
    if text_sha256 is not None and meta["text_sha256"] != text_sha256:
        yield Finding(
            "/text_sha256",
            "text-hash",
            f"raw/{doc_id}.txt has sha256 {text_sha256}, not {meta['text_sha256']}: raw text is "
            "immutable; restore it, or record a new version of the article deliberately",
        )


def check_annotations(
    ann: dict,
    *,
    doc_id: str,
    text: str | None,
    text_sha256: str | None,
    taxonomy: Taxonomy,
    annotator: str | None,
) -> Iterator[Finding]:
    """All checks of one annotation file (its JSON object) against its document.

    `annotator` is the layer directory's name for a per-annotator file, None for gold. `text`
    is None when the raw text could not be read; offsets are then not checked.
    """
    if ann["doc_id"] != doc_id:
        yield Finding(
            "/doc_id",
            "doc-id-mismatch",
            f"doc_id {ann['doc_id']!r} differs from the file name's {doc_id!r}",
        )
    yield from _check_provenance(ann, annotator)
    yield from _check_ids(ann)
    entities = {e["id"]: e for e in items(ann, "entities")}
    yield from _check_entity_attributes(ann, taxonomy)
    yield from _check_references(ann, entities, taxonomy)
    yield from _check_measure_roles(ann, entities)
    if text is None:
        return
    if text_sha256 is not None and ann["text_sha256"] != text_sha256:
        yield Finding(
            "/text_sha256",
            "text-hash",
            f"the raw text changed after annotation: raw/{doc_id}.txt has sha256 {text_sha256}, "
            f"these annotations were made on {ann['text_sha256']}; offsets are not checked until "
            "the spans are re-anchored on the new text and text_sha256 is updated",
        )
        return
    spans = list(iter_spans(ann))
    span_findings = list(_check_spans(spans, text))
    yield from span_findings
    if not span_findings:  # overlaps are only meaningful between well-formed spans
        yield from _check_overlaps(ann, spans)
        yield from _check_quote_parts(ann)


def items(ann: dict, kind: str) -> list:
    """The items of one layer of an annotation file; none if the file lacks the layer."""
    layer = ann["layers"].get(kind)
    return layer["items"] if layer else []


def iter_spans(ann: dict) -> Iterator[tuple[str, tuple, dict]]:
    """Every span of the file as (kind, where, span: a dict with start, end and text); `where`
    is the span's path within its layer's items, (index, role[, index]), `item_pointer` its
    JSON pointer (made only when needed: most spans never need one)."""
    for kind in LAYER_KINDS:
        for i, item in enumerate(items(ann, kind)):
            if kind in ("noise", "entities"):
                yield kind, (i,), item
            elif kind == "quotes":
                for j, span in enumerate(item["content"]):
                    yield kind, (i, "content", j), span
                yield kind, (i, "cue"), item["cue"]
                if item["source"] is not None:
                    yield kind, (i, "source"), item["source"]
                if "channel" in item:
                    yield kind, (i, "channel"), item["channel"]
            else:
                yield kind, (i, "trigger"), item["trigger"]
                if "scope" in item:
                    yield kind, (i, "scope"), item["scope"]


def item_pointer(kind: str, where: tuple) -> str:
    """The JSON pointer of a path within one layer's items, `where` starting at the item's
    index: a span that `iter_spans` yielded, a reference, an id."""
    return pointer(("layers", kind, "items", *where))


def _check_provenance(ann: dict, annotator: str | None) -> Iterator[Finding]:
    for kind, layer in ann["layers"].items():
        ptr = f"/layers/{kind}"
        origin, model = layer["origin"], layer.get("model")
        if origin == "prediction" and model is None:
            yield Finding(ptr, "layer-provenance", "a prediction layer must name its 'model'")
        if origin != "prediction" and model is not None:
            yield Finding(
                f"{ptr}/model",
                "layer-provenance",
                f"'model' belongs only to prediction layers; this one's origin is {origin!r}",
            )
        if annotator is None and origin != "human":
            yield Finding(
                f"{ptr}/origin",
                "layer-provenance",
                "gold is human work: a prediction becomes gold only after a person accepts it",
            )
        if annotator is not None and layer["annotator"] != annotator:
            yield Finding(
                f"{ptr}/annotator",
                "annotator-mismatch",
                f"annotator {layer['annotator']!r} differs from the layer directory {annotator!r}",
            )


def _check_ids(ann: dict) -> Iterator[Finding]:
    ids = [item["id"] for kind in LAYER_KINDS for item in items(ann, kind)]
    if len(set(ids)) == len(ids):
        return  # the common case, told by one set rather than a pointer kept per id
    first_seen: dict[str, tuple[str, int]] = {}  # id -> (kind, index): a pointer when needed
    for kind in LAYER_KINDS:
        for i, item in enumerate(items(ann, kind)):
            item_id = item["id"]
            if item_id in first_seen:
                first_kind, first_index = first_seen[item_id]
                first = item_pointer(first_kind, (first_index, "id"))
                yield Finding(
                    item_pointer(kind, (i, "id")),
                    "duplicate-id",
                    f"id {item_id} is already used at {first}",
                )
            else:
                first_seen[item_id] = (kind, i)


def _check_entity_attributes(ann: dict, taxonomy: Taxonomy) -> Iterator[Finding]:
    prefixes, attributes = taxonomy.ref_prefixes, taxonomy.entity_attributes
    rules = taxonomy.attribute_rules
    for i, entity in enumerate(items(ann, "entities")):
        label = entity["label"]
        if "norm" in entity:
            yield from _check_norm(i, entity)
        prefix = prefixes.get(label)
        if prefix:
            ref = entity.get("ref")
            if ref is None:
                yield Finding(
                    item_pointer("entities", (i,)),
                    "missing-attribute",
                    f"{entity['id']} ({label}) needs a ref such as "
                    f"'{prefix}:{_slug(entity['text'])}'",
                )
            elif not ref.startswith(prefix + ":"):
                yield Finding(
                    item_pointer("entities", (i, "ref")),
                    "ref-prefix",
                    f"ref {ref!r} of a {label} entity must start with '{prefix}:'",
                )
        allowed, required = rules[label]
        if required <= (attributes.keys() & entity.keys()) <= allowed:
            continue  # the common case: nothing to report
        for attribute in attributes.values():
            present = attribute.name in entity
            if present and label not in attribute.labels:
                yield Finding(
                    item_pointer("entities", (i, attribute.name)),
                    "attribute-label",
                    f"{attribute.name} belongs only on {_either(attribute.labels)} entities; "
                    f"{entity['id']} is {label}: remove {attribute.name}, or correct the label",
                )
            if not present and attribute.required and label in attribute.labels:
                choices = ", ".join(taxonomy[attribute.name].values)
                yield Finding(
                    item_pointer("entities", (i,)),
                    "missing-attribute",
                    f"{entity['id']} ({label}) needs {attribute.name} (one of {choices})",
                )


def _check_norm(i: int, entity: dict) -> Iterator[Finding]:
    """A norm must name a real date, time, duration or range: the schema's pattern admits
    `9999-99-99T99:99:99`, and a user sorting or comparing dates would meet it as a crash."""
    reason = norm_problem(entity["norm"])
    if reason is not None:
        yield Finding(
            item_pointer("entities", (i, "norm")),
            "norm-value",
            f"norm {entity['norm']!r} of {entity['id']} ({entity['label']}) is no real date or "
            f"time: {reason}; write the ISO 8601 value the text resolves to (2023, 2023-03, "
            "2023-03-05, 2023-W11, 2023-03-05T14:30, P1Y, 2023-03-05/2023-03-13), or leave "
            "norm out when it resolves to none",
        )


def _check_references(
    ann: dict, entities: dict[str, dict], taxonomy: Taxonomy
) -> Iterator[Finding]:
    for kind, where, field, entity_id in _references(ann):
        entity = entities.get(entity_id)
        allowed = taxonomy.reference_labels[field]
        if entity is not None and entity["label"] in allowed:
            continue  # the common case: nothing to report
        ptr = item_pointer(kind, where)
        if entity is None:
            yield Finding(
                ptr, "dangling-reference", f"{entity_id} is not an entity of this file ({field})"
            )
        else:
            yield Finding(
                ptr,
                "reference-label",
                f"{entity_id} ({entity['text']!r}) is {entity['label']}; {field} must point to "
                f"{_either(allowed)}",
            )


def _references(ann: dict) -> Iterator[tuple[str, tuple, str, str]]:
    """Every entity reference as (kind, where, field, entity id); `where` is its path within
    the layer's items (`item_pointer`, made only for a finding)."""
    for i, quote in enumerate(items(ann, "quotes")):
        for j, entity_id in enumerate(quote["speaker_ids"]):
            yield "quotes", (i, "speaker_ids", j), "speaker_ids", entity_id
        if "channel" in quote:
            for j, entity_id in enumerate(quote["channel"]["entity_ids"]):
                yield "quotes", (i, "channel", "entity_ids", j), "channel", entity_id
    for i, measure in enumerate(items(ann, "measures")):
        for field in ("actor_ids", "target_ids", "magnitude_ids"):
            for j, entity_id in enumerate(measure[field]):
                yield "measures", (i, field, j), field, entity_id
        for j, link in enumerate(measure["time"]):
            yield "measures", (i, "time", j, "entity_id"), "time", link["entity_id"]


def _check_measure_roles(ann: dict, entities: dict[str, dict]) -> Iterator[Finding]:
    """One mention is not both who imposes a measure and whom it is imposed on. A state's
    measure on its own firms, agencies or sector is allowed (same ref or jurisdiction on both
    sides, as in crackdowns): the target is then the mention naming them, not the actor's."""
    for i, measure in enumerate(items(ann, "measures")):
        actors = measure["actor_ids"]
        if not actors or not measure["target_ids"]:
            continue  # the common case: nothing to compare
        for j, entity_id in enumerate(measure["target_ids"]):
            if entity_id in actors:
                entity = entities.get(entity_id, {"text": "?"})
                yield Finding(
                    item_pointer("measures", (i, "target_ids", j)),
                    "actor-is-target",
                    f"{entity_id} ({entity['text']!r}) is both an actor and a target of "
                    f"{measure['id']}: one mention plays one part; link the mention that names "
                    "whom the measure is imposed on (a state's measure on its own firms targets "
                    "the firms), or leave target_ids empty and give target_jurisdictions",
                )


def _check_spans(spans: list[tuple[str, tuple, dict]], text: str) -> Iterator[Finding]:
    size = len(text)
    for kind, where, span in spans:
        start, end, span_text = span["start"], span["end"], span["text"]
        well_formed = start < end <= size and text[start:end] == span_text
        if well_formed and not (span_text[0].isspace() or span_text[-1].isspace()):
            # ASCII on both sides of both edges: no control, no cluster to split (the common
            # case, told without a function call: a str knows whether it is ASCII)
            ascii_edges = (
                span_text.isascii()
                and (start == 0 or text[start - 1] < "\x80")
                and (end == size or text[end] < "\x80")
            )
            if ascii_edges or _edges_clean(text, start, end, span_text):
                continue  # the common case: nothing to report
            yield from _check_edges(item_pointer(kind, where), text, start, end, span_text)
            continue
        ptr = item_pointer(kind, where)
        if start >= end:
            yield Finding(ptr, "span-order", f"start {start} must be less than end {end}")
        elif end > size:
            yield Finding(
                ptr,
                "span-bounds",
                f"span [{start}, {end}) runs past the end of the text ({size} code points)",
            )
        elif text[start:end] != span_text:
            yield Finding(
                f"{ptr}/text",
                "span-text",
                f"text {span_text!r} differs from the raw text at [{start}, {end}): "
                f"{text[start:end]!r}{_where_else(text, span_text, start)}",
            )
        else:
            trimmed = span_text.strip()
            lead = len(span_text) - len(span_text.lstrip())
            yield Finding(
                ptr,
                "span-whitespace",
                f"span {span_text!r} begins or ends with white space; trim it to "
                f"[{start + lead}, {start + lead + len(trimmed)})",
            )


def _edges_clean(text: str, start: int, end: int, span_text: str) -> bool:
    return (
        span_text[0] not in INVISIBLE_CONTROLS
        and span_text[-1] not in INVISIBLE_CONTROLS
        and cluster_at(text, start) is None
        and cluster_at(text, end) is None
    )


def _check_edges(ptr: str, text: str, start: int, end: int, span_text: str) -> Iterator[Finding]:
    """A trimmed span's edges: no invisible control at either end (it is no part of a name,
    and a reader cannot see where the span ends), no end inside a grapheme cluster."""
    if span_text[0] in INVISIBLE_CONTROLS or span_text[-1] in INVISIBLE_CONTROLS:
        edges = {span_text[0], span_text[-1]} & INVISIBLE_CONTROLS
        names = ", ".join(sorted(f"U+{ord(c):04X} {unicodedata.name(c, '')}" for c in edges))
        lead, kept = _visible(span_text)
        fix = (
            f"trim it to [{start + lead}, {start + lead + kept})"
            if kept
            else "it holds nothing visible: delete it"
        )
        yield Finding(
            ptr,
            "span-invisible",
            f"span {span_text!r} begins or ends with an invisible control ({names}), which is "
            f"no part of what it marks; {fix}",
        )
    for edge, at in (("start", start), ("end", end)):
        cluster = cluster_at(text, at)
        if cluster is not None:
            first, last = cluster
            points = " + ".join(f"U+{ord(c):04X}" for c in text[first:last])
            yield Finding(
                ptr,
                "span-grapheme",
                f"{edge} {at} falls inside the character {text[first:last]!r} at [{first}, "
                f"{last}) ({points}, one grapheme cluster: a reader sees one character); a span "
                f"{'begins' if edge == 'start' else 'ends'} between characters: {edge} it at "
                f"{first} or {last}",
            )


def _visible(span_text: str) -> tuple[int, int]:
    """Where the span's text is left without invisible controls and white space at its ends:
    (code points before, code points kept)."""

    def hidden(c: str) -> bool:
        return c.isspace() or c in INVISIBLE_CONTROLS

    lead = next((k for k, c in enumerate(span_text) if not hidden(c)), len(span_text))
    tail = next((k for k, c in enumerate(reversed(span_text)) if not hidden(c)), 0)
    return lead, max(0, len(span_text) - lead - tail)


def _check_quote_parts(ann: dict) -> Iterator[Finding]:
    """A quote's cue, source and content spans are distinct parts of the attribution (PARC 3.0):
    none lies inside another, and no content span is listed twice."""
    for i, quote in enumerate(items(ann, "quotes")):
        parts = [(f"content {j}", ("content", j), s) for j, s in enumerate(quote["content"])]
        parts.append(("the cue", ("cue",), quote["cue"]))
        if quote["source"] is not None:
            parts.append(("the source", ("source",), quote["source"]))
        for (name, where, span), (first_name, _, first) in _overlapping_pairs(parts):
            ptr = item_pointer("quotes", (i, *where))
            if (span["start"], span["end"]) == (first["start"], first["end"]):
                yield Finding(
                    ptr,
                    "quote-content-repeated"
                    if name.startswith("content")
                    else "quote-part-overlap",
                    f"{name} {_show(span)} repeats {first_name} of {quote['id']}: each part of a "
                    "quote is one distinct span; delete the repetition",
                )
            else:
                yield Finding(
                    ptr,
                    "quote-part-overlap",
                    f"{name} {_show(span)} overlaps {first_name} {_show(first)} of {quote['id']}: "
                    f"cue, source and content are distinct parts (PARC 3.0); {_part_hint(name)}",
                )


def _part_hint(name: str) -> str:
    """How to part two overlapping spans of a quote, `name` the later of the two."""
    if name == "the source":
        return "the source names who speaks and stays outside the cue and what is said"
    if name == "the cue":
        return (
            "content stops before the cue (an interrupted quote has one content span on each "
            "side of it)"
        )
    return "an interrupted quote's content spans are disjoint: end one where the next begins"


def _overlapping_pairs(parts: list[tuple]) -> Iterator[tuple[tuple, tuple]]:
    """Each part that overlaps an earlier one, with the first such earlier part (a quote has a
    handful of parts, so every pair is compared)."""
    for k, part in enumerate(parts):
        span = part[2]
        for earlier in parts[:k]:
            if earlier[2]["start"] < span["end"] and span["start"] < earlier[2]["end"]:
                yield part, earlier
                break


def _check_overlaps(ann: dict, spans: list[tuple[str, tuple, dict]]) -> Iterator[Finding]:
    # (start, end, index) is unique, so sorting never compares the entities themselves
    entities = sorted((e["start"], e["end"], i, e) for i, e in enumerate(items(ann, "entities")))
    for (_, prev_end, _, prev), (start, _, i, entity) in itertools.pairwise(entities):
        if start < prev_end:
            yield Finding(
                item_pointer("entities", (i,)),
                "entity-overlap",
                f"{entity['id']} {_show(entity)} overlaps {prev['id']} {_show(prev)}; "
                "entities are flat",
            )
    noise = sorted((n["start"], n["end"], n["id"]) for n in items(ann, "noise"))
    if not noise:
        return
    starts = [n[0] for n in noise]
    reach = list(itertools.accumulate((n[1] for n in noise), max))  # furthest end so far
    for kind, where, span in spans:
        # candidates: noise spans starting before this span ends; none overlaps it if the
        # furthest of their ends is at or before its start (the common case)
        candidates = bisect.bisect_left(starts, span["end"])
        if not candidates or reach[candidates - 1] <= span["start"]:
            continue
        for n_start, n_end, n_id in noise[:candidates]:
            if kind == "noise" and (n_start, n_id) >= (span["start"], span["id"]):
                continue  # each pair of noise spans is reported once, by the later one
            if n_end > span["start"]:
                what = span["id"] if kind in ("noise", "entities") else "this span"
                yield Finding(
                    item_pointer(kind, where),
                    "noise-overlap",
                    f"{what} {_show(span)} overlaps noise {n_id} [{n_start}, {n_end}); "
                    "nothing may overlap page furniture",
                )
                break


def _show(span: dict) -> str:
    return f"[{span['start']}, {span['end']}) {span['text']!r}"


def _where_else(text: str, wanted: str, near: int) -> str:
    """A hint for shifted offsets: where the wanted text does occur, nearest first."""
    positions = []
    pos = text.find(wanted)
    while pos != -1 and len(positions) < 50:
        positions.append(pos)
        pos = text.find(wanted, pos + 1)
    if not positions:
        return "; the text does not occur anywhere in the document"
    best = min(positions, key=lambda p: abs(p - near))
    return f"; it occurs at [{best}, {best + len(wanted)})"


def _either(labels) -> str:
    names = sorted(labels)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _slug(text: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split()) or "name"
