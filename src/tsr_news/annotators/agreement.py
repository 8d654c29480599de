"""Inter-annotator agreement between annotation layers: span matching and the statistics.

What is compared
    Each layer kind is compared on one *key span* per item: a noise or entity item's own span,
    a quote's content (the union of its content spans: cue and source are attributes of the
    quote, its content is what was quoted), a measure's trigger (the scheme's minimal span naming
    the measure; scope is optional and would make every missing scope a disagreement).

Which documents count
    A kind is compared on the documents where *every* selected annotator has a layer of that
    kind. A layer that is absent was not annotated (the schema says so); a layer with no items
    says "nothing here" and counts. Items are pooled over documents (micro-averaging).

Matching
    Two key spans match *exactly* when their offsets are identical, and *overlap* when they share
    at least one code point. Matching is one-to-one and *optimal*: among all one-to-one pairings
    it takes one with the most pairs, and among those the greatest total overlap (Jaccard of the
    code points). Greedy pairing by largest overlap first is not enough: with A1 overlapping B1
    a little and B2 a lot, and A2 overlapping only B2, greedy pairs A1-B2 and leaves two items
    unmatched, where A1-B1, A2-B2 matches both. The optimum is found with the Hungarian
    algorithm (`_assignment`) on weights `N + jaccard`, N larger than any possible number of
    pairs, so that one more pair always outweighs any overlap.

Span-level figures
    For each pair of annotators (A, B), A taken as the reference: precision = matched / |B|,
    recall = matched / |A|, F1 = 2 matched / (|A| + |B|) (symmetric), exact and overlap.

Units and attributes
    Attributes are compared on *units*: items that overlap-match across annotators. Units are
    built by taking the first annotator's items, then matching each further annotator's items to
    the existing units (on the unit's first item's span) and opening a new unit for each item
    left over; with two annotators this is exactly the pairwise overlap matching. An item alone
    in its unit is counted in `only_one` for its annotator.

    On units with at least two annotators, each categorical attribute gets a chance-corrected
    agreement: Cohen's kappa with two annotators, Krippendorff's alpha (nominal) with more.
    An attribute an item does not have (gpe_role on a non-GPE entity) is missing for that
    annotator; a unit is used when at least two values (kappa: both values) are present.
    Links are compared through the entities: a quote's speaker and a measure's actors and
    targets are each the set of entity units their linked entities belong to, so two
    annotators agree when they linked the same mentions (overlap-matched), whatever their
    entity ids; nothing linked is a value of its own. An entity's `ref` is compared as a
    string, exactly after normalisation (Unicode NFC, case-folded, outer white space and
    runs of inner white space reduced to one space); an entity without one has it missing.
    Set-valued attributes (a measure's sectors, a quote's flags): each value used on a
    compared unit is a binary attribute (`sector:<name>`, `flag:<name>`, "did the annotator
    choose it"), and the set itself (`sectors`, `flags`) gets the mean pairwise Jaccard of
    the sets (two empty sets agree fully): a plain observed agreement, not chance-corrected.

Whose layers
    By default only human layers are compared (an annotator whose layers of a document are all
    `origin: human`): agreement measures people. A prediction layer is compared only when it
    is named (`--layers`), to evaluate a model against people, say.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tsr_news.scheme.model import LAYER_KINDS, Document

if TYPE_CHECKING:
    from tsr_news.corpus.loader import Corpus, LoadedDocument

MODES = ("exact", "overlap")

Extent = tuple[tuple[int, int], ...]  # sorted, disjoint (start, end) intervals


class AgreementError(Exception):
    """The layers asked for cannot be compared (e.g. an annotator no document has)."""


# -- key spans and matching ---------------------------------------------------------------------


def key_extent(kind: str, item) -> Extent:
    """The span an item is matched on (see the module docstring)."""
    if kind == "quotes":
        return tuple(sorted((s.start, s.end) for s in item.content))
    if kind == "measures":
        return ((item.trigger.start, item.trigger.end),)
    return ((item.start, item.end),)


def _length(extent: Extent) -> int:
    return sum(end - start for start, end in extent)


def _intersection(a: Extent, b: Extent) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def jaccard(a: Extent, b: Extent) -> float:
    """Shared code points over the code points covered by either extent."""
    shared = _intersection(a, b)
    return shared / (_length(a) + _length(b) - shared)


def match(a: Sequence[Extent], b: Sequence[Extent], mode: str) -> list[tuple[int, int]]:
    """An optimal one-to-one matching of two lists of extents: pairs of indices (i, j)."""
    if not a or not b:
        return []
    bonus = min(len(a), len(b)) + 1
    weights = [
        [
            (bonus + 1.0 if x == y else 0.0)
            if mode == "exact"
            else (bonus + jaccard(x, y) if _intersection(x, y) else 0.0)
            for y in b
        ]
        for x in a
    ]
    return [(i, j) for i, j in _assignment(weights) if weights[i][j] > 0]


def _assignment(weights: list[list[float]]) -> list[tuple[int, int]]:
    """Maximum-weight assignment (Hungarian algorithm, O(n^2 m)): row -> column pairs.

    Every row is assigned when rows <= columns (the caller drops zero-weight pairs); a taller
    matrix is transposed first.
    """
    rows, cols = len(weights), len(weights[0])
    if rows > cols:
        transposed = [[weights[i][j] for i in range(rows)] for j in range(cols)]
        return sorted((i, j) for j, i in _assignment(transposed))
    inf = float("inf")
    cost = [[-w for w in row] for row in weights]
    u, v = [0.0] * (rows + 1), [0.0] * (cols + 1)
    owner = [0] * (cols + 1)  # owner[j]: the row (1-based) assigned to column j, 0 if none
    way = [0] * (cols + 1)
    for i in range(1, rows + 1):
        owner[0], j0 = i, 0
        slack, used = [inf] * (cols + 1), [False] * (cols + 1)
        while owner[j0]:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, cols + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < slack[j]:
                        slack[j], way[j] = reduced, j0
                    if slack[j] < delta:
                        delta, j1 = slack[j], j
            for j in range(cols + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    slack[j] -= delta
            j0 = j1
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return sorted((owner[j] - 1, j - 1) for j in range(1, cols + 1) if owner[j])


# -- statistics ---------------------------------------------------------------------------------


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters' labels; None when undefined (no data, or chance is 1)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    first, second = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data; each unit lists the values it received.

    Units with fewer than two values are not pairable and are left out. None when undefined
    (no pairable unit, or a single value throughout: no expected disagreement).
    """
    coincidence: Counter = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for x, y in itertools.permutations(values, 2):
            coincidence[x, y] += 1 / (m - 1)
    totals: Counter = Counter()
    for (x, _), count in coincidence.items():
        totals[x] += count
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(c for (x, y), c in coincidence.items() if x != y) / n
    expected = sum(totals[x] * totals[y] for x in totals for y in totals if x != y) / (n * (n - 1))
    return None if expected == 0 else 1 - observed / expected


