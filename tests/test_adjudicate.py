"""Adjudication: agreed items to gold, conflicts to a file a person resolves, then gold."""

import json

import pytest

from tsr_news.scheme.model import TimeLink

from conftest import FIXTURE_CORPUS
from handmade import Text


@pytest.fixture
def two_layers(corpus):
    """doc-alpha with two human layers, ann2 and ann3, and no gold.

    They agree on Washington, Gina Raimondo, Tuesday and the quote (whose speaker is the same
    mention under different ids); ann3 adds "Chinese" and says the measure was announced where
    ann2 says considered. Two conflicts.
    """
    (corpus / "annotations" / "doc-alpha.json").unlink()
    t = Text((corpus / "raw" / "doc-alpha.txt").read_text(encoding="utf-8"))

    def measure(id, status, actor, time):
        time = [TimeLink(time, "reference")]
        return t.measure(id, "EXPORT_CONTROL", "export controls", status, ["ai"], [actor], time)

    ann2 = {
        "entities": [
            t.entity("E1", "GPE", "Washington", gpe_role="GOV"),
            t.entity("E2", "PERSON", "Gina Raimondo"),
            t.entity("E3", "DATE", "Tuesday"),
        ],
        "quotes": [t.quote("Q1", "direct", "“We will act fast,”", "added", ["E2"], "she")],
        "measures": [measure("M1", "considered", "E1", "E3")],
    }
    ann3 = {
        "entities": [
            t.entity("E7", "DATE", "Tuesday"),
            t.entity("E4", "PERSON", "Gina Raimondo"),
            t.entity("E9", "GPE", "Washington", gpe_role="GOV"),
            t.entity("E2", "NORP", "Chinese"),
        ],
        "quotes": [t.quote("Q5", "direct", "“We will act fast,”", "added", ["E4"], "she")],
        "measures": [measure("M3", "announced", "E9", "E7")],
    }
    for name, kinds in (("ann2", ann2), ("ann3", ann3)):
        path = corpus / "annotations" / "layers" / name / "doc-alpha.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(t.annotations("doc-alpha", name, **kinds).to_json()))
    return corpus


def adjudicate(cli, corpus, *extra):
    return cli(
        "adjudicate",
        "doc-alpha",
        "--root",
        corpus,
        "--layers",
        "ann2,ann3",
        "--adjudicator",
        "adj",
        *extra,
    )


def conflicts_file(corpus):
    return corpus / "annotations" / "adjudication" / "doc-alpha.json"


def resolve(corpus, *resolutions):
    path = conflicts_file(corpus)
    data = json.loads(path.read_text(encoding="utf-8"))
    for conflict, resolution in zip(data["conflicts"], resolutions, strict=True):
        conflict["resolution"] = resolution
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def gold(corpus):
    return json.loads((corpus / "annotations" / "doc-alpha.json").read_text(encoding="utf-8"))


def test_disagreements_are_written_for_review_with_each_version_and_context(cli, two_layers):
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "2 conflict(s) to resolve" in run.out
    assert not (two_layers / "annotations" / "doc-alpha.json").exists()
    conflicts = json.loads(conflicts_file(two_layers).read_text(encoding="utf-8"))["conflicts"]
    assert [(c["id"], c["kind"], c["resolution"]) for c in conflicts] == [
        ("C1", "entities", None),
        ("C2", "measures", None),
    ]
    chinese, measure = conflicts
    assert chinese["versions"]["ann2"] is None
    assert chinese["versions"]["ann3"]["text"] == "Chinese"
    assert "rise in ⟦Chinese⟧ imports" in chinese["context"]
    # references are qualified with their annotator, so versions can be told apart
    assert measure["versions"]["ann2"]["actor_ids"] == ["ann2:E1"]
    assert measure["versions"]["ann3"]["actor_ids"] == ["ann3:E9"]


