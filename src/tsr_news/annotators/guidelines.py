"""The label tables of `annotations/GUIDELINES.md`, generated from the taxonomy.

Annotators read definitions in the guidelines; the schemas enforce the taxonomy. Generating the
tables from the taxonomy (and checking them in the tests) keeps the two from drifting apart.
"""

from __future__ import annotations

from tsr_news.scheme.schemas import Taxonomy

BLOCK = "taxonomy"

# the inventories annotators choose from, in the order the guidelines introduce them
ANNOTATOR_INVENTORIES = (
    "noise_kind",
    "entity_label",
    "gpe_role",
    "org_type",
    "quote_type",
    "quote_flag",
    "measure_type",
    "measure_instrument",
    "measure_status",
    "measure_specificity",
    "sector",
    "time_role",
    "jurisdiction",
)


def label_tables(taxonomy: Taxonomy) -> str:
    parts = []
    for name in ANNOTATOR_INVENTORIES:
        inventory = taxonomy[name]
        parts.append(f"#### {inventory.title} (`{name}`)\n\n{inventory.description}\n")
        parts.append("| value | definition |\n|---|---|")
        parts += [f"| `{value}` | {text} |" for value, text in inventory.definitions.items()]
        parts.append("")
    return "\n".join(parts)
