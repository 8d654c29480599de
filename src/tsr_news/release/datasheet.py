"""The datasheet's statistics: counted from the corpus, written between markers in DATASHEET.md.

`DATASHEET.md` is prose written by people, with two generated blocks (`markers`): "state", the
sentences that state a fact about the corpus as it stands (which labels exist and whose they
are, the splits, the size), and "stats", the counts. Such a fact is never written by hand, so
it cannot go stale: `tsr-news datasheet` rewrites only the blocks, and `--check` reports a
stale one without writing, so a test keeps the committed datasheet true. The release card
renders the same blocks (`Statistics.blocks`) so card and datasheet never disagree.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tsr_news.annotators.agreement import AgreementTally
from tsr_news.release.layers import GOLD, HUMAN, SourcedLayer, all_layers
from tsr_news.scheme.model import LABEL_FIELD, LABEL_INVENTORY, LAYER_KINDS
from tsr_news.scheme.schemas import taxonomy

if TYPE_CHECKING:
    from tsr_news.corpus.loader import LoadedDocument

DATASHEET = "DATASHEET.md"
BLOCK = "stats"  # the counts and the agreement figures
STATE = "state"  # the sentences that say what the corpus and its release hold now


@dataclass
class Statistics:
    """Counts over a corpus, fed one valid document (and its release layer) at a time."""

    documents: int = 0
    by: dict[str, Counter] = field(
        default_factory=lambda: {
            k: Counter() for k in ("split", "publisher", "original_publisher", "text_condition")
        }
    )
    clusters: dict[str, str] = field(default_factory=dict)  # story cluster -> its split
    # documents per release layer, keyed (layer, origin); documents without one are not counted
    released: Counter = field(default_factory=Counter)
    # released items, keyed (kind, layer, origin of that kind, label)
    items: Counter = field(default_factory=Counter)
    # documents per annotation file of any kind (the `layers` config), keyed (layer, origin)
    every_layer: Counter = field(default_factory=Counter)
    models: dict[str, str] = field(default_factory=dict)  # prediction layer -> its model
    # documents by their number of annotation files (gold and layers)
    files_per_document: Counter = field(default_factory=Counter)
    agreement: AgreementTally = field(default_factory=AgreementTally)
    longest_sentence: int = 0  # the most tokens in one `ner` row (counted by `part`)
    # (from_json) the ids of the agreement tally's documents, still to be loaded into it
    agreement_documents: list[str] = field(default_factory=list)
    _agreement_summary: dict | None = None

    @property
    def agreement_summary(self) -> dict:
        """The agreement figures: measured from the documents added, unless given (a
        rehydrated release restores them from its manifest)."""
        if self._agreement_summary is None:
            self._agreement_summary = self.agreement.summary()
        return self._agreement_summary

    @agreement_summary.setter
    def agreement_summary(self, summary: dict) -> None:
        self._agreement_summary = summary

    @property
    def annotated(self) -> int:
        """Documents released with annotations (from any layer)."""
        return sum(self.released.values())

    @property
    def gold(self) -> int:
        return self.released[GOLD, HUMAN]

    def origins(self) -> set[str]:
        """The origins of every annotation file a release publishes (`layers` config)."""
        return {origin for _, origin in self.every_layer}

    def add(self, document: LoadedDocument, released: SourcedLayer | None) -> None:
        """Count one valid document (from its JSON values: no typed model needed)."""
        self.documents += 1
        self.agreement.add(document)
        for name, counter in self.by.items():
            counter[document.meta.get(name)] += 1
        self.clusters[document.meta["story_cluster"]] = document.meta["split"]
        self.files_per_document[len(all_layers(document))] += 1
        for layer in all_layers(document):
            self.every_layer[layer.name, layer.origin] += 1
            for source in layer.sources():
                if source["model"] is not None:
                    self.models.setdefault(layer.name, source["model"])
        if released is None:
            return
        self.released[released.name, released.origin] += 1
        for kind in released.kinds():
            origin, label_field = released.kind_origin(kind), LABEL_FIELD[kind]
            self.items.update(
                (kind, released.name, origin, item[label_field]) for item in released.items(kind)
            )

    def merge(self, other: Statistics) -> None:
        """Add the counts of `other` (of other documents, counted in another process)."""
        self.documents += other.documents
        for name, counter in other.by.items():
            self.by[name].update(counter)
        self.clusters.update(other.clusters)
        self.released.update(other.released)
        self.items.update(other.items)
        self.every_layer.update(other.every_layer)
        self.files_per_document.update(other.files_per_document)
        self.longest_sentence = max(self.longest_sentence, other.longest_sentence)
        for name, model in other.models.items():
            self.models.setdefault(name, model)
        self.agreement.merge(other.agreement)

    def to_json(self) -> dict:
        """The counts as JSON, every counter's keys in their order (`from_json` restores it,
        so statistics merged from JSON render exactly as those merged in memory)."""
        return {
            "documents": self.documents,
            "by": {name: [[k, n] for k, n in counter.items()] for name, counter in self.by.items()},
            "clusters": self.clusters,
            "released": _pairs(self.released),
            "items": _pairs(self.items),
            "every_layer": _pairs(self.every_layer),
            "models": self.models,
            "files_per_document": [[k, n] for k, n in self.files_per_document.items()],
            "agreement": self.agreement.to_json(),
            "longest_sentence": self.longest_sentence,
        }

    @classmethod
    def from_json(cls, data: dict) -> Statistics:
        """The statistics `to_json` gave. The agreement tally comes without its documents:
        `agreement_documents` names them, for the caller to load (`AgreementTally.multi`).
        KeyError, TypeError or ValueError if `data` is not such a form."""
        tally, multi = AgreementTally.from_json(data["agreement"])
        statistics = cls(
            documents=int(data["documents"]),
            clusters={str(k): str(v) for k, v in data["clusters"].items()},
            released=_counter(data["released"]),
            items=_counter(data["items"]),
            every_layer=_counter(data["every_layer"]),
            models={str(k): str(v) for k, v in data["models"].items()},
            files_per_document=Counter({int(k): int(n) for k, n in data["files_per_document"]}),
            agreement=tally,
            longest_sentence=int(data["longest_sentence"]),
        )
        if set(data["by"]) != set(statistics.by):
            raise ValueError("unexpected statistics keys")
        statistics.by = {name: Counter(dict(data["by"][name])) for name in statistics.by}
        statistics.agreement_documents = multi
        return statistics

    def labels_statement(self) -> str:
        """One sentence saying what the released labels are, for the card's first lines and
        the datasheet: how many documents have human gold, and what the others carry."""
        n = self.documents
        parts = [f"{self.gold} of {n} documents have human gold (adjudicated annotations)"]
        for (name, origin), count in sorted(self.released.items()):
            if name == GOLD:
                continue
            if origin == HUMAN:
                parts.append(
                    f"{count} of {n} carry the single human layer `{name}` (not adjudicated)"
                )
            else:
                model = self.models.get(name)
                parts.append(
                    f"{count} of {n} carry the machine-made layer `{name}`, not reviewed by a "
                    f"person (origin: prediction{f'; model: {model}' if model else ''})"
                )
        if self.annotated < n:
            parts.append(f"{n - self.annotated} of {n} have no annotations")
        return "; ".join(parts) + "."

    def annotations_per_item(self) -> str:
        """How many annotation files the documents have, and how many a release row takes."""
        counts = ", ".join(
            f"{n} of {self.documents} documents have {files} annotation file(s)"
            for files, n in sorted(self.files_per_document.items())
        )
        return (
            f"{counts or 'no documents'}. The `layers` config has every file; the other "
            "configs take each document's annotations from one of them, its release layer."
        )

    def splits_statement(self) -> str:
        """Which splits the documents fall in, by story cluster."""
        clusters = Counter(self.clusters.values())
        splits = [s for s in taxonomy()["split"].values if self.by["split"][s]]
        listed = ", ".join(
            f"`{s}` ({self.by['split'][s]} documents, {clusters[s]} story clusters)" for s in splits
        )
        held_out = [s for s in splits if s != "train"]
        tail = "" if held_out else "; there is no held-out data yet"
        return (
            f"The {len(self.clusters)} story clusters fall in {len(splits)} split(s): "
            f"{listed}{tail}."
        )

    def render_state(self) -> str:
        """The datasheet's `state` block: the facts about the corpus as it stands."""
        condition = self.by["text_condition"]
        return "\n".join(
            [
                "Generated by `tsr-news datasheet` from the corpus; do not edit by hand.",
                "",
                f"- **Size.** {self.documents} documents.",
                f"- **Labels.** {self.labels_statement()} A release takes each document's "
                "annotations from one layer by the rule in the README (gold, else the single "
                "human layer, else the first fallback layer of `pyproject.toml`); every row "
                "says which (`layer`) and whether it is human work (`origin`). The `layers` "
                "config carries every annotation file, human or not.",
                f"- **Splits.** {self.splits_statement()}",
                "- **Text conditions.** "
                + ", ".join(
                    f"{name}: {condition[name]}" for name in taxonomy()["text_condition"].values
                )
                + ".",
            ]
        )

    def render(self) -> str:
        """The Markdown of the statistics block (without the markers)."""
        return self._counts() + "\n\n" + _agreement(self.agreement_summary)

    def blocks(self) -> dict[str, str]:
        """Every generated block of DATASHEET.md, by name."""
        return {STATE: self.render_state(), BLOCK: self.render()}

    def _counts(self) -> str:
        out = [
            "Generated by `tsr-news datasheet` from the corpus; do not edit by hand.",
            "",
            f"**{self.documents} documents.**",
        ]
        order = {
            "split": taxonomy()["split"].values,
            "text_condition": taxonomy()["text_condition"].values,
        }
        for name, counter in self.by.items():
            out += ["", _table(name.replace("_", " "), counter, order.get(name))]
        out += [
            "",
            f"**Released annotations: {self.annotated} of {self.documents} documents** "
            f"({self.gold} with gold).",
        ]
        if not self.annotated:
            return "\n".join(out)
        columns = sorted(self.released)  # (layer, origin) of every release layer
        heads = [f"{name} ({origin})" for name, origin in columns]
        totals = Counter()
        for (kind, name, origin, _), count in self.items.items():
            totals[kind, name, origin] += count
        out += ["", _grid("release layer", heads, [("documents", self.released)], columns)]
        kinds = [(kind, Counter({c: totals[(kind, *c)] for c in columns})) for kind in LAYER_KINDS]
        out += ["", _grid("layer kind", heads, kinds, columns)]
        for kind in LAYER_KINDS:
            labels = [
                (value, Counter({c: self.items[(kind, *c, value)] for c in columns}))
                for value in taxonomy()[LABEL_INVENTORY[kind]].values
            ]
            labels = [(value, counts) for value, counts in labels if any(counts.values())]
            if labels:
                out += ["", _grid(f"{kind}: {LABEL_FIELD[kind]}", heads, labels, columns)]
        files = [
            (f"{name} ({origin})", {0: n}) for (name, origin), n in sorted(self.every_layer.items())
        ]
        out += ["", _grid("annotation file (`layers` config)", ["documents"], files, [0])]
        return "\n".join(out)