def test_rerun_refuses_while_conflicts_are_unresolved(cli, two_layers):
    adjudicate(cli, two_layers)
    resolve(two_layers, "ann3", None)
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "1 of 2 conflict(s)" in run.err
    assert "C2 (measures)" in run.err
    assert "C1" not in run.err.split("\n", 1)[1]
    assert not (two_layers / "annotations" / "doc-alpha.json").exists()


def test_resolved_conflicts_complete_a_valid_gold_with_renumbered_ids(cli, two_layers):
    adjudicate(cli, two_layers)
    resolve(two_layers, "ann3", "ann3")
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 0, run.err
    layers = gold(two_layers)["layers"]
    assert {layer["annotator"] for layer in layers.values()} == {"adj"}
    assert {layer["origin"] for layer in layers.values()} == {"human"}
    # text order: Washington 15, Gina Raimondo 95, Tuesday 117, Chinese 200
    entities = [(e["id"], e["text"]) for e in layers["entities"]["items"]]
    assert entities == [
        ("E1", "Washington"),
        ("E2", "Gina Raimondo"),
        ("E3", "Tuesday"),
        ("E4", "Chinese"),
    ]
    (quote,) = layers["quotes"]["items"]
    assert (quote["id"], quote["speaker_ids"]) == ("Q1", ["E2"])  # ann2:E2 / ann3:E4
    (measure,) = layers["measures"]["items"]
    # ann3's version: its E9 and E7 are gold E1 and E3
    assert (measure["id"], measure["status"], measure["actor_ids"]) == ("M1", "announced", ["E1"])
    assert measure["time"] == [{"entity_id": "E3", "role": "reference"}]
    assert cli("validate", "--root", two_layers).exit_code == 0


def test_an_edited_resolution_and_a_rejection(cli, two_layers):
    adjudicate(cli, two_layers)
    edited = json.loads(conflicts_file(two_layers).read_text())["conflicts"][1]["versions"]["ann2"]
    edited = {**edited, "status": "implemented", "actor_ids": ["ann3:E9"]}
    resolve(two_layers, "reject", edited)
    assert adjudicate(cli, two_layers).exit_code == 0
    layers = gold(two_layers)["layers"]
    assert [e["text"] for e in layers["entities"]["items"]] == [
        "Washington",
        "Gina Raimondo",
        "Tuesday",
    ]
    (measure,) = layers["measures"]["items"]
    assert (measure["status"], measure["actor_ids"]) == ("implemented", ["E1"])


def test_an_invalid_result_is_refused_and_nothing_is_written(cli, two_layers):
    adjudicate(cli, two_layers)
    data = json.loads(conflicts_file(two_layers).read_text())
    wrong = {**data["conflicts"][0]["versions"]["ann3"], "text": "Chinese imports"}
    resolve(two_layers, wrong, "ann2")
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "[span-text]" in run.err
    assert "nothing was written" in run.err
    assert not (two_layers / "annotations" / "doc-alpha.json").exists()


def test_a_resolution_that_names_no_version_is_refused(cli, two_layers):
    adjudicate(cli, two_layers)
    resolve(two_layers, "ann2", "ann2")  # ann2 has no version of C1 ("Chinese")
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "C1: resolution 'ann2' is neither an annotator with a version (ann3)" in run.err


def test_existing_gold_is_never_overwritten_without_force(cli, two_layers):
    adjudicate(cli, two_layers)
    resolve(two_layers, "ann3", "ann3")
    gold_path = two_layers / "annotations" / "doc-alpha.json"
    previous = (FIXTURE_CORPUS / "annotations" / "doc-alpha.json").read_text(encoding="utf-8")
    gold_path.write_text(previous, encoding="utf-8")
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "exists; rerun with --force" in run.err
    assert gold_path.read_text(encoding="utf-8") == previous
    assert adjudicate(cli, two_layers, "--force").exit_code == 0
    assert gold(two_layers)["layers"]["entities"]["annotator"] == "adj"
    leftovers = sorted(p.name for p in gold_path.parent.iterdir())
    assert leftovers == ["adjudication", "doc-alpha.json", "layers"]  # no temporary files


