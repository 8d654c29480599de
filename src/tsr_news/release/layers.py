"""Which annotations a release carries for each document, and where each one came from.

A document's annotation files are its gold (`annotations/<doc_id>.json`, adjudicated human
work) and its annotators' layers (`annotations/layers/<annotator>/<doc_id>.json`, human or a
model's predictions). The `layers` config publishes every one of them; the other configs take
each document's annotations from one, its *release layer*, chosen by one rule:

1. the gold file, if there is one;
2. else the document's human layer, if it has exactly one (all of its kinds human work);
3. else the first of the corpus's fallback layers (`settings.fallback-layers`) it has;
4. else none: the document is released without annotations.

Nothing is relabelled on the way: every row says which file it came from (`layer`: `gold` or
the annotator id) and its origin (`human` or `prediction`), so human gold replaces a draft
document by document, as people annotate, with no change here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tsr_news.scheme.model import LAYER_KINDS

if TYPE_CHECKING:
    from tsr_news.corpus.loader import LoadedDocument

GOLD = "gold"
HUMAN, PREDICTION = "human", "prediction"
# the rule in a sentence, for the manifest and the card
RULE = (
    "each document's annotations come from its gold file if it has one; else from its human "
    "layer if it has exactly one; else from the first of the fallback layers it has; else "
    "it has none"
)


@dataclass(frozen=True, slots=True)
class SourcedLayer:
    """One annotation file of a document (its JSON, schema-valid), named as releases name it."""

    name: str  # GOLD or the annotator id
    file: dict

    @property
    def origin(self) -> str:
        """`human` if every kind in the file is human work, else `prediction`: a file that is
        partly a model's is never presented as human."""
        kinds = self.file["layers"].values()
        return HUMAN if all(layer["origin"] == HUMAN for layer in kinds) else PREDICTION

    def kinds(self) -> list[str]:
        """The layer kinds the file has, in LAYER_KINDS order (an absent kind was not done)."""
        return [kind for kind in LAYER_KINDS if kind in self.file["layers"]]

    def items(self, kind: str) -> list[dict]:
        layer = self.file["layers"].get(kind)
        return layer["items"] if layer is not None else []

    def kind_origin(self, kind: str) -> str:
        return self.file["layers"][kind]["origin"]

    def sources(self) -> list[dict]:
        """Who made each kind: annotator, origin and (for predictions) model, in kind order."""
        return [
            {
                "kind": kind,
                "annotator": layer["annotator"],
                "origin": layer["origin"],
                "model": layer.get("model"),
            }
            for kind in self.kinds()
            for layer in (self.file["layers"][kind],)
        ]


def all_layers(document: LoadedDocument) -> list[SourcedLayer]:
    """Every annotation file of `document`: gold first, then the annotators' in name order."""
    found = [SourcedLayer(GOLD, document.gold)] if document.gold is not None else []
    return found + [SourcedLayer(name, document.layers[name]) for name in sorted(document.layers)]


def release_layer(document: LoadedDocument, fallback: Sequence[str]) -> SourcedLayer | None:
    """The layer `document`'s release rows come from, by the rule above (None: unannotated)."""
    if document.gold is not None:
        return SourcedLayer(GOLD, document.gold)
    humans = document.human_annotators
    if len(humans) == 1:
        return SourcedLayer(humans[0], document.layers[humans[0]])
    for name in fallback:
        if name in document.layers:
            return SourcedLayer(name, document.layers[name])
    return None
