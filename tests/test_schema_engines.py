"""The reference validator stays: jsonschema-rs decides, jsonschema must agree.

`loader.schema_findings` asks the fast engine for a verdict and the reference (`jsonschema`,
the design card's validator) to explain a rejection. These tests prove the two engines give
the same verdict on every JSON file of every bad-input case, of the real corpus, and of a
generated corpus with errors of every kind injected, so the speed costs no correctness.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import orjson
import pytest

from tsr_news.loader import schema_findings
from tsr_news.schemas import ANNOTATION_SCHEMA, META_SCHEMA, fast_validator, validator

from bad_inputs import CASES, BadInput
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import generate


def schema_of(path: Path) -> str:
    return META_SCHEMA if path.name.endswith(".meta.json") else ANNOTATION_SCHEMA


def parsed_json_files(root: Path):
    """(path, schema, value) for every corpus JSON file that parses."""
    for path in sorted(root.rglob("*.json")):
        if path.parent == root:
            continue  # the generator's own bookkeeping, not a corpus file
        try:
            yield path, schema_of(path), json.loads(path.read_bytes())
        except ValueError:
            continue  # not JSON: the schema never sees it


def assert_engines_agree(root: Path) -> int:
    checked = 0
    for path, schema, value in parsed_json_files(root):
        reference = not any(True for _ in validator(schema).iter_errors(value))
        assert fast_validator(schema).is_valid(value) == reference, path
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


def test_a_rejected_value_is_explained_by_the_reference_validator():
    value = orjson.loads((REPO / "tests/fixtures/corpus/raw/doc-alpha.meta.json").read_bytes())
    value["date_confidence"] = "certain"
    (finding,) = schema_findings(value, META_SCHEMA)
    assert finding.code == "schema-unknown-value"
    assert "'certain' is not a known" in finding.message
