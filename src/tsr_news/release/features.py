"""The one definition of the release's columns: `datasets.Features` per config.

Types are derived from the taxonomy, so a new label is one edit in `schema/`. The rule for
label-valued fields: every field whose values come from a taxonomy inventory is a `ClassLabel`
whose names are that inventory's values in taxonomy order (so the dataset carries its label
set, and `ner_tags` works with `transformers` as is); an optional attribute that is absent is
null. Lists of scalars and labels are `List(...)`; lists of records are `List({...})` (never
`Sequence({...})`, which `datasets` turns into a dict of lists). The Arrow schema of every
Parquet file is `features.arrow_schema`, which embeds these features under the `huggingface`
metadata key, so `load_dataset` gets the exact types back.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from tsr_news.release.arrow import Encoding, Labels, ListOf, Record, RowSchema
from tsr_news.release.ner import tag_names
from tsr_news.release.rows import CONFIGS, FLAT_CONFIGS, ROW_CONFIGS
from tsr_news.scheme.schemas import taxonomy

DEFAULT_CONFIG = "documents"

STRING = Value("string")
INT = Value("int64")


def label(inventory: str) -> ClassLabel:
    """A ClassLabel over one taxonomy inventory, in taxonomy order."""
    return ClassLabel(names=list(taxonomy()[inventory].values))


def span() -> dict:
    return {"start": INT, "end": INT, "text": STRING}


def _noise() -> dict:
    return {"id": STRING, "kind": label("noise_kind"), **span()}


def _entity() -> dict:
    return {
        "id": STRING,
        "label": label("entity_label"),
        **span(),
        "ref": STRING,
        "gpe_role": label("gpe_role"),
        "org_type": label("org_type"),
        "norm": STRING,
    }


def _channel() -> dict:
    return {**span(), "entity_ids": List(STRING)}


def _quote(extra: dict) -> dict:
    """A quote's fields; `extra` goes after `speaker_text` (the flat config adds refs there)."""
    return {
        "id": STRING,
        "type": label("quote_type"),
        "content": List(span()),
        "cue": span(),
        "source": span(),
        "speaker_ids": List(STRING),
        "speaker_text": STRING,
        **extra,
        "channel": _channel(),
        "flags": List(label("quote_flag")),
    }


def _measure(actor_refs: dict, target_refs: dict) -> dict:
    """A measure's fields; the flat config adds the actors' and targets' entity refs."""
    return {
        "id": STRING,
        "type": label("measure_type"),
        "instrument": label("measure_instrument"),
        "trigger": span(),
        "scope": span(),
        "status": label("measure_status"),
        "specificity": label("measure_specificity"),
        "actor_ids": List(STRING),
        **actor_refs,
        "actor_text": STRING,
        "actor_jurisdiction": label("jurisdiction"),
        "target_ids": List(STRING),
        **target_refs,
        "target_text": STRING,
        "target_jurisdictions": List(label("jurisdiction")),
        "sectors": List(label("sector")),
        "time": List({"entity_id": STRING, "role": label("time_role")}),
        "magnitude_ids": List(STRING),
    }


def source() -> dict:
    """Where a row's annotations came from: the layer (`gold` or the annotator id) and its
    origin (`human` or `prediction`; null with `layer` for a document without annotations)."""
    return {"layer": STRING, "origin": label("origin")}


def _annotations() -> dict:
    """A whole layer, as `documents` (its release layer) and `layers` (every layer) nest it."""
    return {
        **source(),
        "layer_sources": List(
            {"kind": STRING, "annotator": STRING, "origin": label("origin"), "model": STRING}
        ),
        "annotated_layers": List(STRING),
        "noise": List(_noise()),
        "entities": List(_entity()),
        "quotes": List(_quote({})),
        "measures": List(_measure({}, {})),
    }