# a datasheet answer: "- **Label.** text", its text running on over indented lines
ANSWER = re.compile(r"^- \*\*(?P<label>[^*]+?)\.\*\* (?P<text>.*(?:\n  .*)*)", re.MULTILINE)


def _pairs(counter: Counter) -> list[list]:
    """A counter keyed by tuples, as JSON: [*key, count] for each key, in order."""
    return [[*key, count] for key, count in counter.items()]


def _counter(pairs: list[list]) -> Counter:
    return Counter({tuple(pair[:-1]): int(pair[-1]) for pair in pairs})


def answers(datasheet: str) -> dict[str, str]:
    """The datasheet's answers, keyed "Section/Label" (its `## ` headings and the bold labels
    of its bullets), each as one line of text (what the Croissant file's RAI fields quote)."""
    found = {}
    for section in re.split(r"^## ", datasheet, flags=re.MULTILINE)[1:]:
        heading, _, body = section.partition("\n")
        for match in ANSWER.finditer(body):
            text = " ".join(line.strip() for line in match["text"].splitlines())
            found[f"{heading.strip()}/{match['label']}"] = text
    return found


def _agreement(summary: dict) -> str:
    """The agreement section: a plain statement, then span F1 per pair and layer kind."""
    out = ["**Inter-annotator agreement.** " + summary["statement"]]
    if summary["pairs"]:
        out += [
            "",
            "| annotators | layer | documents | F1 exact | F1 overlap |",
            "|---|---|---:|---:|---:|",
        ]
        for pair in summary["pairs"]:
            for kind, figures in pair["kinds"].items():
                (scores,) = figures["pairs"]
                out.append(
                    f"| {' / '.join(pair['annotators'])} | {kind} | {figures['documents']} | "
                    f"{scores['exact']['f1']:.3f} | {scores['overlap']['f1']:.3f} |"
                )
    return "\n".join(out)


def _table(title: str, counter: Counter, order=None, keep_zero: bool = False) -> str:
    """A two-column Markdown table; in `order` if given (zeros dropped unless asked), else by
    count then name."""
    if order is not None:
        keys = [k for k in order if keep_zero or counter[k]]
    else:
        keys = sorted(counter, key=lambda k: (-counter[k], k))
    lines = [f"| {title} | count |", "|---|---:|"]
    lines += [f"| {_cell(k)} | {counter[k]} |" for k in keys]
    return "\n".join(lines)


def _grid(title: str, heads: list[str], rows: list[tuple[str, dict]], columns: list) -> str:
    """A Markdown table of counts: a row per (label, counts by column key) of `rows`, a column
    per key of `columns` (headed by `heads`)."""
    lines = [f"| {title} | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for label, counts in rows:
        cells = " | ".join(str(counts.get(c, 0)) for c in columns)
        lines.append(f"| {_cell(label)} | {cells} |")
    return "\n".join(lines)


def _cell(value: str) -> str:
    return str(value).replace("|", "\\|")