def pairwise_observed(units: Sequence[Sequence[Hashable]]) -> float | None:
    """The share of agreeing pairs of values among all pairs within units (not chance-corrected)."""
    agree = total = 0
    for values in units:
        for x, y in itertools.combinations(values, 2):
            agree += x == y
            total += 1
    return agree / total if total else None


def set_jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


# -- units and attributes -----------------------------------------------------------------------


@dataclass
class Unit:
    """Items of one document that overlap-match across annotators: {annotator: item}."""

    items: dict[str, object] = field(default_factory=dict)


def build_units(kind: str, by_annotator: dict[str, Sequence]) -> list[Unit]:
    """Group the annotators' items (in the dict's order) into units; see the module docstring."""
    units: list[Unit] = []
    for annotator, items in by_annotator.items():
        anchors = [key_extent(kind, next(iter(u.items.values()))) for u in units]
        extents = [key_extent(kind, item) for item in items]
        matched = dict((j, i) for i, j in match(anchors, extents, "overlap"))
        for j, item in enumerate(items):
            if j in matched:
                units[matched[j]].items[annotator] = item
            else:
                units.append(Unit({annotator: item}))
    return units


# An attribute's value for one annotator's item; None = the item has no such attribute.
# The second argument maps the annotator's entity ids to entity-unit keys (for speakers).
Getter = Callable[[object, dict[str, Hashable]], Hashable | None]


def normalised_ref(ref: str | None) -> str | None:
    """A `ref` as compared: NFC, case-folded, white space trimmed and collapsed."""
    if ref is None:
        return None
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", ref)).strip().casefold()


def _linked(ids: Sequence[str], entity_units: dict[str, Hashable]) -> frozenset:
    """Linked entities as the set of entity units they belong to (see the module docstring)."""
    return frozenset(entity_units[e] for e in ids)


