"""The dataset card (`README.md`), written with `huggingface_hub`'s `DatasetCard`.

The metadata is a `DatasetCardData`: licence per release kind (`project.licence`), the tasks
of the configs present, `configs` (each with all its shards in `data_files`, its `version`,
for `documents` `default: true`: `datasets` reads the version only there) and `dataset_info`,
which `datasets`' public `DatasetInfosDict.to_dataset_card_data` writes from the features and
split sizes as written (in the YAML spelling `datasets` itself reads back). The body is made
from the release: what the labels are (first), the summary and how to load it, a section per
config (every field's meaning from `descriptions`, one example row read back from its first
shard), the label sets with the taxonomy's definitions, how to get label names from the
Parquet files without `datasets`, the citation, repository and contact, and last the
datasheet, with its generated blocks re-rendered for the corpus being built; `datasheet_of`
takes the datasheet back out of a card, which is how `rehydrate` gets it without the corpus
repository.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from datasets import ClassLabel, List
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCard, DatasetCardData

from tsr_news import __version__
from tsr_news.common import markers
from tsr_news.release import project
from tsr_news.release.datasheet import BLOCK, Statistics
from tsr_news.release.descriptions import describe, label_set, label_sets, walk
from tsr_news.release.features import DEFAULT_CONFIG, features, with_names
from tsr_news.release.layers import HUMAN, PREDICTION
from tsr_news.release.layers import RULE as RELEASE_LAYER_RULE
from tsr_news.release.withhold import WITHHELD_FIELDS

CARD = "README.md"
# The card's prose for a corpus without a DATASHEET.md: the statistics alone.
DEFAULT_SHEET = f"## Statistics\n\n{markers.empty_block(BLOCK)}\n"
SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"))
# the Hub's task fields each config supports (a config absent from the release claims none)
TASKS = {"ner": ("token-classification", "named-entity-recognition")}
# what one row of each config is
ROWS = {
    "documents": "one row per article: its metadata, text and `text_sha256`, and its release "
    "layer's annotations as nested lists (the default config)",
    "layers": "one row per document and annotation file (gold, every human annotator, every "
    "prediction layer), with the same nested lists as `documents`, for studying disagreement",
    "entities": "one row per entity of the release layers",
    "quotes": "one row per quote of the release layers, with the speakers' `ref`s joined in",
    "measures": "one row per policy measure of the release layers, with the actors' and "
    "targets' `ref`s joined in",
    "ner": "one row per sentence of the documents whose release layer has entities: tokens "
    "with code-point offsets and BIO `ner_tags`",
}
EXAMPLE_CHARS = 160  # longer strings are cut in the card's example rows
# longer lists are cut in the card's example rows: of records, of scalars (tokens)
EXAMPLE_RECORDS, EXAMPLE_SCALARS = 2, 12


def size_category(documents: int) -> str:
    return next((name for bound, name in SIZE_CATEGORIES if documents < bound), "100K<n<1M")


def annotations_creators(statistics: Statistics) -> list[str]:
    """Who made the published annotations (every layer the release carries): people
    (`expert-generated`), models (`machine-generated`), or nobody yet."""
    origins = statistics.origins()
    creators = [
        name
        for origin, name in ((HUMAN, "expert-generated"), (PREDICTION, "machine-generated"))
        if origin in origins
    ]
    return creators or ["no-annotation"]


def tasks(configs) -> dict:
    """The Hub's task fields for the configs present (none for a release without them)."""
    found = [TASKS[c] for c in configs if c in TASKS]
    if not found:
        return {}
    return {
        "task_categories": sorted({category for category, _ in found}),
        "task_ids": sorted({task for _, task in found}),
    }


