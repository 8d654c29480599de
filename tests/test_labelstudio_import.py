"""`tsr-news ls import`: interface-shaped exports become validated layers, or precise problems."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import ui_shapes as ui

from conftest import tree_digest

USERS = [
    {"id": 1, "email": "admin@example.org"},
    {"id": 2, "email": "ann2@example.org"},
    {"id": 3, "email": "ann3@example.org"},
    {"id": 4, "email": "Ann Smith@example.org"},
]


def write(tmp_path: Path, name: str, value) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    return path


def import_export(cli, corpus, tmp_path, tasks, *extra):
    export = write(tmp_path, "export.json", tasks)
    users = write(tmp_path, "users.json", USERS)
    return cli("ls", "import", export, "--users", users, "--root", corpus, *extra)


def layer(corpus: Path, annotator: str, doc_id: str) -> dict:
    return json.loads((corpus / f"annotations/layers/{annotator}/{doc_id}.json").read_text("utf-8"))


def test_interface_shaped_annotation_becomes_the_expected_layer(corpus, cli, tmp_path):
    tasks = [
        ui.task(
            1,
            "doc-alpha",
            ui.ALPHA,
            [
                ui.annotation(11, 2, ui.alpha_by_ann2()),
                ui.annotation(12, 3, [], cancelled=True),
            ],
        )
    ]
    run = import_export(cli, corpus, tmp_path, tasks)
    assert run.exit_code == 0, run.out + run.err
    assert layer(corpus, "ann2", "doc-alpha") == ui.alpha_by_ann2_expected()
    assert "task 1 (doc-alpha): skipped by ann3 (annotation 12): nothing to import" in run.out
    assert not (corpus / "annotations/layers/ann3").exists()
    leftovers = [p for p in (corpus / "annotations").rglob(".*") if p.is_file()]
    assert leftovers == [], "atomic writes leave no temporary files"
    assert cli("validate", "--root", corpus).exit_code == 0


def test_importing_the_same_export_twice_changes_nothing(corpus, cli, tmp_path):
    tasks = [ui.task(1, "doc-alpha", ui.ALPHA, [ui.annotation(11, 2, ui.alpha_by_ann2())])]
    assert import_export(cli, corpus, tmp_path, tasks).exit_code == 0
    before = tree_digest(corpus)
    path = corpus / "annotations/layers/ann2/doc-alpha.json"
    mtime = path.stat().st_mtime_ns
    run = import_export(cli, corpus, tmp_path, tasks)
    assert run.exit_code == 0
    assert "0 layer file(s) written, 1 unchanged" in run.err
    assert tree_digest(corpus) == before
    assert path.stat().st_mtime_ns == mtime


def test_a_layer_with_a_problem_is_withheld_and_the_others_are_imported(corpus, cli, tmp_path):
    tasks = [
        ui.task(1, "doc-alpha", ui.ALPHA, [ui.annotation(11, 2, ui.alpha_by_ann2())]),
        ui.task(2, "doc-beta", ui.BETA, [ui.annotation(21, 2, ui.beta_with_unlabelled_relation())]),
    ]
    run = import_export(cli, corpus, tmp_path, tasks)
    assert run.exit_code == 1
    assert run.out.splitlines() == [
        "task 2 (doc-beta), annotator ann2, region cUrb5Xyz12 -> bE1j1ngAbc: a relation without "
        "a label: choose what it means (part, speaker, channel, actor, target, time:…, "
        "magnitude) or delete it [ls-unlabelled-relation]",
        "task 2 (doc-beta), annotator ann2: layer withheld: 1 problem(s) above "
        "(ls-unlabelled-relation)",
    ]
    assert layer(corpus, "ann2", "doc-alpha") == ui.alpha_by_ann2_expected()
    assert not (corpus / "annotations/layers/ann2/doc-beta.json").exists()


def _beta(result_change=None, task_change=None, user=2):
    result = ui.beta_with_unlabelled_relation()[:-1]  # valid without the unlabelled relation
    if result_change:
        result_change(result)
    task = ui.task(2, "doc-beta", ui.BETA, [ui.annotation(21, user, result)])
    if task_change:
        task_change(task)
    return task


def _set(index, path, value):
    def change(result):
        node = result[index]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


CASES = {
    # name: (task, region, code, phrase of the message)
    "attribute without region": (
        _beta(lambda r: r.append({**copy.deepcopy(r[1]), "id": "g0neRegion"})),
        "g0neRegion",
        "ls-orphan-attribute",
        "gpe_role is set for region 'g0neRegion', which does not exist",
    ),
    "missing required choice": (
        _beta(lambda r: r.pop(4)),
        "cUrb5Xyz12",
        "schema-required",
        "missing required field 'type': set 'measure_type' on this region",
    ),
    "missing required entity attribute": (
        _beta(lambda r: r.pop(1)),
        "bE1j1ngAbc",
        "missing-attribute",
        "needs gpe_role",
    ),
    "region out of bounds": (
        _beta(_set(3, ["value", "end"], 500)),
        "cUrb5Xyz12",
        "ls-region-bounds",
        "region [18, 500) is not within the text (0 to 44 code points",
    ),
    "unknown entity label": (
        _beta(_set(0, ["value", "labels"], ["CITY"])),
        "bE1j1ngAbc",
        "schema-unknown-value",
        "'CITY' is not a known entity label",
    ),
    "unknown choice": (
        _beta(_set(1, ["value", "choices"], ["GOVERNMENT"])),
        "bE1j1ngAbc",
        "schema-unknown-value",
        "'GOVERNMENT' is not a known gpe role",
    ),
    "two values for a single choice": (
        _beta(_set(5, ["value", "choices"], ["announced", "implemented"])),
        "cUrb5Xyz12",
        "ls-attribute-value",
        "status takes one value, got 2",
    ),
    "unknown relation label": (
        _beta(lambda r: r.append(ui.relation("cUrb5Xyz12", "bE1j1ngAbc", ["perpetrator"]))),
        "cUrb5Xyz12 -> bE1j1ngAbc",
        "ls-unknown-label",
        "relation label 'perpetrator' is not one of",
    ),
    "relation between the wrong regions": (
        _beta(lambda r: r.append(ui.relation("cUrb5Xyz12", "bE1j1ngAbc", ["speaker"]))),
        "cUrb5Xyz12 -> bE1j1ngAbc",
        "ls-relation-end",
        "a speaker relation joins a cue region and an entity",
    ),
    "part not tied to its anchor": (
        _beta(lambda r: r.append(ui.region("sc0peXyz12", "measure", "scope", ui.BETA, "curbs on"))),
        "sc0peXyz12",
        "ls-part-anchor",
        "this measure scope region is not tied to a trigger",
    ),
    "attribute on the wrong part": (
        _beta(
            lambda r: r.extend(
                [
                    ui.region("sc0peXyz12", "measure", "scope", ui.BETA, "curbs on"),
                    ui.relation("sc0peXyz12", "cUrb5Xyz12", ["part"], "bi"),
                    ui.per_region(
                        "sc0peXyz12", "status", "choices", ui.BETA, "curbs on", ["proposed"]
                    ),
                ]
            )
        ),
        "sc0peXyz12",
        "ls-attribute-region",
        "status belongs on measure regions labelled trigger, not on this measure 'scope'",
    ),
    "text hash mismatch": (
        _beta(task_change=lambda t: t["data"].update(text_sha256="0" * 64)),
        None,
        "text-hash",
        "the task's text_sha256 is '000",
    ),
    "unsafe annotator id": (
        _beta(user=4),
        None,
        "ls-annotator",
        "'Ann Smith' is not a safe annotator id",
    ),
    "unknown annotator": (
        _beta(user=99),
        None,
        "ls-annotator",
        "annotation by Label Studio user 99, whose email is unknown",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_problem_names_task_annotator_and_region(name, corpus, cli, tmp_path):
    task, region, code, phrase = CASES[name]
    before = tree_digest(corpus)
    run = import_export(cli, corpus, tmp_path, [task])
    assert run.exit_code == 1
    lines = run.out.splitlines()
    matching = [line for line in lines if line.endswith(f"[{code}]") and phrase in line]
    assert matching, run.out
    assert matching[0].startswith("task 2 (doc-beta)")
    if region is not None:
        assert f", region {region}: " in matching[0]
    if code not in ("ls-annotator", "text-hash"):
        assert ", annotator ann2," in matching[0]
    assert tree_digest(corpus) == before


def test_the_valid_beta_annotation_imports(corpus, cli, tmp_path):
    """The base of the problem cases is itself valid: each case fails for its own reason."""
    run = import_export(cli, corpus, tmp_path, [_beta()])
    assert run.exit_code == 0, run.out
    measure = layer(corpus, "ann2", "doc-beta")["layers"]["measures"]["items"][0]
    assert measure["trigger"] == {"start": 18, "end": 23, "text": "curbs"}


def test_an_export_that_is_not_a_task_list_is_refused(corpus, cli, tmp_path):
    run = cli("ls", "import", write(tmp_path, "x.json", {"tasks": []}), "--root", corpus)
    assert run.exit_code == 1
    assert "a Label Studio JSON export is a list of tasks" in run.err


def test_one_annotators_problem_withholds_only_that_annotators_layer(corpus, cli, tmp_path):
    valid = ui.beta_with_unlabelled_relation()[:-1]
    task = ui.task(
        2,
        "doc-beta",
        ui.BETA,
        [ui.annotation(21, 2, valid), ui.annotation(22, 3, ui.beta_with_unlabelled_relation())],
    )
    run = import_export(cli, corpus, tmp_path, [task])
    assert run.exit_code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith("task 2 (doc-beta), annotator ann3, region cUrb5Xyz12 -> ")
    assert lines[1:] == [
        "task 2 (doc-beta), annotator ann3: layer withheld: 1 problem(s) above "
        "(ls-unlabelled-relation)"
    ]
    assert layer(corpus, "ann2", "doc-beta")["layers"]["measures"]["items"][0]["id"] == "M1"
    assert not (corpus / "annotations/layers/ann3/doc-beta.json").exists()
    assert "1 layer file(s) written, 0 unchanged, 1 withheld" in run.err


def test_a_task_on_another_text_withholds_every_layer_naming_both_hashes(corpus, cli, tmp_path):
    """The text was edited on the server: its text_sha256 still says the corpus's hash."""
    edited = ui.BETA.replace("curbs", "limits")
    task = ui.task(2, "doc-beta", ui.BETA, [ui.annotation(21, 2, []), ui.annotation(22, 3, [])])
    task["data"]["text"] = edited
    before = tree_digest(corpus)
    run = import_export(cli, corpus, tmp_path, [task])
    assert run.exit_code == 1
    problem, *withheld = run.out.splitlines()
    expected, found = ui.sha256(ui.BETA), ui.sha256(edited)
    assert expected != found
    assert (
        f"task 2 (doc-beta): the task shows another text than raw/doc-beta.txt: expected sha256 "
        f"{expected} (the corpus), found {found} (the task's text)"
    ) in problem
    assert withheld == [
        f"task 2 (doc-beta), annotator {who}: layer withheld: the task's problem above "
        "concerns every layer"
        for who in ("ann2", "ann3")
    ]
    assert tree_digest(corpus) == before