ATTRIBUTES: dict[str, dict[str, Getter]] = {
    "noise": {"kind": lambda item, _: item.kind},
    "entities": {
        "label": lambda item, _: item.label,
        "gpe_role": lambda item, _: item.gpe_role,
        "ref": lambda item, _: normalised_ref(item.ref),
    },
    "quotes": {
        "type": lambda item, _: item.type,
        "speaker": lambda item, entity_units: _linked(item.speaker_ids, entity_units),
    },
    "measures": {
        "type": lambda item, _: item.type,
        "status": lambda item, _: item.status,
        "actors": lambda item, entity_units: _linked(item.actor_ids, entity_units),
        "targets": lambda item, entity_units: _linked(item.target_ids, entity_units),
    },
}
# set-valued attributes, compared as sets and value by value (`<prefix>:<value>`)
SET_ATTRIBUTES: dict[str, dict[str, Callable[[object], frozenset]]] = {
    "quotes": {"flags": lambda item: frozenset(item.flags)},
    "measures": {"sectors": lambda item: frozenset(item.sectors)},
}
SET_VALUE_PREFIX = {"flags": "flag", "sectors": "sector"}


@dataclass
class _KindData:
    """What is collected for one kind while walking the documents."""

    documents: int = 0
    items: Counter = field(default_factory=Counter)
    matched: dict[tuple[str, str, str], int] = field(default_factory=Counter)
    units: list[Unit] = field(default_factory=list)
    # per unit: {attribute: {annotator: value}}
    values: list[dict[str, dict[str, Hashable]]] = field(default_factory=list)


def select_annotators(documents: Sequence[Document], requested: Sequence[str] | None) -> list[str]:
    """The annotators to compare: those requested (in that order), else every annotator with a
    human layer in these documents, sorted (predictions only when named).

    Raises AgreementError for a requested annotator with no layer in these documents.
    """
    present = sorted({a for doc in documents for a in doc.layers})
    if requested is None:
        return sorted({a for doc in documents for a in doc.human_annotators})
    missing = [a for a in requested if a not in present]
    if missing:
        raise AgreementError(
            f"no layer by {', '.join(missing)} in the selected documents; "
            f"annotators present: {', '.join(present) or 'none'}"
        )
    if len(set(requested)) != len(requested):
        raise AgreementError(f"an annotator is named twice in {', '.join(requested)}")
    return list(requested)


def unselected_predictions(documents: Sequence[Document], annotators: Sequence[str]) -> list[str]:
    """The layers of `documents` that are not all human work and were not selected."""
    humans = {a for doc in documents for a in doc.human_annotators}
    return sorted({a for doc in documents for a in doc.layers} - humans - set(annotators))


def compare(documents: Iterable[Document], annotators: Sequence[str]) -> dict:
    """The agreement report (a JSON-ready dict) of `annotators`' layers over `documents`."""
    documents = list(documents)
    annotators = list(annotators)
    report: dict = {"annotators": annotators, "documents": len(documents), "kinds": {}}
    if len(annotators) < 2:
        report["note"] = (
            f"agreement needs at least two layers; found {len(annotators)}"
            + (f" ({annotators[0]})" if annotators else "")
            + ": nothing to compare"
        )
        return report
    data = {kind: _KindData() for kind in LAYER_KINDS}
    for doc in documents:
        _collect(doc, annotators, data)
    for kind in LAYER_KINDS:
        if data[kind].documents:
            report["kinds"][kind] = _summarise(data[kind], annotators)
    if not report["kinds"]:
        report["note"] = "no layer kind is annotated by all of these annotators in one document"
    return report


def _collect(doc: Document, annotators: list[str], data: dict[str, _KindData]) -> None:
    entity_keys = _entity_keys(doc, annotators)
    for kind in LAYER_KINDS:
        if not all(a in doc.layers and kind in doc.layers[a].layers for a in annotators):
            continue
        by_annotator = {a: doc.layers[a].items(kind) for a in annotators}
        extents = {a: [key_extent(kind, x) for x in items] for a, items in by_annotator.items()}
        kd = data[kind]
        kd.documents += 1
        for a, items in by_annotator.items():
            kd.items[a] += len(items)
        for a, b in itertools.combinations(annotators, 2):
            for mode in MODES:
                kd.matched[a, b, mode] += len(match(extents[a], extents[b], mode))
        for unit in build_units(kind, by_annotator):
            kd.units.append(unit)
            values = {
                name: {
                    a: v
                    for a, item in unit.items.items()
                    if (v := getter(item, entity_keys[a])) is not None
                }
                for name, getter in ATTRIBUTES[kind].items()
            }
            for name, getter in SET_ATTRIBUTES.get(kind, {}).items():
                values[name] = {a: getter(item) for a, item in unit.items.items()}
            kd.values.append(values)


