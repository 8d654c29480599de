"""The reference validator stays: jsonschema-rs decides, jsonschema must agree.

`loader.schema_findings` asks the fast engine for a verdict and the reference (`jsonschema`,
the design card's validator) to explain a rejection, through `explainer.explain` (the same
schema with its `$ref`s inlined, a shortcut for inventories, and no visit to array items the
fast engine found nothing wrong in). These tests prove, on every JSON file of every bad-input
case, of the real corpus, of a generated corpus with errors of every kind injected, and of
files broken in several places at once, that the two engines give the same verdict and that
`explain` gives exactly the reference's errors, so the speed costs no correctness.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest

from tsr_news.checks.explainer import explain, inlined, prunable_schemas
from tsr_news.checks.jsonfile import read_json
from tsr_news.corpus.loader import schema_findings
from tsr_news.scheme.schemas import ANNOTATION_SCHEMA, META_SCHEMA, fast_validator, validator

from bad_inputs import CASES, BadInput
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import generate


def schema_of(path: Path) -> str:
    return META_SCHEMA if path.name.endswith(".meta.json") else ANNOTATION_SCHEMA


def parsed_json_files(root: Path):
    """(path, schema, value) for every corpus JSON file that parses (those under raw/ and
    annotations/: the root also holds the generator's bookkeeping, or a repository's venvs;
    regular files only, as the loader reads: a FIFO would wait for a writer)."""
    for path in sorted(p for d in ("raw", "annotations") for p in (root / d).rglob("*.json")):
        if not path.is_file():
            continue
        try:
            yield path, schema_of(path), read_json(path.name, path.read_bytes())
        except ValueError:  # jsonfile.Unreadable: not JSON every reader reads alike
            continue  # the schema never sees it


def reference_errors(schema: str, value) -> list[tuple]:
    return described(validator(schema).iter_errors(value))


def explained_errors(schema: str, value) -> list[tuple]:
    """`explain`'s errors, told where the fast engine found them, as `loader` tells it."""
    located = [e.instance_path for e in fast_validator(schema).iter_errors(value)]
    return described(explain(schema, value, located))


def described(errors) -> list[tuple]:
    """Errors in the order given, by everything that can reach a finding. Not `schema_path`,
    nor the subschemas within `schema`: those differ by design where the explainer inlined a
    `$ref`."""
    return [
        (
            list(e.absolute_path),
            e.validator,
            value_facts(e),
            e.message,
            e.instance,
            schema_facts(e.schema),
            errors_of_context(e),
        )
        for e in errors
    ]


def value_facts(error):
    """What a finding can read of an error's keyword value: for `oneOf`/`anyOf`, the branches'
    `const`s (a branch may be an inlined `$ref`)."""
    if error.validator in ("oneOf", "anyOf"):
        return [branch.get("const") for branch in error.validator_value]
    return error.validator_value


def schema_facts(schema) -> tuple:
    """What a finding can read of an error's schema (`schemaerrors`)."""
    if not isinstance(schema, dict):
        return (schema,)
    return (schema.get("title"), schema.get("description"), sorted(schema.get("properties", {})))


def errors_of_context(error) -> list[tuple]:
    return [
        (
            list(e.relative_path),
            e.relative_schema_path[0],
            e.validator,
            value_facts(e),
            e.message,
            schema_facts(e.schema),
            errors_of_context(e),
        )
        for e in error.context
    ]


def assert_engines_agree(root: Path) -> int:
    checked = 0
    for path, schema, value in parsed_json_files(root):
        reference = reference_errors(schema, value)
        assert fast_validator(schema).is_valid(value) == (not reference), path
        assert explained_errors(schema, value) == reference, path
        checked += 1
    return checked


@pytest.mark.parametrize("case", CASES, ids=str)
def test_both_engines_give_the_same_verdict_on_every_bad_input(case: BadInput, corpus):
    case.breaks(corpus)
    assert assert_engines_agree(corpus) >= 3


def test_both_engines_give_the_same_verdict_on_the_real_corpus():
    assert assert_engines_agree(REPO) >= 10


def test_both_engines_give_the_same_verdict_on_a_generated_corpus_with_every_error(tmp_path):
    root = tmp_path / "broken"
    generate.generate(root, 120, seed=3, error_rate=1.0, jobs=1)
    verdicts = {
        fast_validator(schema).is_valid(value) for _, schema, value in parsed_json_files(root)
    }
    assert verdicts == {True, False}  # both kinds of file are there
    assert assert_engines_agree(root) > 200


def test_the_explainer_refuses_a_schema_it_cannot_inline():
    looping = {"$defs": {"node": {"$ref": "#/$defs/node"}}, "$ref": "#/$defs/node"}
    with pytest.raises(ValueError, match="recursive"):
        inlined(looping, "x.json", {"x.json": looping})
    beside = {"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a", "allOf": [{}]}
    with pytest.raises(ValueError, match="allOf"):
        inlined(beside, "y.json", {"y.json": beside})


def test_a_rejected_value_is_explained_by_the_reference_validator():
    value = orjson.loads((REPO / "tests/fixtures/corpus/raw/doc-alpha.meta.json").read_bytes())
    value["date_confidence"] = "certain"
    (finding,) = schema_findings(value, META_SCHEMA)
    assert finding.code == "schema-unknown-value"
    assert "'certain' is not a known" in finding.message


def fixture_annotations() -> dict:
    return orjson.loads((REPO / "tests/fixtures/corpus/annotations/doc-alpha.json").read_bytes())


def test_a_file_broken_in_several_items_and_at_its_root_is_explained_as_the_reference_does():
    value = fixture_annotations()
    layers = value["layers"]
    layers["entities"]["items"][1]["label"] = "PLANET"
    layers["entities"]["items"][4]["start"] = "180"
    layers["entities"]["items"][4]["colour"] = "red"
    layers["quotes"]["items"][0]["source"] = {"start": -1}  # under the `oneOf`
    layers["measures"]["items"][0]["sectors"] = ["semiconductors", "semiconductors", 7]
    layers["noise"]["items"] = 3
    del value["doc_id"]
    reference = reference_errors(ANNOTATION_SCHEMA, value)
    assert len(reference) >= 6
    assert explained_errors(ANNOTATION_SCHEMA, value) == reference


def test_items_no_rejection_leads_into_are_not_explained():
    value = fixture_annotations()
    entities = value["layers"]["entities"]["items"]
    entities[1]["label"] = "PLANET"
    entities[3]["label"] = "COMET"
    first_only = [["layers", "entities", "items", 1, "label"]]
    (error,) = explain(ANNOTATION_SCHEMA, value, first_only)
    assert error.instance == "PLANET"
    # a path that leads nowhere in the value prunes nothing
    explained = explain(ANNOTATION_SCHEMA, value, [["layers", "entities", "items", 99]])
    assert [e.instance for e in explained] == ["PLANET", "COMET"]


def test_items_are_pruned_only_where_no_combinator_stands_between_them_and_the_root():
    schema = {
        "properties": {
            "plain": {"items": {"type": "string"}},
            "joined": {"allOf": [{"items": {"type": "string"}}]},
            "either": {"oneOf": [{"items": {"type": "string"}}, {"type": "null"}]},
            "unless": {"not": {"items": {"type": "string"}}},
        }
    }
    properties = schema["properties"]
    assert prunable_schemas(schema) == {
        id(properties["plain"]),
        id(properties["joined"]["allOf"][0]),
    }
