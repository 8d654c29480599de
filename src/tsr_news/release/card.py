"""The dataset card (`README.md`): YAML metadata that `datasets` and the Hub read, then prose.

The YAML is generated from the same objects as the files: `configs` (each with its
`data_files`, `version` and, for `documents`, `default: true`; the version goes in every
config entry because `datasets` ignores it elsewhere) and `dataset_info` (features in the YAML
form `datasets` parses, split sizes as written). Features are rendered by `datasets` itself
(`Features._to_yaml_list`), then lists of scalars and labels are spelled `sequence:` and lists
of records `list:` (a `sequence:` of records would be read as a record of lists: see
DESIGN.md's measured pitfalls). PyYAML dumps
with `sort_keys=False`, so the order is the features' order and the output is deterministic.
The prose is the repository's DATASHEET.md (or, without one, just the statistics block) with
its statistics block re-rendered for the corpus being built. A text-withheld release says so
at the top of the prose; `datasheet_of` takes the datasheet back out of a card, which is how
`rehydrate` gets it without the corpus repository.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from datasets import Features

from tsr_news import __version__
from tsr_news.common import markers
from tsr_news.release.datasheet import BLOCK, Statistics
from tsr_news.release.features import DEFAULT_CONFIG, features
from tsr_news.release.layers import RULE as RELEASE_LAYER_RULE
from tsr_news.release.withhold import WITHHELD_FIELDS

CARD = "README.md"
# The card's prose for a corpus without a DATASHEET.md: the statistics alone.
DEFAULT_SHEET = f"## Statistics\n\n{markers.empty_block(BLOCK)}\n"
SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"))
LICENSE_DETAILS = (
    "Mixed rights. The article texts are copyrighted news: the rights holders are named per "
    "document in the `rights` field, and the corpus holds no licence from any of them; the "
    "texts are included for non-commercial research on the text only. The annotations "
    "and metadata are the tsr-news project's, under CC BY 4.0; its code is under the MIT licence."
)


def yaml_features(features: Features) -> list:
    """The features in card YAML: `sequence:` for lists of scalars/labels, `list:` of records."""

    def respell(node):
        if isinstance(node, list):
            return [respell(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "list" and not isinstance(value, list):
                key = "sequence"
            out[key] = respell(value)
        return out

    return respell(features._to_yaml_list())


def size_category(documents: int) -> str:
    return next((name for bound, name in SIZE_CATEGORIES if documents < bound), "100K<n<1M")


def annotations_creators(statistics: Statistics) -> list[str]:
    """Who made the published annotations (every layer the release carries): people
    (`expert-generated`), models (`machine-generated`), or nobody yet."""
    origins = statistics.origins()
    creators = [
        name
        for origin, name in (("human", "expert-generated"), ("prediction", "machine-generated"))
        if origin in origins
    ]
    return creators or ["no-annotation"]


def tasks(splits: dict) -> dict:
    """The Hub's task fields for the configs present: named-entity recognition needs `ner`
    (or `entities`); a release of documents alone claims no task."""
    if not {"ner", "entities"} & set(splits):
        return {}
    return {"task_categories": ["token-classification"], "task_ids": ["named-entity-recognition"]}


def front_matter(splits: dict[str, dict[str, dict]], statistics: Statistics) -> dict:
    """The card's YAML. `splits[config][split]` = {path, num_examples, num_bytes, download_size}."""
    return {
        "pretty_name": "Tech Self-Reliance News (tsr-news)",
        "license": "other",
        "license_name": "copyrighted-news-text-research-only",
        "license_details": LICENSE_DETAILS,
        "language": ["en"],
        "multilinguality": "monolingual",
        **tasks(splits),
        "size_categories": [size_category(statistics.documents)],
        "annotations_creators": annotations_creators(statistics),
        "language_creators": ["found", "machine-generated"],
        "source_datasets": ["original"],
        "tags": ["news", "export-controls", "sanctions", "quotation-attribution", "policy"],
        "configs": [
            {
                "config_name": config,
                "data_files": [
                    {"split": split, "path": entry["path"]}
                    for split, entry in splits[config].items()
                ],
                **({"default": True} if config == DEFAULT_CONFIG else {}),
                "version": __version__,
            }
            for config in splits
        ],
        "dataset_info": [
            {
                "config_name": config,
                "features": yaml_features(features(config)),
                "splits": [
                    {
                        "name": split,
                        "num_bytes": entry["num_bytes"],
                        "num_examples": entry["num_examples"],
                    }
                    for split, entry in splits[config].items()
                ],
                "download_size": sum(e["download_size"] for e in splits[config].values()),
                "dataset_size": sum(e["num_bytes"] for e in splits[config].values()),
            }
            for config in splits
        ],
    }