def _entity_keys(doc: Document, annotators: list[str]) -> dict[str, dict[str, Hashable]]:
    """Each annotator's entity ids mapped to a key shared across annotators.

    The key is the entity unit when every annotator has an entities layer here (so overlapping
    mentions agree), else the entity's exact offsets.
    """
    if all(a in doc.layers and "entities" in doc.layers[a].layers for a in annotators):
        units = build_units("entities", {a: doc.layers[a].items("entities") for a in annotators})
        return {
            a: {u.items[a].id: (doc.doc_id, n) for n, u in enumerate(units) if a in u.items}
            for a in annotators
        }
    return {
        a: {e.id: (doc.doc_id, e.start, e.end) for e in doc.layers[a].items("entities")}
        if a in doc.layers
        else {}
        for a in annotators
    }


def _summarise(kd: _KindData, annotators: list[str]) -> dict:
    pairs = []
    for a, b in itertools.combinations(annotators, 2):
        entry = {"reference": a, "candidate": b}
        for mode in MODES:
            entry[mode] = _prf(kd.matched[a, b, mode], kd.items[a], kd.items[b])
        pairs.append(entry)
    only_one = Counter(next(iter(u.items)) for u in kd.units if len(u.items) == 1)
    attributes = {}
    names = list(next(iter(kd.values), {}).keys())
    for name in names:
        if name in SET_VALUE_PREFIX:
            attributes.update(_set_valued(name, [v[name] for v in kd.values], annotators))
        else:
            attributes[name] = _categorical([v[name] for v in kd.values], annotators)
    return {
        "documents": kd.documents,
        "items": {a: kd.items[a] for a in annotators},
        "pairs": pairs,
        "units": len(kd.units),
        "shared_units": sum(len(u.items) >= 2 for u in kd.units),
        "only_one": {a: only_one[a] for a in annotators},
        "attributes": attributes,
    }


def _prf(matched: int, reference: int, candidate: int) -> dict:
    def ratio(x: int, y: int) -> float | None:
        return x / y if y else None

    return {
        "matched": matched,
        "precision": ratio(matched, candidate),
        "recall": ratio(matched, reference),
        "f1": ratio(2 * matched, reference + candidate),
    }


def _categorical(per_unit: list[dict[str, Hashable]], annotators: list[str]) -> dict:
    """Kappa (two annotators) or alpha (more) over the units with enough values."""
    if len(annotators) == 2:
        a, b = annotators
        pairs = [(v[a], v[b]) for v in per_unit if a in v and b in v]
        return {
            "statistic": "cohen_kappa",
            "value": cohen_kappa(pairs),
            "observed": pairwise_observed(pairs),
            "units": len(pairs),
        }
    units = [list(v.values()) for v in per_unit if len(v) >= 2]
    return {
        "statistic": "krippendorff_alpha",
        "value": krippendorff_alpha(units),
        "observed": pairwise_observed(units),
        "units": len(units),
    }


def _set_valued(name: str, per_unit: list[dict[str, frozenset]], annotators: list[str]) -> dict:
    """Mean pairwise Jaccard of a set-valued attribute's sets, then one binary attribute per
    value used (`<prefix>:<value>`)."""
    shared = [v for v in per_unit if len(v) >= 2]
    scores = [set_jaccard(x, y) for v in shared for x, y in itertools.combinations(v.values(), 2)]
    out = {
        name: {
            "statistic": "mean_jaccard",
            "value": sum(scores) / len(scores) if scores else None,
            "observed": None,
            "units": len(shared),
        }
    }
    used = sorted(set().union(*(s for v in shared for s in v.values())))
    for value in used:
        chosen = [{a: value in s for a, s in v.items()} for v in shared]
        out[f"{SET_VALUE_PREFIX[name]}:{value}"] = _categorical(chosen, annotators)
    return out


