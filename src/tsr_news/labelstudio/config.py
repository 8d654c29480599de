"""The Label Studio labelling config, generated from the taxonomy (`tsr-news ls config`).

Nothing here names a label: every value and caption comes from `scheme` (and through it from
the taxonomy), so the interface always offers exactly what the validator accepts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tsr_news.labelstudio.scheme import (
    ENTITY,
    MEASURE,
    MEASURE_PARTS,
    NOISE,
    PART,
    QUOTE,
    QUOTE_PARTS,
    RELATIONS,
    TEXT,
    attributes,
    links,
    part_caption,
)
from tsr_news.scheme.schemas import taxonomy

# Distinct, readable highlight colours per Labels control (Label Studio needs some colour).
_COLOURS = {NOISE: "#bdbdbd", ENTITY: "#90caf9", QUOTE: "#ffcc80", MEASURE: "#a5d6a7"}


def label_config() -> str:
    """The config XML: the four Labels controls, the text, relations, per-region attributes."""
    tax = taxonomy()
    view = ET.Element("View")
    _header(view, "Relations: select a region, press R (or the link icon), click the other region")
    relations = ET.SubElement(view, "Relations", name=RELATIONS, toName=TEXT, choice="multiple")
    part_hint = (
        "Ties a quote's content, source or channel to its cue, a measure's scope to its trigger"
    )
    ET.SubElement(relations, "Relation", value=PART, hint=part_hint)
    for link in links():
        ET.SubElement(relations, "Relation", value=link.label, hint=link.caption)

    regions = {
        NOISE: {v: tax["noise_kind"].definitions[v] for v in tax["noise_kind"].values},
        ENTITY: {v: tax["entity_label"].definitions[v] for v in tax["entity_label"].values},
        QUOTE: {p: part_caption(QUOTE, p) for p in QUOTE_PARTS},
        MEASURE: {p: part_caption(MEASURE, p) for p in MEASURE_PARTS},
    }
    titles = {
        NOISE: tax["noise_kind"].title,
        ENTITY: tax["entity_label"].title,
        QUOTE: "Quote parts (a quote is anchored on its cue)",
        MEASURE: "Measure parts (a measure is anchored on its trigger)",
    }
    for name, labels in regions.items():
        _header(view, titles[name])
        control = ET.SubElement(view, "Labels", name=name, toName=TEXT, showInline="true")
        for value, hint in labels.items():
            ET.SubElement(control, "Label", value=value, hint=hint, background=_COLOURS[name])

    ET.SubElement(view, "Header", value="$title", size="4")
    _header(view, "$byline")
    ET.SubElement(view, "Text", name=TEXT, value="$text")

    for attribute in attributes():
        box = ET.SubElement(
            view,
            "View",
            visibleWhen="region-selected",
            whenTagName=attribute.region,
            whenLabelValue=",".join(attribute.labels),
        )
        _header(box, attribute.caption)
        common = {
            "name": attribute.control,
            "toName": TEXT,
            "perRegion": "true",
            "whenLabelValue": ",".join(attribute.labels),
            "required": "true" if attribute.required else "false",
        }
        if attribute.inventory is None:
            ET.SubElement(box, "TextArea", **common, maxSubmissions="1", editable="true")
        else:
            inventory = tax[attribute.inventory]
            choices = ET.SubElement(
                box,
                "Choices",
                **common,
                choice="multiple" if attribute.multiple else "single",
                showInline="true",
            )
            for value in inventory.values:
                ET.SubElement(choices, "Choice", value=value, hint=inventory.definitions[value])
    ET.indent(view)
    return ET.tostring(view, encoding="unicode")


def _header(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "Header", value=text, size="6")
