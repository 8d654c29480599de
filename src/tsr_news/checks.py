"""Semantic checks: what a JSON Schema cannot express about a schema-valid file.

Each check yields `Finding`s (pointer, code, message); the loader turns them into problems with
the file's path and line. Checks receive typed objects and never modify them: validation
reports, it does not repair.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from typing import NamedTuple

from tsr_news.model import LAYER_KINDS, AnnotationFile, DocumentMeta, Entity
from tsr_news.schemas import Taxonomy


class Finding(NamedTuple):
    pointer: str
    code: str
    message: str


def check_meta(meta: DocumentMeta, doc_id: str, text_sha256: str | None) -> Iterator[Finding]:
    if meta.doc_id != doc_id:
        yield Finding(
            "/doc_id",
            "doc-id-mismatch",
            f"doc_id {meta.doc_id!r} differs from the file name's {doc_id!r}",
        )
    if text_sha256 is not None and meta.text_sha256 != text_sha256:
        yield Finding(
            "/text_sha256",
            "text-hash",
            f"raw/{doc_id}.txt has sha256 {text_sha256}, not {meta.text_sha256}: raw text is "
            "immutable; restore it, or record a new version of the article deliberately",
        )


def check_annotations(
    ann: AnnotationFile,
    *,
    doc_id: str,
    text: str | None,
    text_sha256: str | None,
    taxonomy: Taxonomy,
    annotator: str | None,
) -> Iterator[Finding]:
    """All checks of one annotation file against its document.

    `annotator` is the layer directory's name for a per-annotator file, None for gold. `text`
    is None when the raw text could not be read; offsets are then not checked.
    """
    if ann.doc_id != doc_id:
        yield Finding(
            "/doc_id",
            "doc-id-mismatch",
            f"doc_id {ann.doc_id!r} differs from the file name's {doc_id!r}",
        )
    yield from _check_provenance(ann, annotator)
    yield from _check_ids(ann)
    entities = {e.id: e for e in ann.items("entities")}
    yield from _check_entity_attributes(ann, taxonomy)
    yield from _check_references(ann, entities, taxonomy)
    if text is None:
        return
    if text_sha256 is not None and ann.text_sha256 != text_sha256:
        yield Finding(
            "/text_sha256",
            "text-hash",
            f"the raw text changed after annotation: raw/{doc_id}.txt has sha256 {text_sha256}, "
            f"these annotations were made on {ann.text_sha256}; offsets are not checked until "
            "the spans are re-anchored on the new text and text_sha256 is updated",
        )
        return
    span_findings = list(_check_spans(ann, text))
    yield from span_findings
    if not span_findings:  # overlaps are only meaningful between well-formed spans
        yield from _check_overlaps(ann)


def iter_spans(ann: AnnotationFile) -> Iterator[tuple[str, str, object]]:
    """Every span of the file as (kind, pointer, span-like object with start/end/text)."""
    for kind in LAYER_KINDS:
        for i, item in enumerate(ann.items(kind)):
            base = f"/layers/{kind}/items/{i}"
            if kind in ("noise", "entities"):
                yield kind, base, item
            elif kind == "quotes":
                for j, span in enumerate(item.content):
                    yield kind, f"{base}/content/{j}", span
                yield kind, f"{base}/cue", item.cue
                if item.source is not None:
                    yield kind, f"{base}/source", item.source
                if item.channel is not None:
                    yield kind, f"{base}/channel", item.channel
            else:
                yield kind, f"{base}/trigger", item.trigger
                if item.scope is not None:
                    yield kind, f"{base}/scope", item.scope


def _check_provenance(ann: AnnotationFile, annotator: str | None) -> Iterator[Finding]:
    for kind, layer in ann.layers.items():
        ptr = f"/layers/{kind}"
        if layer.origin == "prediction" and layer.model is None:
            yield Finding(ptr, "layer-provenance", "a prediction layer must name its 'model'")
        if layer.origin != "prediction" and layer.model is not None:
            yield Finding(
                f"{ptr}/model",
                "layer-provenance",
                f"'model' belongs only to prediction layers; this one's origin is {layer.origin!r}",
            )
        if annotator is None and layer.origin != "human":
            yield Finding(
                f"{ptr}/origin",
                "layer-provenance",
                "gold is human work: a prediction becomes gold only after a person accepts it",
            )
        if annotator is not None and layer.annotator != annotator:
            yield Finding(
                f"{ptr}/annotator",
                "annotator-mismatch",
                f"annotator {layer.annotator!r} differs from the layer directory {annotator!r}",
            )


def _check_ids(ann: AnnotationFile) -> Iterator[Finding]:
    first_seen: dict[str, str] = {}
    for kind in LAYER_KINDS:
        for i, item in enumerate(ann.items(kind)):
            ptr = f"/layers/{kind}/items/{i}/id"
            if item.id in first_seen:
                yield Finding(
                    ptr, "duplicate-id", f"id {item.id} is already used at {first_seen[item.id]}"
                )
            else:
                first_seen[item.id] = ptr


def _check_entity_attributes(ann: AnnotationFile, taxonomy: Taxonomy) -> Iterator[Finding]:
    for i, entity in enumerate(ann.items("entities")):
        base = f"/layers/entities/items/{i}"
        prefix = taxonomy.ref_prefixes.get(entity.label)
        if prefix and entity.ref is None:
            yield Finding(
                base,
                "missing-attribute",
                f"{entity.id} ({entity.label}) needs a ref such as '{prefix}:{_slug(entity.text)}'",
            )
        elif prefix and not entity.ref.startswith(prefix + ":"):
            yield Finding(
                f"{base}/ref",
                "ref-prefix",
                f"ref {entity.ref!r} of a {entity.label} entity must start with '{prefix}:'",
            )
        for attribute in taxonomy.entity_attributes.values():
            value = getattr(entity, attribute.name)
            if value is not None and entity.label not in attribute.labels:
                yield Finding(
                    f"{base}/{attribute.name}",
                    "attribute-label",
                    f"{attribute.name} belongs only on {_either(attribute.labels)} entities; "
                    f"{entity.id} is {entity.label}",
                )
            if value is None and attribute.required and entity.label in attribute.labels:
                choices = ", ".join(taxonomy[attribute.name].values)
                yield Finding(
                    base,
                    "missing-attribute",
                    f"{entity.id} ({entity.label}) needs {attribute.name} (one of {choices})",
                )


def _check_references(
    ann: AnnotationFile, entities: dict[str, Entity], taxonomy: Taxonomy
) -> Iterator[Finding]:
    for ptr, field, entity_id in _references(ann):
        entity = entities.get(entity_id)
        allowed = taxonomy.reference_labels[field]
        if entity is None:
            yield Finding(
                ptr, "dangling-reference", f"{entity_id} is not an entity of this file ({field})"
            )
        elif entity.label not in allowed:
            yield Finding(
                ptr,
                "reference-label",
                f"{entity_id} ({entity.text!r}) is {entity.label}; {field} must point to "
                f"{_either(allowed)}",
            )


def _references(ann: AnnotationFile) -> Iterator[tuple[str, str, str]]:
    """Every entity reference as (pointer, field, entity id)."""
    for i, quote in enumerate(ann.items("quotes")):
        base = f"/layers/quotes/items/{i}"
        for j, entity_id in enumerate(quote.speaker_ids):
            yield f"{base}/speaker_ids/{j}", "speaker_ids", entity_id
        if quote.channel is not None:
            for j, entity_id in enumerate(quote.channel.entity_ids):
                yield f"{base}/channel/entity_ids/{j}", "channel", entity_id
    for i, measure in enumerate(ann.items("measures")):
        base = f"/layers/measures/items/{i}"
        for field in ("actor_ids", "target_ids", "magnitude_ids"):
            for j, entity_id in enumerate(getattr(measure, field)):
                yield f"{base}/{field}/{j}", field, entity_id
        for j, link in enumerate(measure.time):
            yield f"{base}/time/{j}/entity_id", "time", link.entity_id


def _check_spans(ann: AnnotationFile, text: str) -> Iterator[Finding]:
    size = len(text)
    for _, ptr, span in iter_spans(ann):
        start, end = span.start, span.end
        if start >= end:
            yield Finding(ptr, "span-order", f"start {start} must be less than end {end}")
        elif end > size:
            yield Finding(
                ptr,
                "span-bounds",
                f"span [{start}, {end}) runs past the end of the text ({size} code points)",
            )
        elif text[start:end] != span.text:
            yield Finding(
                f"{ptr}/text",
                "span-text",
                f"text {span.text!r} differs from the raw text at [{start}, {end}): "
                f"{text[start:end]!r}{_where_else(text, span.text, start)}",
            )
        elif span.text[0].isspace() or span.text[-1].isspace():
            trimmed = span.text.strip()
            lead = len(span.text) - len(span.text.lstrip())
            yield Finding(
                ptr,
                "span-whitespace",
                f"span {span.text!r} begins or ends with white space; trim it to "
                f"[{start + lead}, {start + lead + len(trimmed)})",
            )


def _check_overlaps(ann: AnnotationFile) -> Iterator[Finding]:
    entities = sorted(
        ((e.start, e.end, i, e) for i, e in enumerate(ann.items("entities"))),
        key=lambda t: (t[0], t[1], t[2]),
    )
    for (_, prev_end, _, prev), (start, _, i, entity) in itertools.pairwise(entities):
        if start < prev_end:
            yield Finding(
                f"/layers/entities/items/{i}",
                "entity-overlap",
                f"{entity.id} {_show(entity)} overlaps {prev.id} {_show(prev)}; entities are flat",
            )
    noise = sorted((n.start, n.end, n.id) for n in ann.items("noise"))
    starts = [n[0] for n in noise]
    for kind, ptr, span in iter_spans(ann):
        # candidates: noise spans starting before this span ends
        for n_start, n_end, n_id in noise[: bisect.bisect_left(starts, span.end)]:
            if kind == "noise" and (n_start, n_id) >= (span.start, span.id):
                continue  # each pair of noise spans is reported once, by the later one
            if n_end > span.start:
                what = span.id if kind in ("noise", "entities") else "this span"
                yield Finding(
                    ptr,
                    "noise-overlap",
                    f"{what} {_show(span)} overlaps noise {n_id} [{n_start}, {n_end}); "
                    "nothing may overlap page furniture",
                )
                break


def _show(span) -> str:
    return f"[{span.start}, {span.end}) {span.text!r}"


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