class AgreementTally:
    """Agreement between human annotators, for the datasheet, fed one document at a time.

    Only documents with two or more human layers are kept (they are the ones compared), so the
    datasheet's single pass over the corpus stays light. Each pair of human annotators is
    compared on the documents both annotated (model layers are not annotators). `statement` is
    one plain sentence for readers; when no document has two human layers it says so, rather
    than printing figures that do not exist.
    """

    def __init__(self) -> None:
        self.documents = 0
        self.humans: set[str] = set()
        self.multi: list[Document] = []

    def add(self, document: LoadedDocument) -> None:
        """Count a valid document; keep its typed form if it has two or more human layers."""
        self.documents += 1
        humans = document.human_annotators
        self.humans.update(humans)
        if len(humans) >= 2:
            self.multi.append(document.document)

    def merge(self, other: AgreementTally) -> None:
        """Add the documents `other` was fed (after those fed to this one)."""
        self.documents += other.documents
        self.humans.update(other.humans)
        self.multi.extend(other.multi)

    def to_json(self) -> dict:
        """The tally as JSON, its documents by id (a build that reuses an unchanged range
        loads them again: `with_documents`)."""
        return {
            "documents": self.documents,
            "humans": sorted(self.humans),
            "multi": [document.doc_id for document in self.multi],
        }

    @classmethod
    def from_json(cls, data: dict) -> tuple[AgreementTally, list[str]]:
        """The tally `to_json` gave, without its documents, and their ids, in order."""
        tally = cls()
        tally.documents = int(data["documents"])
        tally.humans = {str(name) for name in data["humans"]}
        return tally, [str(doc_id) for doc_id in data["multi"]]

    def summary(self) -> dict:
        humans = sorted(self.humans)
        pairs = []
        for a, b in itertools.combinations(humans, 2):
            shared = [d for d in self.multi if {a, b} <= set(d.human_annotators)]
            if shared:
                report = compare(shared, [a, b])
                pairs.append(
                    {"annotators": [a, b], "documents": len(shared), "kinds": report["kinds"]}
                )
        if pairs:
            statement = (
                f"{len(self.multi)} of {self.documents} document(s) have two or more human "
                f"annotation layers; agreement is reported for {len(pairs)} pair(s) of annotators."
            )
        else:
            found = f" (annotators: {', '.join(humans)})" if humans else ""
            statement = (
                f"No document has more than one human annotation layer{found}, so "
                "inter-annotator agreement cannot be measured for this corpus."
            )
        return {
            "documents": self.documents,
            "human_annotators": humans,
            "pairs": pairs,
            "statement": statement,
        }


def agreement_summary(corpus: Corpus) -> dict:
    """The datasheet's agreement summary of a whole (valid) corpus; see `AgreementTally`.

    Raises `loader.InvalidDocuments` if the corpus is invalid.
    """
    tally = AgreementTally()
    for document in corpus.valid_loaded():
        tally.add(document)
    return tally.summary()


# -- text rendering -----------------------------------------------------------------------------


def render_text(report: dict) -> str:
    """The report as aligned plain-text tables."""
    lines = [
        f"annotators: {', '.join(report['annotators']) or '(none)'}; "
        f"documents: {report['documents']}"
    ]
    if "note" in report:
        lines.append(report["note"])
    if report.get("predictions_left_out"):
        lines.append(
            "prediction layers, compared only when named with --layers: "
            + ", ".join(report["predictions_left_out"])
        )
    for kind, body in report["kinds"].items():
        items = ", ".join(f"{a} {n}" for a, n in body["items"].items())
        only = ", ".join(f"{a} {n}" for a, n in body["only_one"].items())
        lines += [
            "",
            f"== {kind} ({body['documents']} document(s); items: {items}) ==",
            f"{'reference':<14} {'candidate':<14} {'mode':<8} {'matched':>7} {'P':>6} {'R':>6}"
            f" {'F1':>6}",
        ]
        for pair in body["pairs"]:
            for mode in MODES:
                m = pair[mode]
                lines.append(
                    f"{pair['reference']:<14} {pair['candidate']:<14} {mode:<8} "
                    f"{m['matched']:>7} {_num(m['precision'])} {_num(m['recall'])} "
                    f"{_num(m['f1'])}"
                )
        lines.append(
            f"units: {body['units']}, shared by two or more: {body['shared_units']}; "
            f"only one annotator: {only}"
        )
        if body["attributes"]:
            lines.append(f"{'attribute':<28} {'statistic':<19} {'value':>6} {'obs.':>6} units")
            for name, stat in body["attributes"].items():
                lines.append(
                    f"{name:<28} {stat['statistic']:<19} {_num(stat['value'])} "
                    f"{_num(stat['observed'])} {stat['units']:>5}"
                )
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return f"{'n/a':>6}" if value is None else f"{value:>6.3f}"
