"""The reference the build is compared with: `datasets` writing the documents table alone.

    python benchmarks/datasets_reference.py prep CORPUS JSONL   # untimed
    python benchmarks/datasets_reference.py run JSONL OUT.parquet  # timed by the runner

`prep` writes one JSON object per document: the metadata (without schema_version), the text
and the gold layers as nested lists, every optional attribute present (null when absent) so
that the rows share one schema, as in the release's `documents` config. `run` does what a
user of `datasets` would: `Dataset.from_json(JSONL).to_parquet(OUT)`, with a fresh cache
directory and the Hugging Face hub offline (the runner sets HF_HOME and HF_DATASETS_CACHE to
a fresh temporary directory too).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

LAYERS = ("noise", "entities", "quotes", "measures")
OPTIONAL = {
    "entities": ("ref", "gpe_role", "org_type", "norm"),
    "quotes": ("channel",),
    "measures": ("instrument", "scope", "actor_text", "actor_jurisdiction", "target_text"),
}


def prep(corpus: Path, jsonl: Path) -> int:
    """Write the documents of a (valid) corpus as JSON Lines; the number of documents."""
    count = 0
    with open(jsonl, "w", encoding="utf-8") as out:
        for meta_path in sorted((corpus / "raw").glob("*.meta.json")):
            doc_id = meta_path.name[: -len(".meta.json")]
            meta = json.loads(meta_path.read_bytes())
            meta.pop("schema_version")
            meta.setdefault("provenance_notes", None)
            text = (corpus / "raw" / f"{doc_id}.txt").read_bytes().decode("utf-8")
            gold_path = corpus / "annotations" / f"{doc_id}.json"
            layers = json.loads(gold_path.read_bytes())["layers"] if gold_path.is_file() else {}
            row = {**meta, "text": text}
            for kind in LAYERS:
                items = layers.get(kind, {}).get("items", [])
                for item in items:
                    for key in OPTIONAL.get(kind, ()):
                        item.setdefault(key, None)
                row[kind] = items
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def run(jsonl: Path, out: Path) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    datasets.disable_progress_bars()
    with tempfile.TemporaryDirectory(prefix="bench-hf-cache-") as cache:
        dataset = datasets.Dataset.from_json(str(jsonl), cache_dir=cache)
        dataset.to_parquet(str(out))
        return len(dataset)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] not in ("prep", "run"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if args[0] == "prep":
        count = prep(Path(args[1]), Path(args[2]))
    else:
        count = run(Path(args[1]), Path(args[2]))
    print(f"{count} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
