"""What every column of the release means, for the card and the Croissant file.

One sentence per field name (`FIELDS`), where a name means the same in every config and
record; where it does not, the name qualified by its parent (`"noise.kind"`, `"ner.start"`)
says what it is there. Label-valued fields are described by their taxonomy inventory too
(`label_sets`: names in id order, each with its definition from `schema/taxonomy.schema.json`),
so the card and Croissant carry the label set as data, not prose. `describe` fails on a field
without a description, and a test walks every feature of every config through it, so a new
column cannot ship undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from datasets import ClassLabel, List

from tsr_news.release.ner import tag_names
from tsr_news.scheme.schemas import taxonomy

NER_TAGS = "ner_tag"  # the label set of `ner_tags` (OntoNotes BIO tags, not a taxonomy inventory)

FIELDS = {
    "doc_id": "The document's id (`raw/<doc_id>.txt` in the corpus).",
    "title": "The article's headline as published (sometimes reconstructed: see "
    "`provenance_notes`).",
    "publisher": "Where this copy of the article was found.",
    "original_publisher": "Who first published the article, where known (a repost names the "
    "original).",
    "url": "The URL of this copy, where known.",
    "published": "Publication date (ISO 8601, as precise as known).",
    "date_confidence": "How sure the publication date is.",
    "language": "The text's language (BCP 47; `en`).",
    "text_condition": "Whether the text is the original or a copy of it, and what kind.",
    "story_cluster": "The news event the article reports; every document of a cluster is in "
    "the same split.",
    "split": "The document's split, decided once per story cluster.",
    "rights": "Who holds the rights to the text.",
    "provenance_notes": "How the text's provenance was established.",
    "documents.text": "The article's verbatim text (empty in a text-withheld release). Every "
    "offset in the release indexes it in code points.",
    "text_sha256": "SHA-256 of the text's UTF-8 bytes: pins the text the offsets were made "
    "on (and checks a rehydrated text).",
    "layer": "Which annotation file the row's annotations come from: `gold` or the annotator's id.",
    "origin": "Whether the annotations are human work (`human`) or a model's or an AI's not "
    "reviewed by a person (`prediction`).",
    "layer_sources": "Who made each layer kind of the annotation file.",
    "layer_sources.kind": "The layer kind: noise, entities, quotes or measures.",
    "annotator": "The annotator's id (a person, or the name of the model's layer).",
    "layer_sources.origin": "Whether this kind is human work or a prediction.",
    "model": "For a prediction, the model or procedure that made it.",
    "annotated_layers": "The layer kinds the file annotates (an absent kind was not done; an "
    "empty one says there is nothing of it).",
    "released": "Whether this annotation file is the document's release layer (the one the "
    "other configs take).",
    "noise": "Page furniture in the text (crawler prefixes, promos, credits), marked instead "
    "of deleted.",
    "noise.id": "The noise span's id within its file.",
    "noise.kind": "What kind of page furniture the span is.",
    "entities": "Named entities (OntoNotes 5.0 types).",
    "entities.id": "The entity's id within its file (quotes and measures refer to it).",
    "label": "The entity's type.",
    "ref": "The entity's canonical reference (`per:`, `norp:`, `org:`, `gpe:` + a normalised "
    "name), shared by its mentions.",
    "gpe_role": "For a GPE, the role in which it is mentioned (ACE-style).",
    "org_type": "For an organisation, what kind it is.",
    "norm": "A normalised value (dates, amounts), where given.",
    "quotes": "Reported speech, PARC 3.0-style: content, cue and source.",
    "quotes.id": "The quote's id within its file.",
    "quotes.type": "Whether the quote is direct, indirect or mixed.",
    "content": "The quoted content, one or more spans.",
    "cue": "The cue: the verb or phrase that introduces the quote.",
    "source": "The source span: who the text says is speaking.",
    "speaker_ids": "Ids of the entities that are the speaker.",
    "speaker_text": "The speaker as the annotator names them.",
    "speaker_refs": "The `ref` of each speaker entity (null where it has none).",
    "channel": "Where the words were said or written (an interview, a statement), if stated.",
    "entity_ids": "Ids of the entities the span refers to.",
    "flags": "Warnings about the quote's reliability.",
    "measures": "Policy measures mentioned (export controls, sanctions, subsidies, ...), "
    "typed after Global Trade Alert / UNCTAD MAST.",
    "measures.id": "The measure's id within its file.",
    "measures.type": "The measure's type.",
    "instrument": "The policy instrument, where stated.",
    "trigger": "The minimal span naming the measure.",
    "scope": "The longer span that says what the measure covers, if annotated.",
    "status": "Where the measure stands (considered, announced, in force, ...), as the text "
    "reports it.",
    "specificity": "Whether a specific measure or a kind of measure is meant.",
    "actor_ids": "Ids of the entities that impose the measure.",
    "actor_refs": "The `ref` of each actor entity.",
    "actor_text": "The actor as the annotator names it.",
    "actor_jurisdiction": "The jurisdiction that imposes the measure.",
    "target_ids": "Ids of the entities the measure targets.",
    "target_refs": "The `ref` of each target entity.",
    "target_text": "The target as the annotator names it.",
    "target_jurisdictions": "The jurisdictions the measure targets.",
    "sectors": "The economic sectors the measure concerns.",
    "time": "Dates linked to the measure, each with its role.",
    "entity_id": "The id of the DATE or TIME entity.",
    "role": "What the date is for the measure.",
    "magnitude_ids": "Ids of the MONEY, PERCENT or QUANTITY entities that size the measure.",
    "start": "First code point of the span in the document's text (inclusive).",
    "end": "Code point after the span's last (exclusive): `text[start:end]`.",
    "text": "The span's text, `text[start:end]` of the document (empty in a text-withheld "
    "release).",
    "sentence": "The sentence's index in the document (noise and text outside sentences are "
    "skipped).",
    "ner.start": "First code point of the sentence in the document's text.",
    "ner.end": "Code point after the sentence's last.",
    "tokens": "The sentence's tokens (OntoNotes conventions; empty strings in a text-withheld "
    "release).",
    "token_starts": "Each token's first code point in the document's text.",
    "token_ends": "Each token's end (exclusive): `text[token_starts[i]:token_ends[i]]`.",
    "ner_tags": "Each token's BIO tag over the release layer's entities, in the order of the "
    "Hub's `conll2012_ontonotesv5` (english_v4).",
}


class Undocumented(KeyError):
    """A field of the features has no description here."""


def describe(parent: str, name: str) -> str:
    """The meaning of field `name` inside `parent` (a config or a record field's name)."""
    text = FIELDS.get(f"{parent}.{name}") or FIELDS.get(name)
    if text is None:
        raise Undocumented(f"{parent}.{name}: no description in release/descriptions.py")
    return text


@dataclass(frozen=True)
class LabelSet:
    """The names of a ClassLabel, in id order, with their definitions."""

    name: str  # the taxonomy inventory, or NER_TAGS
    title: str
    names: tuple[str, ...]
    definitions: tuple[str, ...]


@cache
def label_sets() -> dict[tuple[str, ...], LabelSet]:
    """Every ClassLabel's names -> its label set (the features build each from one of these)."""
    sets = [
        LabelSet(
            name,
            inventory.title,
            tuple(inventory.values),
            tuple(inventory.definitions[value] for value in inventory.values),
        )
        for name, inventory in taxonomy().inventories.items()
    ]
    sets.append(LabelSet(NER_TAGS, "NER tag", tuple(tag_names()), tuple(_tag_definitions())))
    by_names = {s.names: s for s in sets}
    assert len(by_names) == len(sets), "two label sets with the same names"
    return by_names


def label_set(feature: ClassLabel) -> LabelSet:
    return label_sets()[tuple(feature.names)]


def _tag_definitions():
    entity = taxonomy()["entity_label"].definitions
    for tag in tag_names():
        if tag == "O":
            yield "Outside any entity."
        else:
            position, label = tag.split("-", 1)
            where = "First token" if position == "B" else "A later token"
            yield f"{where} of a {label} entity: {entity[label]}"


def walk(config_features: dict, parent: str):
    """Every field below `parent`, depth first: (parent name, name, feature, depth)."""
    for name, feature in config_features.items():
        yield parent, name, feature
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, dict):
            yield from walk(inner, name)
