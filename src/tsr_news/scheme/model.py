"""The typed corpus: documents, their metadata and their annotation layers.

Every class mirrors its JSON object one to one (same field names, same nesting), so that
`from_json` and `to_json` are a single generic conversion and files round-trip exactly.
Objects are built only from JSON that passed the schema (see `loader`), so conversion trusts
its input. Optional attributes are omitted from JSON when None, except those marked
`keep_null` (a quote's `source`, whose null is a statement: "no source expression").
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

LAYER_KINDS = ("noise", "entities", "quotes", "measures")
# the field that labels a layer's items, and the taxonomy inventory its values come from
LABEL_FIELD = {"noise": "kind", "entities": "label", "quotes": "type", "measures": "type"}
LABEL_INVENTORY = {
    "noise": "noise_kind",
    "entities": "entity_label",
    "quotes": "quote_type",
    "measures": "measure_type",
}


# A nullable field that is required in JSON: its null is written, not omitted.
KEEP_NULL = {"keep_null": True}


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of raw text: code-point offsets, `end` exclusive, `text == raw[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Noise:
    id: str
    kind: str
    start: int
    end: int
    text: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    label: str
    start: int
    end: int
    text: str
    ref: str | None = None
    gpe_role: str | None = None
    org_type: str | None = None
    norm: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True)
class Channel:
    start: int
    end: int
    text: str
    entity_ids: tuple[str, ...]

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    id: str
    type: str
    content: tuple[Span, ...]
    cue: Span
    source: Span | None = field(metadata=KEEP_NULL)
    speaker_ids: tuple[str, ...]
    speaker_text: str
    channel: Channel | None = None
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimeLink:
    entity_id: str
    role: str


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    type: str
    trigger: Span
    status: str
    specificity: str
    actor_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    target_jurisdictions: tuple[str, ...]
    sectors: tuple[str, ...]
    time: tuple[TimeLink, ...]
    magnitude_ids: tuple[str, ...]
    instrument: str | None = None
    scope: Span | None = None
    actor_text: str | None = None
    actor_jurisdiction: str | None = None
    target_text: str | None = None


@dataclass(frozen=True, slots=True)
class Layer:
    """One kind of annotation (noise, entities, quotes or measures) by one annotator."""

    annotator: str
    origin: str
    items: tuple
    model: str | None = None


ITEM_TYPES: dict[str, type] = {
    "noise": Noise,
    "entities": Entity,
    "quotes": Quote,
    "measures": Measure,
}


@dataclass(frozen=True, slots=True)
class AnnotationFile:
    """The annotations of one document by one annotator (or the adjudicated gold)."""

    doc_id: str
    text_sha256: str
    layers: dict[str, Layer]
    schema_version: int = 1

    def items(self, kind: str) -> tuple:
        layer = self.layers.get(kind)
        return layer.items if layer else ()

    @classmethod
    def from_json(cls, data: dict) -> AnnotationFile:
        layers = {
            kind: Layer(
                annotator=raw["annotator"],
                origin=raw["origin"],
                model=raw.get("model"),
                items=tuple(from_json(ITEM_TYPES[kind], item) for item in raw["items"]),
            )
            for kind, raw in data["layers"].items()
        }
        return cls(
            doc_id=data["doc_id"],
            text_sha256=data["text_sha256"],
            layers=layers,
            schema_version=data["schema_version"],
        )

    def to_json(self) -> dict:
        layers = {}
        for kind in LAYER_KINDS:
            if kind in self.layers:
                layer = self.layers[kind]
                out = {"annotator": layer.annotator, "origin": layer.origin}
                if layer.model is not None:
                    out["model"] = layer.model
                out["items"] = [to_json(item) for item in layer.items]
                layers[kind] = out
        return {
            "schema_version": self.schema_version,
            "doc_id": self.doc_id,
            "text_sha256": self.text_sha256,
            "layers": layers,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentMeta:
    """Provenance of one raw article (`raw/<doc_id>.meta.json`)."""

    schema_version: int
    doc_id: str
    title: str
    publisher: str
    original_publisher: str
    url: str | None = field(metadata=KEEP_NULL)
    published: str
    date_confidence: str
    language: str
    text_condition: str
    story_cluster: str
    split: str
    rights: str
    text_sha256: str
    provenance_notes: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A raw article with its metadata, gold annotations and per-annotator layers."""

    meta: DocumentMeta
    text: str
    gold: AnnotationFile | None
    layers: dict[str, AnnotationFile]

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    @property
    def human_annotators(self) -> list[str]:
        """The annotators whose layers here are all human work (no model's prediction)."""
        return human_annotators(
            {a: [layer.origin for layer in f.layers.values()] for a, f in self.layers.items()}
        )


def human_annotators(origins: dict[str, list[str]]) -> list[str]:
    """Of `origins` (annotator -> the origin of each of their layers of a document), the
    annotators whose layers are all human work, sorted."""
    return sorted(
        a for a, layer_origins in origins.items() if all(o == "human" for o in layer_origins)
    )


# -- generic conversion between JSON values and the dataclasses above --------------------------


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, hints[f.name], f.metadata.get("keep_null", False)) for f in dataclasses.fields(cls)
    )


def _identity(value: Any) -> Any:
    return value


@cache
def _converter(tp: Any) -> Callable[[Any], Any]:
    """A function turning a JSON value into a value of type `tp`, worked out once per type
    (inspecting type hints per value would dominate the cost of loading a large corpus)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        convert = _converter(inner)
        return lambda value: None if value is None else convert(value)
    if origin is tuple:
        convert = _converter(typing.get_args(tp)[0])
        return tuple if convert is _identity else lambda value: tuple(map(convert, value))
    if dataclasses.is_dataclass(tp):
        fields = tuple((name, _converter(hint)) for name, hint, _ in _fields(tp))
        return lambda value: tp(
            **{name: convert(value[name]) for name, convert in fields if name in value}
        )
    return _identity


def from_json(cls: type[T], data: dict) -> T:
    """Build a dataclass from a schema-valid JSON object."""
    return _converter(cls)(data)


@cache
def _writer(tp: Any) -> Callable[[Any], Any] | None:
    """A function turning a value of type `tp` into JSON, worked out once per type; None
    where the value is already JSON (a string, a number)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        write = _writer(inner)
        return None if write is None else lambda value: None if value is None else write(value)
    if origin is tuple:
        write = _writer(typing.get_args(tp)[0])
        return list if write is None else lambda value: [write(v) for v in value]
    if dataclasses.is_dataclass(tp):
        fields = tuple((name, _writer(hint), keep_null) for name, hint, keep_null in _fields(tp))

        def write_object(obj: Any) -> dict:
            out = {}
            for name, write, keep_null in fields:
                value = getattr(obj, name)
                if value is not None:
                    out[name] = value if write is None else write(value)
                elif keep_null:
                    out[name] = None
            return out

        return write_object
    return None


def to_json(obj: Any) -> Any:
    """The JSON value of a dataclass (None-valued optional fields omitted), tuple or scalar."""
    if dataclasses.is_dataclass(obj):
        return _writer(type(obj))(obj)
    if isinstance(obj, tuple | list):
        return [to_json(v) for v in obj]
    return obj
