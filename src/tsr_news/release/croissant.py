"""croissant.json: the release described in Croissant 1.0 (MLCommons) JSON-LD.

One `cr:FileObject` per Parquet file (with its sha256), one `cr:FileSet` per config grouping
its files, and one `cr:RecordSet` per config whose fields are derived from the config's
`datasets.Features`: strings are `sc:Text`, integers and ClassLabel ids `sc:Integer` (the
label names are in the field's description), lists are `repeated`, records have `subField`s
read from the column by JSON path.
"""

from __future__ import annotations

import json
from pathlib import Path

from datasets import ClassLabel, List, Value

from tsr_news import __version__
from tsr_news.release.card import LICENSE_DETAILS
from tsr_news.release.features import features
from tsr_news.release.manifest import sha256_file

CROISSANT = "croissant.json"
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
PARQUET = "application/x-parquet"
CITATION = (
    "@misc{tsr_news, title = {Tech Self-Reliance News (tsr-news)}, "
    f"note = {{version {__version__}}}}}"
)


def _field(config: str, parent: str, name: str, feature, path: str | None = None) -> dict:
    """A Croissant field for one feature of `config`, below `parent` (the record set or a
    field); read from the top-level column of `path` (a JSON path within it if nested)."""
    field_id = f"{parent}/{name}"
    path = path or name
    column, _, inner_path = path.partition(".")
    source = {"fileSet": {"@id": f"files-{config}"}, "extract": {"column": column}}
    if inner_path:
        source["transform"] = {"jsonPath": inner_path}
    out = {"@type": "cr:Field", "@id": field_id, "name": name}
    repeated = isinstance(feature, List)
    inner = feature.feature if repeated else feature
    if isinstance(inner, dict):
        out["subField"] = [
            _field(config, field_id, key, sub, f"{path}.{key}") for key, sub in inner.items()
        ]
    else:
        out["dataType"] = "sc:Integer" if isinstance(inner, ClassLabel) else _scalar(inner)
        if isinstance(inner, ClassLabel):
            out["description"] = "label id; names in order: " + ", ".join(inner.names)
        out["source"] = source
    if repeated:
        out["repeated"] = True
    return out


def _scalar(value: Value) -> str:
    return {"string": "sc:Text", "int64": "sc:Integer", "bool": "sc:Boolean"}[value.dtype]


def document(splits: dict, sha256: dict[str, str]) -> dict:
    """The Croissant JSON-LD of a release; `splits` as for the card, `sha256` by file path."""
    distribution, record_sets = [], []
    for config in splits:
        for split, entry in splits[config].items():
            distribution.append(
                {
                    "@type": "cr:FileObject",
                    "@id": f"{config}-{split}",
                    "name": f"{config}-{split}",
                    "contentUrl": entry["path"],
                    "encodingFormat": PARQUET,
                    "sha256": sha256[entry["path"]],
                }
            )
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": f"files-{config}",
                "name": f"files-{config}",
                "encodingFormat": PARQUET,
                "includes": f"data/{config}/*.parquet",
            }
        )
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "field": [
                    _field(config, config, name, feature)
                    for name, feature in features(config).items()
                ],
            }
        )
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": "tsr-news",
        "description": "Tech Self-Reliance News: English news articles on technology "
        "self-reliance, export controls and sanctions, with stand-off annotations of page "
        "noise, named entities, quotes and policy measures.",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "citeAs": CITATION,
        "license": LICENSE_DETAILS,
        "url": "https://tsr-news.example/",
        "version": __version__,
        "distribution": distribution,
        "recordSet": record_sets,
    }


def write(release: Path, splits: dict) -> None:
    paths = [
        entry["path"] for entry_by_split in splits.values() for entry in entry_by_split.values()
    ]
    sha256 = {path: sha256_file(release / path) for path in paths}
    text = json.dumps(document(splits, sha256), indent=2, ensure_ascii=False) + "\n"
    (release / CROISSANT).write_text(text, encoding="utf-8")
