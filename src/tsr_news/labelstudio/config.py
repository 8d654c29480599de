"""The Label Studio labelling config, generated from the taxonomy (`tsr-news ls config`).

Nothing here names a label: every value and caption comes from `scheme` (and through it from
the taxonomy), so the interface always offers exactly what the validator accepts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tsr_news.labelstudio.appearance import RELATION_KEY, colour, hotkeys
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

# The layout, in Label Studio's View styles: the article on the left with the label groups
# in a bar that stays at the top while the text scrolls (capped, so that the groups never fill
# the screen); a region's attributes in a column beside the text, kept in view.
_ROW = "display: flex; align-items: flex-start; gap: 16px"
_ARTICLE = "flex: 3; min-width: 0"
_LABEL_BAR = (
    "position: sticky; top: 0; z-index: 10; background: #fff; max-height: 25vh; "
    "overflow-y: auto; border-bottom: 1px solid #ddd; padding-bottom: 4px"
)
_ATTRIBUTES = (
    "flex: 2; min-width: 260px; position: sticky; top: 0; max-height: 95vh; overflow-y: auto"
)


def label_config() -> str:
    """The config XML: the four Labels controls, the text, relations, per-region attributes."""
    tax = taxonomy()
    view = ET.Element("View")
    _header(
        view,
        f"Relations: select a region, press {RELATION_KEY} (or the link icon), click the other "
        "region, then pick the relation's label",
    )
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
    keys = hotkeys(tuple((name, tuple(labels)) for name, labels in regions.items()))
    row = ET.SubElement(view, "View", style=_ROW)
    article = ET.SubElement(row, "View", style=_ARTICLE)
    bar = ET.SubElement(article, "View", style=_LABEL_BAR)
    for name in (ENTITY, QUOTE, MEASURE, NOISE):  # the most used first
        _header(bar, titles[name])
        control = ET.SubElement(bar, "Labels", name=name, toName=TEXT, showInline="true")
        for value, hint in regions[name].items():
            ET.SubElement(
                control,
                "Label",
                value=value,
                hint=hint,
                background=colour(name, value, tuple(regions[name])),
                hotkey=keys[name, value],
            )

    ET.SubElement(article, "Header", value="$title", size="4")
    _header(article, "$byline")
    ET.SubElement(article, "Text", name=TEXT, value="$text")

    side = ET.SubElement(row, "View", style=_ATTRIBUTES)
    for attribute in attributes():
        box = ET.SubElement(
            side,
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