# The line that ends the card's intro: what follows is the datasheet (`datasheet_of`).
DATASHEET_FOLLOWS = "<!-- tsr-news: the datasheet follows -->"


def _intro(statistics: Statistics, configs: list[str], withheld: bool) -> str:
    """The card's prose before the datasheet: what the labels are (first), what the release
    is, how to load it, its conventions, and for a withheld release, what is missing and how
    to restore it."""
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
    return f"""# Tech Self-Reliance News (tsr-news) {__version__}

**What the labels are.** {statistics.labels_statement()}

English news articles on technology self-reliance, export controls and sanctions, with
stand-off annotations (page noise, named entities, quotes with speaker attribution, policy
measures). Built by `tsr-news build`; `manifest.json` records the source and tools,
`SHA256SUMS` the files (`sha256sum -c SHA256SUMS`), `croissant.json` the Croissant metadata.
{note}
## Loading

```python
import datasets
docs = datasets.load_dataset("{path}")              # documents
entities = datasets.load_dataset("{path}", "entities")
origin = entities["train"].features["origin"]
human = entities["train"].filter(lambda row: origin.int2str(row["origin"]) == "human")
```

This release has the configs {present}. `documents` (default) has one row per article:
metadata, text, `text_sha256` and its release layer's annotations as nested lists;
`entities`, `quotes`, `measures` have one row per annotation of the release layers (with the
referenced entities' `ref`s joined in), `ner` one row per sentence of the documents whose
release layer has entities (tokens with code-point offsets and BIO `ner_tags`), and `layers`
one row per document and annotation
file (gold, every human annotator, every prediction layer), for studying disagreement. A
config or split without rows is left out (`datasets` cannot load an empty split).

**Where each row comes from.** Each document's *release layer*: {RELEASE_LAYER_RULE}
(`manifest.json`, `release_layers`). Every row says which file it came from, `layer` (`gold`
or the annotator id), and `origin` (`human` or `prediction`, a model's or an AI's work not
reviewed by a person); `layer_sources` names the annotator and model of each layer kind.

Conventions: offsets are Python code points (Unicode scalar values), `end` exclusive, and
`text[start:end]` is the span's `text`. Every field whose values come from the annotation
taxonomy is a `ClassLabel` (names in taxonomy order; `ner_tags` in the order of the Hub's
`conll2012_ontonotesv5`; use `features[...].int2str`); an absent optional attribute is null.
NER sentences come from a rule-based segmenter that never splits an entity
(`tsr_news.release.sentences`); tokens follow OntoNotes conventions and are cut at every
entity boundary (`tsr_news.release.tokenize`). Noise spans are page furniture, not
sentences: they are left out of `ner`.

{DATASHEET_FOLLOWS}
"""


def body(statistics: Statistics, configs: list[str], datasheet: str, withheld: bool) -> str:
    """The card's prose: the intro, then `datasheet` with its generated blocks re-rendered
    (a datasheet without some of them, such as `DEFAULT_SHEET`, keeps what it has)."""
    blocks = {
        name: text for name, text in statistics.blocks().items() if _has_block(datasheet, name)
    }
    sheet = markers.replace_blocks(datasheet, blocks)
    return f"{_intro(statistics, configs, withheld)}\n{sheet}"


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
    meta = yaml.safe_dump(
        front_matter(splits, statistics), sort_keys=False, allow_unicode=True, width=100
    )
    text = f"---\n{meta}---\n\n{body(statistics, list(splits), datasheet, withheld)}"
    (release / CARD).write_text(text, encoding="utf-8")
