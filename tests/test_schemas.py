"""Schemas are valid draft 2020-12 and agree with the taxonomy; the taxonomy with the scheme."""

import pytest
from jsonschema import Draft202012Validator

from tsr_news.scheme.schemas import (
    ANNOTATION_SCHEMA,
    META_SCHEMA,
    TAXONOMY_SCHEMA,
    load_schema,
    taxonomy,
)

SCHEMAS = (META_SCHEMA, ANNOTATION_SCHEMA, TAXONOMY_SCHEMA)

# The inventories as ../shared/annotation-scheme.md (v1) lists them: the taxonomy must match.
SCHEME = {
    "entity_label": "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE DATE TIME "
    "PERCENT MONEY QUANTITY ORDINAL CARDINAL",
    "gpe_role": "GOV LOC POP GPE",
    "org_type": "GOVERNMENT LEGISLATURE PARTY MILITARY STATE_MEDIA MEDIA COMPANY RESEARCH "
    "INTERNATIONAL NGO OTHER",
    "noise_kind": "crawl_metadata site_boilerplate promo image_credit widget repost_banner "
    "duplicate agency_tag",
    "quote_type": "direct indirect mixed",
    "quote_flag": "unbalanced_quote_marks paraphrased_source speaker_uncertain truncated",
    "measure_type": "EXPORT_CONTROL SANCTION INVESTMENT_RESTRICTION IMPORT_RESTRICTION TARIFF "
    "PUBLIC_FUNDING TAX_INCENTIVE LOCALISATION STOCKPILING REGULATORY_ACTION STATE_PROGRAM OTHER",
    "measure_status": "considered proposed announced implemented reported",
    "measure_specificity": "specific generic",
    "sector": "semiconductors semiconductor_equipment ai hpc quantum telecom_5g big_data biotech "
    "aerospace critical_minerals ev_batteries energy food_agriculture consumer_internet finance "
    "tech_general other",
    "time_role": "announced start end reference",
    "origin": "human prediction",
    "date_confidence": "high medium low",
    "text_condition": "original syndicated_copy scraped_repost machine_paraphrased",
}


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_valid_draft_2020_12_with_id_and_version(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/" + name)
    assert schema["schema_version"] == "1.0.0"


@pytest.mark.parametrize("name", sorted(SCHEME))
def test_taxonomy_inventory_equals_the_scheme(name):
    assert list(taxonomy()[name].values) == SCHEME[name].split()


def test_every_taxonomy_value_has_a_one_line_definition():
    for inventory in taxonomy().inventories.values():
        assert inventory.title and inventory.description
        for value, definition in inventory.definitions.items():
            assert definition.strip() and "\n" not in definition, (inventory.name, value)


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


@pytest.mark.parametrize("name", [META_SCHEMA, ANNOTATION_SCHEMA])
def test_data_schemas_take_every_controlled_value_from_the_taxonomy(name):
    """No inline enum: a label added to the taxonomy is one edit."""
    for path, node in _walk(load_schema(name)):
        assert "enum" not in node, path
        ref = node.get("$ref", "")
        if ref.startswith("taxonomy"):
            assert ref.split("/")[-1] in taxonomy().inventories, ref


def test_taxonomy_rules_name_only_known_labels():
    labels = set(taxonomy()["entity_label"].values)
    tax = taxonomy()
    assert set(tax.ref_prefixes) <= labels
    for allowed in tax.reference_labels.values():
        assert allowed <= labels
    for attribute in tax.entity_attributes.values():
        assert attribute.labels <= labels
        assert attribute.name in load_schema(ANNOTATION_SCHEMA)["$defs"]["entity"]["properties"]
