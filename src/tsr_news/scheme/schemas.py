"""The JSON Schemas of `schema/` and the taxonomy they share.

The taxonomy schema is the one source of truth for every label inventory: each value is a
`const` with its `description`, and the other schemas `$ref` into it. Everything else that
needs labels (checks, guidelines, Label Studio config, dataset features) asks `Taxonomy`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

META_SCHEMA = "meta.schema.json"
ANNOTATION_SCHEMA = "annotation.schema.json"
TAXONOMY_SCHEMA = "taxonomy.schema.json"


def schema_dir() -> Path:
    """Where the schemas are: the copy inside an installed wheel, else the checkout's `schema/`.

    A wheel carries `tsr_news/schema/` (see pyproject's force-include); an editable install
    runs from `src/`, two levels below the repository's top-level `schema/`.
    """
    package = Path(__file__).resolve().parents[1]  # this module is tsr_news/scheme/schemas.py
    packaged = package / "schema"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "schema"


@cache
def load_schema(name: str) -> dict:
    return json.loads((schema_dir() / name).read_text(encoding="utf-8"))


@cache
def schemas_by_id() -> dict[str, dict]:
    """Every schema of `schema/` by its `$id`: what their `$ref`s resolve into (read once;
    not to be modified)."""
    schemas = (load_schema(n) for n in (META_SCHEMA, ANNOTATION_SCHEMA, TAXONOMY_SCHEMA))
    return {schema["$id"]: schema for schema in schemas}


@cache
def registry() -> Registry:
    return Registry().with_resources(
        (uri, Resource.from_contents(schema)) for uri, schema in schemas_by_id().items()
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for one schema, resolving `$ref`s into the taxonomy."""
    return Draft202012Validator(
        load_schema(name), registry=registry(), format_checker=FormatChecker()
    )


@cache
def fast_validator(name: str) -> jsonschema_rs.Validator:
    """The same schema compiled by jsonschema-rs, hundreds of times faster than `validator`.

    It decides whether a file is valid; `validator`, the reference, explains the files it
    rejects (`loader.schema_findings`). tests/test_schema_engines.py proves the two agree.
    """
    return jsonschema_rs.Draft202012Validator(
        load_schema(name),
        registry=jsonschema_rs.Registry(list(schemas_by_id().items())),
        validate_formats=True,
    )


@dataclass(frozen=True)
class Inventory:
    """One controlled vocabulary: its values in order, each with a one-line definition."""

    name: str
    title: str
    description: str
    definitions: dict[str, str]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self.definitions)


@dataclass(frozen=True)
class EntityAttribute:
    """A label-specific entity attribute (gpe_role, org_type, norm)."""

    name: str
    labels: frozenset[str]
    required: bool


class Taxonomy:
    """The label inventories and the rules between them, read from the taxonomy schema."""

    def __init__(self, schema: dict):
        self.inventories = {
            name: Inventory(
                name=name,
                title=definition["title"],
                description=definition["description"],
                definitions={b["const"]: b["description"] for b in definition["oneOf"]},
            )
            for name, definition in schema["$defs"].items()
        }
        self.ref_prefixes = {
            b["const"]: b["x-ref-prefix"]
            for b in schema["$defs"]["entity_label"]["oneOf"]
            if "x-ref-prefix" in b
        }
        self.reference_labels = {
            field: frozenset(labels) for field, labels in schema["x-reference-labels"].items()
        }
        self.entity_attributes = {
            name: EntityAttribute(name, frozenset(rule["labels"]), rule["required"])
            for name, rule in schema["x-entity-attributes"].items()
        }
        # entity label -> (the attributes it may carry, those it must): an entity whose
        # attributes lie between the two is right, which one set comparison tells
        self.attribute_rules = {
            label: (
                frozenset(a.name for a in self.entity_attributes.values() if label in a.labels),
                frozenset(
                    a.name
                    for a in self.entity_attributes.values()
                    if label in a.labels and a.required
                ),
            )
            for label in self.inventories["entity_label"].values
        }

    def __getitem__(self, name: str) -> Inventory:
        return self.inventories[name]


@cache
def taxonomy() -> Taxonomy:
    return Taxonomy(load_schema(TAXONOMY_SCHEMA))
