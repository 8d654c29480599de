"""How the annotation scheme appears in Label Studio: regions, per-region attributes, relations.

This one table is read both by `config` (which generates the labelling interface) and by
`convert` (which translates results in both directions), so the interface and the translation
cannot disagree. Label inventories come from the taxonomy; captions from the taxonomy's
definitions and the annotation schema's descriptions. A new label is still one edit, in schema/.

The mapping, in short:
- a noise span, an entity, a quote part and a measure part are each one text region, labelled
  by one of four `Labels` controls (`noise`, `entity`, `quote`, `measure`);
- a quote is anchored on its `cue` region, a measure on its `trigger` region; its other parts
  (content, source, channel; scope) are tied to the anchor by a `part` relation;
- attributes are per-region controls (Choices or TextArea) on the region they describe, shown
  only for the labels they belong to (`whenLabelValue`);
- entity references are relations from an anchor (or a channel) to an entity region, one
  relation label per field, `time:<role>` for time links.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tsr_news.scheme.schemas import ANNOTATION_SCHEMA, load_schema, taxonomy

TEXT = "text"  # the Text object's name; a task carries the raw text in data.text
RELATIONS = "relations"

NOISE, ENTITY, QUOTE, MEASURE = "noise", "entity", "quote", "measure"
QUOTE_PARTS = ("content", "cue", "source", "channel")
MEASURE_PARTS = ("trigger", "scope")
ANCHOR = {QUOTE: "cue", MEASURE: "trigger"}
PART = "part"  # the relation tying a quote's or measure's other parts to its anchor


@dataclass(frozen=True)
class Attribute:
    """A canonical field edited as a per-region control on the regions of some labels."""

    control: str  # the Label Studio control's name (unique in the config)
    field: str  # the canonical field
    region: str  # the Labels control whose regions carry it
    labels: tuple[str, ...]  # the region labels it applies to
    inventory: str | None  # Choices over this taxonomy inventory; None: free text (TextArea)
    multiple: bool = False  # the field is a list
    required: bool = False

    @property
    def caption(self) -> str:
        if self.inventory is not None:
            inventory = taxonomy()[self.inventory]
            shared = sum(a.inventory == self.inventory for a in attributes()) > 1
            title = f"{self.field} ({inventory.title})" if shared else inventory.title
            return f"{title}: {inventory.description}"
        return f"{self.field}: {_description(self.region, self.field)}"


@dataclass(frozen=True)
class Link:
    """A relation label: a reference from an anchor region to entity regions."""

    label: str
    part: str  # the part label of the region the reference starts from
    field: str  # the canonical field holding the entity ids
    role: str | None = None  # for time links: the role

    @property
    def caption(self) -> str:
        if self.role is not None:
            return f"Time ({self.role}): {taxonomy()['time_role'].definitions[self.role]}"
        kind = QUOTE if self.part in QUOTE_PARTS else MEASURE
        if self.part == "channel":
            return "Channel entity: " + _description(QUOTE, "channel", "entity_ids")
        return f"{self.label.capitalize()}: {_description(kind, self.field)}"


@cache
def attributes() -> tuple[Attribute, ...]:
    tax = taxonomy()
    rules = tax.entity_attributes

    def entity(name: str, inventory: str | None) -> Attribute:
        rule = rules[name]
        labels = tuple(v for v in tax["entity_label"].values if v in rule.labels)
        return Attribute(name, name, ENTITY, labels, inventory, required=rule.required)

    def quote(control: str, field: str, inventory: str | None, **kw) -> Attribute:
        return Attribute(control, field, QUOTE, ("cue",), inventory, **kw)

    def measure(control: str, field: str, inventory: str | None, **kw) -> Attribute:
        return Attribute(control, field, MEASURE, ("trigger",), inventory, **kw)

    return (
        Attribute("ref", "ref", ENTITY, tuple(tax.ref_prefixes), None, required=True),
        entity("gpe_role", "gpe_role"),
        entity("org_type", "org_type"),
        entity("norm", None),
        quote("quote_type", "type", "quote_type", required=True),
        quote("quote_flags", "flags", "quote_flag", multiple=True),
        quote("speaker_text", "speaker_text", None, required=True),
        measure("measure_type", "type", "measure_type", required=True),
        measure("instrument", "instrument", "measure_instrument"),
        measure("status", "status", "measure_status", required=True),
        measure("specificity", "specificity", "measure_specificity", required=True),
        measure("sectors", "sectors", "sector", multiple=True),
        measure("actor_text", "actor_text", None),
        measure("actor_jurisdiction", "actor_jurisdiction", "jurisdiction"),
        measure("target_text", "target_text", None),
        measure("target_jurisdictions", "target_jurisdictions", "jurisdiction", multiple=True),
    )


@cache
def links() -> tuple[Link, ...]:
    times = tuple(
        Link(f"time:{role}", "trigger", "time", role) for role in taxonomy()["time_role"].values
    )
    return (
        Link("speaker", "cue", "speaker_ids"),
        Link("channel", "channel", "entity_ids"),
        Link("actor", "trigger", "actor_ids"),
        Link("target", "trigger", "target_ids"),
        *times,
        Link("magnitude", "trigger", "magnitude_ids"),
    )


def part_caption(kind: str, part: str) -> str:
    return f"{kind.capitalize()} {part}: {_description(kind, part)}"


def _description(kind: str, *path: str) -> str:
    node = load_schema(ANNOTATION_SCHEMA)["$defs"][kind]
    for name in path:
        node = node["properties"][name]
    return node["description"]