def card_data(splits: dict[str, dict[str, dict]], statistics: Statistics, withheld: bool):
    """The card's metadata. `splits[config][split]` = {paths, num_examples, num_bytes,
    download_size}."""
    licence = project.licence(withheld)
    data = DatasetCardData(
        pretty_name=project.PRETTY_NAME,
        license=licence.hub_id,
        language=[project.LANGUAGE],
        multilinguality="monolingual",
        size_categories=[size_category(statistics.documents)],
        annotations_creators=annotations_creators(statistics),
        language_creators=["found", "machine-generated"],
        source_datasets=["original"],
        **tasks(splits),
        **({"license_name": licence.name} if licence.name else {}),
        license_link=licence.link,
        tags=list(project.TAGS),
        configs=[
            {
                "config_name": config,
                "data_files": [
                    {"split": split, "path": entry["paths"]}
                    for split, entry in splits[config].items()
                ],
                **({"default": True} if config == DEFAULT_CONFIG else {}),
                "version": __version__,
            }
            for config in splits
        ],
    )
    DatasetInfosDict(
        {
            config: DatasetInfo(
                features=features(config),
                splits=SplitDict(
                    {
                        split: SplitInfo(split, e["num_bytes"], e["num_examples"])
                        for split, e in splits[config].items()
                    }
                ),
                download_size=sum(e["download_size"] for e in splits[config].values()),
                dataset_size=sum(e["num_bytes"] for e in splits[config].values()),
            )
            for config in splits
        }
    ).to_dataset_card_data(data)
    return data


# The line that ends the card's generated prose: what follows is the datasheet (`datasheet_of`).
DATASHEET_FOLLOWS = "<!-- tsr-news: the datasheet follows -->"


def _intro(statistics: Statistics, configs: list[str], withheld: bool) -> str:
    """What the labels are (first), what the release is, how to load it, where rows come
    from, its conventions, and for a withheld release, what is missing and how to restore it."""
    name = f"tsr-news-{__version__}"
    path = f"path/to/{name}-withheld" if withheld else f"path/to/{name}"
    note = (
        f"""
**Text withheld.** This release (`{name}-withheld`; `manifest.json` has `"text_withheld":
true`) leaves out the copyrighted article text: {WITHHELD_FIELDS}. Everything else is kept
as in the full release: offsets, `text_sha256`, labels, ids, `layer` and `origin`, the
metadata with the titles (with the URL, publisher and date they are how you find the
articles), and the short strings annotators write themselves (`speaker_text`, `actor_text`,
`target_text`, entity `ref` and `norm`): names, not the articles' text. With your own copies
of the raw articles (`<doc_id>.txt`, byte for byte as published: each is checked against
`text_sha256`), `tsr-news rehydrate {path} --raw DIR` writes the full release `{name}`.
"""
        if withheld
        else ""
    )
    present = ", ".join(f"`{config}`" for config in configs)
    return f"""# {project.PRETTY_NAME} {__version__}

**What the labels are.** {statistics.labels_statement()}

## Summary

{project.DESCRIPTION} Built by `tsr-news build`; `manifest.json` records the source and
tools, `SHA256SUMS` the files (`sha256sum -c SHA256SUMS`), `croissant.json` the Croissant
metadata (readable with `mlcroissant`).

**Licence.** {project.licence(withheld).summary}
{note}
## Loading

```python
import datasets
docs = datasets.load_dataset("{path}")              # documents
entities = datasets.load_dataset("{path}", "entities")
origin = entities["train"].features["origin"]
human = entities["train"].filter(lambda row: origin.int2str(row["origin"]) == "human")
```

This release has the configs {present}. A config or split without rows is left out
(`datasets` cannot load an empty split); each split's Parquet files are shards
(`<split>-0000K-of-0000N.parquet`), all listed in the metadata's `data_files`.

**Where each row comes from.** Each document's *release layer*: {RELEASE_LAYER_RULE}
(`manifest.json`, `release_layers`). Every row says which file it came from, `layer` (`gold`
or the annotator id), and `origin` (`human` or `prediction`, a model's or an AI's work not
reviewed by a person); `layer_sources` names the annotator and model of each layer kind.

Conventions: offsets are Python code points (Unicode scalar values), `end` exclusive, and
`text[start:end]` is the span's `text`. Every field whose values come from the annotation
taxonomy is a `ClassLabel` (names in taxonomy order; `ner_tags` in the order of the Hub's
`conll2012_ontonotesv5`; use `features[...].int2str`, or see "Label names without
`datasets`" below); an absent optional attribute is null.
"""


