"""The labelling config and the tasks: generated from the taxonomy, complete, and consistent."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

import pytest

from tsr_news.labelstudio.config import label_config
from tsr_news.labelstudio.scheme import (
    ANCHOR,
    ENTITY,
    MEASURE,
    MEASURE_PARTS,
    NOISE,
    QUOTE,
    QUOTE_PARTS,
    attributes,
    links,
)
from tsr_news.scheme.model import Entity, Measure, Quote
from tsr_news.scheme.schemas import taxonomy


@pytest.fixture(scope="module")
def config() -> ET.Element:
    return ET.fromstring(label_config())


def values(element: ET.Element, tag: str) -> list[str]:
    return [child.get("value") for child in element.iter(tag)]


def control(config: ET.Element, name: str) -> ET.Element:
    (found,) = [e for e in config.iter() if e.get("name") == name]
    return found


def test_region_labels_are_the_taxonomys(config):
    tax = taxonomy()
    assert values(control(config, NOISE), "Label") == list(tax["noise_kind"].values)
    assert values(control(config, ENTITY), "Label") == list(tax["entity_label"].values)
    assert values(control(config, QUOTE), "Label") == list(QUOTE_PARTS)
    assert values(control(config, MEASURE), "Label") == list(MEASURE_PARTS)
    hints = {e.get("value"): e.get("hint") for e in control(config, ENTITY).iter("Label")}
    assert hints["GPE"] == tax["entity_label"].definitions["GPE"]


def test_every_attribute_is_a_per_region_control_shown_only_for_its_labels(config):
    tax = taxonomy()
    for attribute in attributes():
        element = control(config, attribute.control)
        assert element.get("perRegion") == "true"
        assert element.get("whenLabelValue").split(",") == list(attribute.labels)
        assert element.get("required") == ("true" if attribute.required else "false")
        if attribute.inventory is None:
            assert element.tag == "TextArea"
        else:
            assert element.tag == "Choices"
            assert values(element, "Choice") == list(tax[attribute.inventory].values)
            assert element.get("choice") == ("multiple" if attribute.multiple else "single")
    gpe_role = control(config, "gpe_role")
    assert gpe_role.get("whenLabelValue") == "GPE"


def test_relations_cover_every_reference_and_time_role(config):
    labels = values(control(config, "relations"), "Relation")
    roles = [f"time:{r}" for r in taxonomy()["time_role"].values]
    assert labels == ["part", "speaker", "channel", "actor", "target", *roles, "magnitude"]


def test_every_canonical_field_has_a_place_in_label_studio():
    """A new model field must be mapped here, or the conversion would silently drop it."""
    structural = {"id", "label", "start", "end", "text"}
    mapped = {
        ENTITY: structural | {a.field for a in attributes() if a.region == ENTITY},
        QUOTE: {"id", *QUOTE_PARTS} | {a.field for a in attributes() if a.region == QUOTE},
        MEASURE: {"id", *MEASURE_PARTS} | {a.field for a in attributes() if a.region == MEASURE},
    }
    for link in links():
        if link.part != "channel":
            mapped[QUOTE if link.part == ANCHOR[QUOTE] else MEASURE].add(link.field)
    for name, cls in ((ENTITY, Entity), (QUOTE, Quote), (MEASURE, Measure)):
        assert mapped[name] == {f.name for f in dataclasses.fields(cls)}, name


def test_ls_config_prints_the_config(cli):
    run = cli("ls", "config")
    assert run.exit_code == 0
    assert ET.fromstring(run.out).tag == "View"


def test_tasks_carry_text_hash_and_a_named_prediction(corpus, cli):
    run = cli("ls", "tasks", "--root", corpus, "--predictions", "tagger-x", "doc-alpha")
    assert run.exit_code == 0, run.err
    (task,) = json.loads(run.out)
    text = (corpus / "raw/doc-alpha.txt").read_text("utf-8")
    assert task["data"]["text"] == text
    assert task["data"]["doc_id"] == "doc-alpha"
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == (
        "tsr-news tagger-x layer (prediction: tagger-x 0.1 (test fixture rule))"
    )
    assert {r["from_name"] for r in prediction["result"]} >= {"entity", "ref", "gpe_role"}


def test_no_tasks_from_an_invalid_corpus(corpus, cli):
    (corpus / "raw/doc-beta.txt").write_text("changed\n", "utf-8")
    run = cli("ls", "tasks", "--root", corpus)
    assert run.exit_code == 1
    assert run.out == ""
    assert "raw/doc-beta.meta.json" in run.err
    assert "the corpus is not valid; no tasks made" in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no such document(s) in"),
        (
            ["--predictions", "nobody"],
            "no layer 'nobody' to pre-annotate from; there are: gold, ann1",
        ),
    ],
)
def test_tasks_for_unknown_documents_or_layers_are_usage_errors(corpus, cli, args, message):
    run = cli("ls", "tasks", "--root", corpus, *args)
    assert run.exit_code == 2
    assert run.out == ""
    assert message in run.err