def test_a_stale_conflicts_file_is_refused(cli, two_layers):
    adjudicate(cli, two_layers)
    resolve(two_layers, "ann3", "ann3")
    layer = two_layers / "annotations" / "layers" / "ann2" / "doc-alpha.json"
    data = json.loads(layer.read_text())
    data["layers"]["measures"]["items"][0]["status"] = "proposed"
    layer.write_text(json.dumps(data, ensure_ascii=False))
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "no longer describes the layers" in run.err


def test_agreeing_layers_go_straight_to_gold(cli, corpus):
    # ann1's layer copied as ann9: everything agrees, no conflicts file is needed
    source = corpus / "annotations" / "layers" / "ann1" / "doc-alpha.json"
    target = corpus / "annotations" / "layers" / "ann9" / "doc-alpha.json"
    target.parent.mkdir()
    target.write_text(source.read_text().replace('"ann1"', '"ann9"'))
    args = ("adjudicate", "doc-alpha", "--root", corpus, "--adjudicator", "adj", "--force")
    assert cli(*args).exit_code == 0
    assert not conflicts_file(corpus).exists()
    written = gold(corpus)["layers"]
    ann1 = json.loads(source.read_text())["layers"]
    assert written["entities"]["items"] == ann1["entities"]["items"]


def test_one_layer_is_not_enough_to_adjudicate(cli, corpus):
    run = cli("adjudicate", "doc-alpha", "--root", corpus, "--adjudicator", "adj", "--force")
    assert run.exit_code == 1
    assert "needs at least two layers of doc-alpha; found ann1" in run.err


def test_validate_accepts_the_adjudication_directory_and_flags_strays(cli, two_layers):
    adjudicate(cli, two_layers)
    assert cli("validate", "--root", two_layers).exit_code == 0
    (two_layers / "annotations" / "adjudication" / "notes.txt").write_text("x")
    (two_layers / "annotations" / "adjudication" / "doc-zeta.json").write_text("{}")
    run = cli("validate", "--root", two_layers)
    assert run.exit_code == 1
    assert "annotations/adjudication/notes.txt: /: adjudication/ holds" in run.out
    assert "annotations/adjudication/doc-zeta.json: /: annotations for 'doc-zeta'" in run.out


def test_a_malformed_edited_item_is_refused_with_its_conflict_named(cli, two_layers):
    adjudicate(cli, two_layers)
    resolve(two_layers, "ann3", {"type": "EXPORT_CONTROL", "time": ["ann2:E3"]})
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "C2: the edited measures item is malformed: it needs trigger" in run.err
    assert not (two_layers / "annotations" / "doc-alpha.json").exists()


def test_an_edited_item_missing_required_fields_fails_the_schema(cli, two_layers):
    adjudicate(cli, two_layers)
    data = json.loads(conflicts_file(two_layers).read_text())
    edited = dict(data["conflicts"][1]["versions"]["ann2"])
    del edited["target_ids"]
    resolve(two_layers, "ann3", edited)
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "the merged gold fails validation" in run.err
    assert "missing required field 'target_ids' [schema-required]" in run.err


def test_a_conflicts_file_not_read_alike_by_every_reader_is_refused_in_one_line(cli, two_layers):
    """A key given twice would be resolved silently (last wins): refused, with its line."""
    adjudicate(cli, two_layers)
    path = conflicts_file(two_layers)
    path.write_bytes(
        path.read_bytes().replace(
            b'"resolution": null', b'"resolution": null, "resolution": "ann2"', 1
        )
    )
    run = adjudicate(cli, two_layers)
    assert run.exit_code == 1
    assert "annotations/adjudication/doc-alpha.json:" in run.err
    assert "[json-duplicate-key]" in run.err and "'resolution' is given twice" in run.err
    assert not (two_layers / "annotations" / "doc-alpha.json").exists()