NER_RULES = """Sentences come from a rule-based segmenter (`tsr_news.release.sentences`): a
sentence ends after `.`, `!`, `?` or `…` and the closing quote marks after it, where the next
text does not go on in lowercase or with a comma, and at a line break (headlines have no
full stop) unless the line ends with a comma or the next goes on in lowercase; the period of
an abbreviation or an initial ends nothing. Noise spans (page furniture) are not sentences:
they are left out, and end the sentences around them. A sentence end that would fall inside
an entity is dropped, so no entity is split between rows.

Tokens follow OntoNotes (Penn Treebank) conventions (`tsr_news.release.tokenize`):
abbreviations keep their periods ("U.S.", "Inc."), clitics are split ("People" "'s", "do"
"n't"), numbers and hyphenated words stay whole ("13.5", "export-control"), a grapheme
cluster (a flag, an emoji sequence, a letter with combining marks) is never split, and every
entity boundary is a token boundary ("US" "-" "made" where `US` is an entity).
`text[token_starts[i]:token_ends[i]] == tokens[i]`."""


def _structure(release: Path, splits: dict, statistics: Statistics) -> str:
    """A section per config: its rows, every field's meaning, one example row."""
    out = ["## Dataset Structure", ""]
    for config, by_split in splits.items():
        first = Path(release, next(iter(by_split.values()))["paths"][0])
        sizes = ", ".join(f"`{split}` {e['num_examples']:,}" for split, e in by_split.items())
        out += [
            f"### `{config}`",
            "",
            f"{ROWS[config][0].upper()}{ROWS[config][1:]}. Rows: {sizes}.",
            "",
        ]
        out += ["| field | type | meaning |", "|---|---|---|"]
        for parent, name, feature, path in _fields(config):
            meaning = describe(parent, name).replace("|", "\\|")
            out.append(f"| `{path}` | {_type(feature)} | {meaning} |")
        if config == "ner":
            out += [
                "",
                NER_RULES,
                "",
                f"The longest sentence has {statistics.longest_sentence} tokens.",
            ]
        out += ["", "An example row (labels shown as names, long values cut):", ""]
        out += [
            "```json",
            _json_lines(_example(config, first)),
            "```",
            "",
        ]
    return "\n".join(out)


def _fields(config: str):
    """(parent, name, feature, dotted path) of every field of `config`, depth first."""
    paths = {config: ""}
    for parent, name, feature in walk(features(config), config):
        path = f"{paths[parent]}{name}"
        paths[name] = f"{path}."
        yield parent, name, feature, path


def _type(feature) -> str:
    if isinstance(feature, List):
        return f"list of {_type(feature.feature)}"
    if isinstance(feature, dict):
        return "record"
    if isinstance(feature, ClassLabel):
        return f"ClassLabel `{label_set(feature).name}`"
    return feature.dtype


def _example(config: str, path: Path) -> dict:
    """The first row of a shard, labels as names, long strings and lists cut."""
    parquet = pq.ParquetFile(path)
    row = parquet.read_row_group(0).slice(0, 1).to_pylist()[0]
    named = {name: with_names(features(config)[name], value) for name, value in row.items()}
    return _cut(named)


def _json_lines(row: dict) -> str:
    """A row as a JSON object with one line per field."""
    fields = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in row.items()]
    return "{\n" + ",\n".join(fields) + "\n}"


def _cut(value):
    if isinstance(value, str) and len(value) > EXAMPLE_CHARS:
        return value[:EXAMPLE_CHARS] + "…"
    if isinstance(value, list):
        keep = EXAMPLE_RECORDS if any(isinstance(v, dict) for v in value) else EXAMPLE_SCALARS
        cut = [_cut(item) for item in value[:keep]]
        return cut + ([f"… {len(value) - keep} more"] if len(value) > keep else [])
    if isinstance(value, dict):
        return {key: _cut(item) for key, item in value.items()}
    return value


