"""The peer the build is compared with: what a user would write to make the same release.

    python benchmarks/peer.py CORPUS OUT --validator jsonschema|jsonschema-rs|none

It reads every file with Python's `json`, validates each one against the project's JSON
Schemas file by file (`jsonschema`, the reference validator, or `jsonschema-rs`), and writes
every config of the release, `documents`, `layers`, `entities`, `quotes`, `measures` and
sentence-level `ner`, one `datasets.Dataset.from_generator(...).to_parquet(...)` per config
and split, with the release's features (so `datasets` encodes the labels). Row-making is the
project's own (`rows`, `layers`, `ner.sentence_rows`), so the peer does the same work; what
differs is the plumbing: parsing, schema validation, and rows through `datasets` instead of
Arrow batches in worker processes. It does not make the semantic checks (offsets, texts,
references), the manifest, the card or the Croissant file, so it does less than `build`.
The runner sets HF_HOME and HF_DATASETS_CACHE to a fresh temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

VALIDATORS = ("jsonschema", "jsonschema-rs", "none")


def validator(kind: str, schema_name: str):
    """A function raising on a JSON value that does not fit the schema `schema_name`."""
    if kind == "none":
        return lambda value: None
    from tsr_news.scheme.schemas import fast_validator
    from tsr_news.scheme.schemas import validator as reference

    checker = (fast_validator if kind == "jsonschema-rs" else reference)(schema_name)
    return checker.validate


def read(path: Path, check) -> dict:
    value = json.loads(path.read_text(encoding="utf-8"))
    check(value)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--validator", choices=VALIDATORS, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    from tsr_news.corpus.loader import LoadedDocument
    from tsr_news.release import ner
    from tsr_news.release.features import features
    from tsr_news.release.layers import release_layer
    from tsr_news.release.rows import FLAT_CONFIGS, document_row, layer_rows
    from tsr_news.release.settings import read_settings
    from tsr_news.scheme.schemas import ANNOTATION_SCHEMA, META_SCHEMA

    datasets.disable_progress_bars()
    check_meta = validator(args.validator, META_SCHEMA)
    check_annotation = validator(args.validator, ANNOTATION_SCHEMA)
    fallback = read_settings(args.corpus).fallback_layers
    raw, annotations = args.corpus / "raw", args.corpus / "annotations"
    layer_dirs = sorted(p for p in (annotations / "layers").glob("*") if p.is_dir())
    rows: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for meta_path in sorted(raw.glob("*.meta.json")):
        doc_id = meta_path.name.removesuffix(".meta.json")
        meta = read(meta_path, check_meta)
        text = (raw / f"{doc_id}.txt").read_text(encoding="utf-8")
        gold_path = annotations / f"{doc_id}.json"
        gold = read(gold_path, check_annotation) if gold_path.is_file() else None
        layers = {
            d.name: read(d / f"{doc_id}.json", check_annotation)
            for d in layer_dirs
            if (d / f"{doc_id}.json").is_file()
        }
        document = LoadedDocument(doc_id, [], 0, meta=meta, text=text, gold=gold, layers=layers)
        layer = release_layer(document, fallback)
        split = meta["split"]
        rows["documents", split].append(document_row(document, layer))
        rows["layers", split].extend(layer_rows(document, layer))
        if layer is None:
            continue
        refs = {e["id"]: e.get("ref") for e in layer.items("entities")}
        for kind in FLAT_CONFIGS:
            if kind not in layer.file["layers"]:
                continue
            for item in layer.items(kind):
                row = {"doc_id": doc_id, "layer": layer.name, "origin": layer.kind_origin(kind)}
                row.update(item)
                for ids in ("speaker_ids", "actor_ids", "target_ids"):
                    if ids in item:
                        row[ids.replace("_ids", "_refs")] = [refs[i] for i in item[ids]]
                rows[kind, split].append(row)
        if ner.tagged(layer):
            rows["ner", split].extend(_ner_rows(text, layer, doc_id))
    for (config, split), config_rows in sorted(rows.items()):
        config_features = features(config)

        def generate(config_rows=config_rows, config_features=config_features):
            for row in config_rows:
                yield {key: row.get(key) for key in config_features}

        dataset = datasets.Dataset.from_generator(generate, features=config_features)
        target = args.out / config / f"{split}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        dataset.to_parquet(str(target))
    print(f"{sum(len(r) for (c, _), r in rows.items() if c == 'documents')} documents")
    return 0


def _ner_rows(text: str, layer, doc_id: str) -> list[dict]:
    from tsr_news.release import ner

    entities = [(e["start"], e["end"], e["label"]) for e in layer.items("entities")]
    noise = [(n["start"], n["end"]) for n in layer.items("noise")]
    names = ner.tag_names()
    source = {"doc_id": doc_id, "layer": layer.name, "origin": layer.kind_origin("entities")}
    rows = ner.sentence_rows(text, entities, noise).as_rows(text)
    return [{**source, **row, "ner_tags": [names[t] for t in row["ner_tags"]]} for row in rows]


if __name__ == "__main__":
    sys.exit(main())