def documents() -> Features:
    return Features(
        {
            "doc_id": STRING,
            "title": STRING,
            "publisher": STRING,
            "original_publisher": STRING,
            "url": STRING,
            "published": STRING,
            "date_confidence": label("date_confidence"),
            "language": STRING,
            "text_condition": label("text_condition"),
            "story_cluster": STRING,
            "split": label("split"),
            "rights": STRING,
            "provenance_notes": STRING,
            "text": STRING,
            "text_sha256": STRING,
            **_annotations(),
        }
    )


def layers() -> Features:
    return Features({"doc_id": STRING, "released": Value("bool"), **_annotations()})


def entities() -> Features:
    return Features({"doc_id": STRING, **source(), **_entity()})


def quotes() -> Features:
    return Features({"doc_id": STRING, **source(), **_quote({"speaker_refs": List(STRING)})})


def measures() -> Features:
    return Features(
        {
            "doc_id": STRING,
            **source(),
            **_measure({"actor_refs": List(STRING)}, {"target_refs": List(STRING)}),
        }
    )


def ner() -> Features:
    """One row per sentence (`ner.sentence_rows`): code point offsets into the document's text."""
    return Features(
        {
            "doc_id": STRING,
            **source(),
            "sentence": INT,
            "start": INT,
            "end": INT,
            "tokens": List(STRING),
            "token_starts": List(INT),
            "token_ends": List(INT),
            "ner_tags": List(ClassLabel(names=list(tag_names()))),
        }
    )


@cache
def features(config: str) -> Features:
    """The features of one config (one of rows.CONFIGS)."""
    return {
        "documents": documents,
        "layers": layers,
        "entities": entities,
        "quotes": quotes,
        "measures": measures,
        "ner": ner,
    }[config]()


def with_names(feature, value):
    """A value of `feature` as read from Parquet, its ClassLabel ids turned into label names."""
    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, List):
        return [with_names(feature.feature, item) for item in value]
    if isinstance(feature, dict):
        return {name: with_names(feature[name], item) for name, item in value.items()}
    return value


@cache
def row_schemas() -> dict[str, RowSchema]:
    """Config (of rows.ROW_CONFIGS and FLAT_CONFIGS: the per-annotation configs need only
    their column names, `flat`) -> what `arrow.table` needs to turn its rows into tables of
    its features, in pyarrow terms that worker processes can take without `datasets`."""
    return {config: _row_schema(features(config)) for config in (*ROW_CONFIGS, *FLAT_CONFIGS)}


@cache
def file_schemas() -> dict[str, pa.Schema]:
    """Config -> the Arrow schema of its Parquet files, the features embedded in its metadata
    (`Features.arrow_schema`), for worker processes that write them without `datasets`."""
    return {config: features(config).arrow_schema for config in CONFIGS}


def _row_schema(config_features: Features) -> RowSchema:
    return RowSchema(
        named=pa.schema([pa.field(n, _named_type(f)) for n, f in config_features.items()]),
        encodings=tuple(_encoding(f) for f in config_features.values()),
    )


def _named_type(feature) -> pa.DataType:
    """The Arrow type of `feature` with each ClassLabel as a string (its name)."""
    if isinstance(feature, ClassLabel):
        return pa.string()
    if isinstance(feature, List):
        return pa.list_(_named_type(feature.feature))
    if isinstance(feature, dict):
        return pa.struct([pa.field(k, _named_type(f)) for k, f in feature.items()])
    return feature.pa_type


def _encoding(feature) -> Encoding | None:
    """How to turn the label names within `feature` into ids; None if it holds no labels."""
    if isinstance(feature, ClassLabel):
        return Labels(pa.array(feature.names, pa.string()))
    if isinstance(feature, List):
        item = _encoding(feature.feature)
        return ListOf(item) if item is not None else None
    if isinstance(feature, dict):
        fields = {name: _encoding(f) for name, f in feature.items()}
        return Record(fields) if any(e is not None for e in fields.values()) else None
    return None
