"""croissant.json: the release in Croissant 1.1 (MLCommons), written with mlcroissant's classes.

Written through `mlcroissant.Metadata` rather than as hand-made JSON-LD, so the file is the
shape the reference reader expects (its `to_json` is sorted, so the bytes are deterministic;
mlcroissant is pinned exactly, as pyarrow is). The test reads records from every record set
with mlcroissant, of the repository's release and of a 2,000-document synthetic one.

- **Files.** One `cr:FileObject` per Parquet shard (with its sha256), one `cr:FileSet` per
  config that the config's record set reads.
- **Record sets.** One per config, its fields derived from the config's `datasets.Features`
  and described by `descriptions`. mlcroissant reads records nested one level: a record or a
  list of records in a column has `subField`s; inside one of those, a record is given as
  flattened fields (`cue.start`, read by JSON path), and a list of records (a quote's
  `content` spans, a measure's `time` links, inside `documents` and `layers`) is left out, as
  mlcroissant 1.1 cannot read a list of records inside a list of records from Parquet (it
  takes the first match of a JSON path); the field's description says so and where the flat
  record sets (`quotes`, `measures`) have them.
- **Splits.** The `split` record set (`cr:Split`, with `cr:TrainingSplit`, ...) is also the
  label set of the `split` ClassLabel; every record set has a `split` field referencing it:
  `documents` its column, the others the split named in the shard's path.
- **Labels as data.** Each ClassLabel's names are an enumeration record set (`id`, `name`,
  `definition` from the taxonomy) that the label fields reference by id.
- **Responsible AI.** The `rai:` fields the datasheet answers, taken from its bullets, and
  the annotations per item and the machine annotation tools, counted from the release.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlcroissant as mlc
from datasets import ClassLabel, List
from rdflib.namespace import SDO

from tsr_news import __version__
from tsr_news.release import project
from tsr_news.release.datasheet import Statistics, answers
from tsr_news.release.descriptions import LabelSet, describe, label_set, walk
from tsr_news.release.features import features
from tsr_news.release.parquet import SHARD_PATTERN

CROISSANT = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"
SPLIT = "split"
SPLIT_URLS = {
    "train": "cr:TrainingSplit",
    "validation": "cr:ValidationSplit",
    "test": "cr:TestSplit",
}
# Responsible-AI properties -> the datasheet bullets ("Section/Label") that answer them
RAI = {
    "data_collection": (
        "Collection process/How the texts were obtained",
        "Collection process/Consent",
    ),
    "data_annotation_protocol": ("Preprocessing, cleaning and labelling/Labelling",),
    "data_annotation_platform": ("Preprocessing, cleaning and labelling/Annotation platform",),
    "data_biases": ("Composition/Biases", "Composition/Text conditions"),
    "data_limitations": ("Maintenance/Known limitations",),
    "data_use_cases": ("Uses/Intended", "Uses/Not suitable for"),
    "data_social_impact": ("Uses/Risks",),
    "personal_sensitive_information": ("Composition/Confidential or sensitive data",),
    "data_release_maintenance_plan": ("Maintenance/Maintainers", "Maintenance/Versions"),
}
# the RAI properties mlcroissant types as one string (the others are lists of strings)
SINGLE = {"data_collection", "data_social_impact", "data_release_maintenance_plan"}


def metadata(
    splits: dict, statistics: Statistics, datasheet: str, withheld: bool, hashes: dict[str, str]
) -> mlc.Metadata:
    """The Croissant metadata of a release; `splits` as for the card, `hashes` the sha256 of
    each data file (taken as it was written)."""
    distribution: list = []
    record_sets = [_label_record_set(s, splits) for s in _label_sets(splits)]
    for config, by_split in splits.items():
        distribution += [
            mlc.FileObject(
                id=path,
                name=path,
                content_url=path,
                encoding_formats=[PARQUET],
                sha256=hashes[path],
            )
            for entry in by_split.values()
            for path in entry["paths"]
        ]
        distribution.append(
            mlc.FileSet(
                id=_files(config),
                name=_files(config),
                encoding_formats=[PARQUET],
                includes=[f"data/{config}/*.parquet"],
            )
        )
        record_sets.append(_record_set(config))
    licence = project.licence(withheld)
    return mlc.Metadata(
        name=project.NAME,
        description=f"{project.DESCRIPTION} {statistics.labels_statement()}",
        conforms_to=[CONFORMS_TO],
        cite_as=project.bibtex(),
        creators=[mlc.Organization(name=project.CREATOR, url=project.REPOSITORY)],
        keywords=list(project.KEYWORDS),
        in_language=[project.LANGUAGE],
        license=[licence.link],
        url=project.REPOSITORY,
        version=__version__,
        distribution=distribution,
        record_sets=record_sets,
        **_rai(statistics, datasheet),
    )


def write(
    release: Path,
    splits: dict,
    statistics: Statistics,
    datasheet: str,
    withheld: bool,
    hashes: dict[str, str],
) -> None:
    document = metadata(splits, statistics, datasheet, withheld, hashes).to_json()
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    (release / CROISSANT).write_text(text, encoding="utf-8")


def _rai(statistics: Statistics, datasheet: str) -> dict:
    said = answers(datasheet)
    out: dict = {}
    for prop, keys in RAI.items():
        found = [said[key] for key in keys if key in said]
        if found:
            out[prop] = " ".join(found) if prop in SINGLE else found
    out["annotations_per_item"] = statistics.annotations_per_item()
    tools = [f"{layer}: {model}" for layer, model in sorted(statistics.models.items())]
    if tools:
        out["machine_annotation_tools"] = tools
    return out


def _files(config: str) -> str:
    return f"parquet-{config}"


def _label_sets(splits: dict) -> list[LabelSet]:
    """The label sets of the ClassLabels in the configs present, by name."""
    found = {
        label_set(inner).name: label_set(inner)
        for config in splits
        for _, _, feature in walk(features(config), config)
        if isinstance(inner := _inner(feature), ClassLabel)
    }
    return [found[name] for name in sorted(found)]


def _label_record_set(labels: LabelSet, splits: dict) -> mlc.RecordSet:
    """An enumeration: one record per label id, with its name and definition (`split` is
    also Croissant's split record set)."""
    name = labels.name
    fields = [
        mlc.Field(id=f"{name}/id", name="id", data_types=[mlc.DataType.INTEGER]),
        mlc.Field(id=f"{name}/name", name="name", data_types=[mlc.DataType.TEXT]),
        mlc.Field(id=f"{name}/definition", name="definition", data_types=[mlc.DataType.TEXT]),
    ]
    data = [
        {f"{name}/id": i, f"{name}/name": label, f"{name}/definition": definition}
        for i, (label, definition) in enumerate(zip(labels.names, labels.definitions, strict=True))
    ]
    data_types = [SDO.Enumeration]
    if name == SPLIT:
        fields.append(mlc.Field(id=f"{name}/url", name="url", data_types=[mlc.DataType.URL]))
        data = [{**row, f"{name}/url": SPLIT_URLS[row[f"{name}/name"]]} for row in data]
        data_types = [mlc.DataType.SPLIT]
    return mlc.RecordSet(
        id=name,
        name=name,
        description=f"{labels.title}: the names of the ClassLabel ids, in id order.",
        data_types=data_types,
        key=[f"{name}/id"],
        fields=fields,
        data=data,
    )


def _record_set(config: str) -> mlc.RecordSet:
    config_features = features(config)
    fields = [_field(config, config, config, name, f) for name, f in config_features.items()]
    if SPLIT not in config_features:
        fields.append(
            mlc.Field(
                id=f"{config}/{SPLIT}",
                name=SPLIT,
                description="The split, as the shard's file name says.",
                data_types=[mlc.DataType.TEXT],
                source=mlc.Source(
                    file_set=_files(config),
                    extract=mlc.Extract(file_property=mlc.FileProperty.fullpath),
                    transforms=[mlc.Transform(regex=f"^(?:.*/)?data/{config}/{SHARD_PATTERN}$")],
                ),
                references=mlc.Source(field=f"{SPLIT}/name"),
            )
        )
    return mlc.RecordSet(
        id=config,
        name=config,
        description=f"The `{config}` config (one row of its Parquet files per record).",
        fields=fields,
    )


def _inner(feature):
    return feature.feature if isinstance(feature, List) else feature


def _field(config, field_id_parent, parent, name, feature, column=None, path=None):
    """The Croissant field of `feature` (named `name`, inside `parent`), read from the
    top-level `column` (by the JSON `path` inside it for a nested field)."""
    field_id = f"{field_id_parent}/{name}"
    description = describe(parent, name)
    repeated = isinstance(feature, List)
    inner = _inner(feature)
    if isinstance(inner, dict):  # a column of records (`_nested` flattens deeper ones)
        subs = []
        for key, sub in inner.items():
            subs += _nested(config, field_id, name, key, sub, name, key)
        return mlc.Field(
            id=field_id,
            name=name,
            description=description + _left_out(inner),
            repeated=repeated or None,
            sub_fields=subs,
        )
    label = isinstance(inner, ClassLabel)
    source = mlc.Source(
        file_set=_files(config),
        extract=mlc.Extract(column=column or name),
        transforms=[mlc.Transform(json_path=path)] if path else [],
    )
    return mlc.Field(
        id=field_id,
        name=name,
        description=description + (_label_note(inner) if label else ""),
        data_types=[mlc.DataType.INTEGER if label else _scalar(inner.dtype)],
        repeated=repeated or None,
        source=source,
        references=mlc.Source(field=f"{label_set(inner).name}/id") if label else mlc.Source(),
    )


def _nested(config, parent_id, parent, name, feature, column, path) -> list[mlc.Field]:
    """The sub-fields of one key of a column's records: a leaf, or a record's fields
    flattened (`cue.start`), or nothing for a list of records."""
    inner = _inner(feature)
    if not isinstance(inner, dict):
        return [_field(config, parent_id, parent, name, feature, column, path)]
    if isinstance(feature, List):
        return []
    flat = []
    for key, sub in inner.items():
        for leaf in _nested(config, parent_id, name, key, sub, column, f"{path}.{key}"):
            flat.append(_renamed(leaf, f"{name}.{leaf.name}", parent_id))
    return flat


def _renamed(field: mlc.Field, name: str, parent_id: str) -> mlc.Field:
    field.name = name
    field.id = f"{parent_id}/{name}"
    return field


def _left_out(record: dict) -> str:
    nested = [
        key
        for key, sub in record.items()
        if isinstance(sub, List) and isinstance(sub.feature, dict)
    ]
    if not nested:
        return ""
    return (
        " Left out here: "
        + ", ".join(f"`{key}`" for key in nested)
        + " (a list of records inside a list of records, which mlcroissant 1.1 cannot read "
        "from Parquet); the Parquet files have them, and the `quotes` and `measures` record "
        "sets give them for the release layer."
    )


def _label_note(feature: ClassLabel) -> str:
    labels = label_set(feature)
    return f" A ClassLabel id: its names are the `{labels.name}` record set."


def _scalar(dtype: str):
    return {"string": mlc.DataType.TEXT, "int64": mlc.DataType.INTEGER, "bool": mlc.DataType.BOOL}[
        dtype
    ]