def _labels(splits: dict) -> str:
    """Every label set the configs use: names in id order, with their definitions."""
    used = {
        label_set(inner).name
        for config in splits
        for _, _, feature, _ in _fields(config)
        if isinstance(
            inner := feature.feature if isinstance(feature, List) else feature, ClassLabel
        )
    }
    out = ["## Labels", "", "The ClassLabel fields' names, in id order (id = position):", ""]
    for labels in sorted(label_sets().values(), key=lambda s: s.name):
        if labels.name not in used:
            continue
        out += [
            f"**`{labels.name}`** ({labels.title}):",
            "",
            "| id | name | definition |",
            "|---:|---|---|",
        ]
        out += [
            f"| {i} | `{name}` | {definition.replace('|', chr(92) + '|')} |"
            for i, (name, definition) in enumerate(
                zip(labels.names, labels.definitions, strict=True)
            )
        ]
        out.append("")
    return "\n".join(out)


WITHOUT_DATASETS = """## Label names without `datasets`

Every Parquet file embeds the features under the `huggingface` key of its metadata, with
each ClassLabel's names in id order. With pyarrow and pandas:

```python
import json
import pyarrow.parquet as pq

path = "data/entities/train-00000-of-00001.parquet"
features = json.loads(pq.read_schema(path).metadata[b"huggingface"])["info"]["features"]
names = features["label"]["names"]
entities = pq.read_table(path).to_pandas()
entities["label"] = entities["label"].map(dict(enumerate(names)))
```

With DuckDB (the metadata is JSON; its list indexes start at 0, as the ids do):

```sql
WITH meta AS (
  SELECT decode(value)::JSON AS features FROM parquet_kv_metadata('data/entities/*.parquet')
  WHERE decode(key) = 'huggingface' LIMIT 1
)
SELECT e.doc_id, e.text,
       json_extract_string(meta.features, '$.info.features.label.names[' || e.label || ']') AS label
FROM 'data/entities/*.parquet' AS e, meta;
```

With Polars:

```python
import json
import polars as pl

path = "data/entities/train-00000-of-00001.parquet"
features = json.loads(pl.read_parquet_metadata(path)["huggingface"])["info"]["features"]
names = features["label"]["names"]
entities = pl.read_parquet(path).with_columns(
    pl.col("label").replace_strict(list(range(len(names))), names)
)
```

A list of labels (`ner_tags`, `sectors`, `flags`) maps item by item: in pandas
`df["ner_tags"].map(lambda ids: [names[i] for i in ids])`.
"""


def _citation() -> str:
    return f"""## Citation

```bibtex
{project.bibtex()}
```

## Repository and contact

The corpus, its annotation guidelines and the code that builds this release:
<{project.REPOSITORY}>. Questions, corrections and takedown requests:
<{project.CONTACT}> ({project.CREATOR}).
"""


def body(
    release: Path,
    splits: dict,
    statistics: Statistics,
    datasheet: str,
    withheld: bool,
) -> str:
    """The card's prose: the generated sections, then `datasheet` with its generated blocks
    re-rendered (a datasheet without some of them, such as `DEFAULT_SHEET`, keeps what it
    has)."""
    blocks = {
        name: text for name, text in statistics.blocks().items() if _has_block(datasheet, name)
    }
    sheet = markers.replace_blocks(datasheet, blocks)
    generated = [
        _intro(statistics, list(splits), withheld),
        _structure(release, splits, statistics),
        _labels(splits),
        WITHOUT_DATASETS,
        _citation(),
    ]
    return "\n".join(generated) + f"\n{DATASHEET_FOLLOWS}\n\n{sheet}"


def _has_block(text: str, name: str) -> bool:
    return markers.empty_block(name).split("\n")[0] in text


def datasheet_of(card: str) -> str:
    """The datasheet text a card was written from (the inverse of `body`'s layout)."""
    head = f"\n{DATASHEET_FOLLOWS}\n\n"
    if not card.startswith("---\n") or head not in card:
        raise ValueError("the card's prose does not start as this version of tsr-news writes it")
    return card.split(head, 1)[1]


def write_card(
    release: Path, splits: dict, statistics: Statistics, datasheet: str, withheld: bool
) -> None:
    data = card_data(splits, statistics, withheld)
    text = body(release, splits, statistics, datasheet, withheld)
    card = DatasetCard(f"---\n{data.to_yaml()}\n---\n\n{text}")
    (release / CARD).write_text(str(card), encoding="utf-8")