def test_an_annotation_last_saved_by_another_annotator_is_refused(corpus, cli, tmp_path):
    valid = ui.beta_with_unlabelled_relation()[:-1]
    changed = {**ui.annotation(21, 2, valid), "updated_by": 3}
    own = {**ui.annotation(22, 3, valid), "updated_by": 3}
    run = import_export(cli, corpus, tmp_path, [ui.task(2, "doc-beta", ui.BETA, [changed, own])])
    assert run.exit_code == 1
    assert run.out.splitlines() == [
        "task 2 (doc-beta), annotator ann2: annotation 21 by ann2 was last saved by ann3: it is "
        "no longer ann2's work alone; ann2 can check it and submit it again (Update) to import "
        "it, or ann3 can make an annotation of their own [ls-changed-by-another]",
        "task 2 (doc-beta), annotator ann2: layer withheld: last saved by ann3, not by its author",
    ]
    assert not (corpus / "annotations/layers/ann2/doc-beta.json").exists()
    assert layer(corpus, "ann3", "doc-beta")["layers"]["entities"]["items"][0]["ref"] == "gpe:china"


def test_drafts_and_skips_are_reported_and_import_nothing(corpus, cli, tmp_path):
    task = ui.task(2, "doc-beta", ui.BETA, [ui.annotation(21, 2, [], cancelled=True)])
    task["drafts"] = [
        {"id": 5, "user": "ann3@example.org", "annotation": None, "result": [{"x": 1}]},
        {"id": 6, "user": "ann2@example.org", "annotation": None, "was_postponed": True},
        {"id": 7, "user": "admin@example.org", "annotation": 4, "result": []},
    ]
    before = tree_digest(corpus)
    run = import_export(cli, corpus, tmp_path, [task])
    assert run.exit_code == 0
    assert run.out.splitlines() == [
        "task 2 (doc-beta): skipped by ann2 (annotation 21): nothing to import",
        "task 2 (doc-beta): a draft by ann3 was never submitted: not imported until it is "
        "submitted",
        "task 2 (doc-beta): a draft by ann2 was postponed: not imported until it is submitted",
        "task 2 (doc-beta): changes by admin to annotation 4 were never submitted (the "
        "submitted version is imported)",
    ]
    assert "1 skipped task(s), 3 unsubmitted draft(s); no problems" in run.err
    assert tree_digest(corpus) == before


def test_an_export_not_read_alike_by_every_reader_is_refused_in_one_line(corpus, cli, tmp_path):
    """A task's key given twice (the last would win, silently): nothing is imported."""
    export = write(tmp_path, "export.json", [_beta()])
    export.write_bytes(export.read_bytes().replace(b'"data": ', b'"data": {}, "data": ', 1))
    before = tree_digest(corpus)
    run = cli("ls", "import", export, "--users", write(tmp_path, "u.json", USERS), "--root", corpus)
    assert run.exit_code == 1
    assert f"{export}:1: /0/data: key 'data' is given twice" in run.err
    assert len(run.err.splitlines()) == 1
    assert tree_digest(corpus) == before
