"""Integration: a real Label Studio server on 127.0.0.1 (installed by `make test`, not mocked).

The server is started once per session with a fresh data directory. The tests run in file
order and share the server's state: push, push again, annotators sign up and annotate through
the API with their own personal access tokens, the way the interface stores annotations, pull.
The admin works with a legacy token (the one `ls serve` sets) and with a personal access token
created through the API: both kinds work.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from label_studio_sdk import LabelStudio as Sdk

import astral
import ls_accounts
import ui_shapes as ui
from tsr_news.labelstudio import server
from tsr_news.labelstudio.client import LabelStudio
from tsr_news.labelstudio.config import label_config
from tsr_news.labelstudio.convert import to_results
from tsr_news.scheme.model import AnnotationFile

from conftest import CHROMIUM_FLAGS, FIXTURE_CORPUS, REPO

pytestmark = pytest.mark.labelstudio

TOKEN = "tsr-news-test-token-0123456789abcdef"  # the admin's legacy token
PROJECT = "tsr-news integration"


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    executable = Path(
        os.environ.get("TSR_LABEL_STUDIO", REPO / ".venv-ls" / "bin" / "label-studio")
    )
    if not executable.is_file():
        pytest.fail(
            f"Label Studio is not installed at {executable}: run `make test` (it installs "
            "it into .venv-ls), or deselect these tests with -m 'not labelstudio'"
        )
    running = server.start(
        executable,
        tmp_path_factory.mktemp("label-studio"),
        username="admin@example.org",
        password="integration-password",
        token=TOKEN,
    )
    yield running
    running.stop()
    assert running.process.returncode is not None


@pytest.fixture(scope="module")
def shared_corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shared") / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    astral.add_to(root)
    return root


@pytest.fixture
def api(label_studio, monkeypatch) -> LabelStudio:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", TOKEN)
    return LabelStudio(label_studio.url, TOKEN)


@pytest.fixture
def admin(label_studio) -> Sdk:
    """The SDK as the admin, for what the tests do on the server behind tsr-news's back."""
    return Sdk(base_url=label_studio.url, api_key=TOKEN)


@pytest.fixture(scope="session")
def annotators(label_studio) -> dict[str, ls_accounts.Account]:
    return {
        name: ls_accounts.sign_up(
            label_studio.url, TOKEN, f"{name}@example.org", f"{name}-password-0123"
        )
        for name in ("ann2", "ann3")
    }


def project_id(api: LabelStudio) -> int:
    found = api.find_project(PROJECT)
    assert found is not None
    return found


def task_ids(api: LabelStudio) -> dict[str, int]:
    return {t["data"]["doc_id"]: t["id"] for t in api.export(project_id(api))}


def test_push_creates_the_project_with_the_generated_config_and_two_annotators_per_task(
    api, admin, cli, shared_corpus
):
    run = cli("ls", "push", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)
    assert run.exit_code == 0, run.err
    assert "(created): 4 task(s) added, 0 already there; 2 annotator(s) per task" in run.err
    project = admin.projects.get(project_id(api))
    assert project.label_config == label_config()
    assert (project.maximum_annotations, project.overlap_cohort_percentage) == (2, 100)
    assert project.show_annotation_history is False
    assert TOKEN not in run.out + run.err


def test_a_second_push_adds_no_duplicates_and_sets_the_overlap(api, admin, cli, shared_corpus):
    args = ["ls", "push", "--url", api.url, "--project", PROJECT, "--root", shared_corpus]
    run = cli(*args, "--overlap", "3")
    assert run.exit_code == 0, run.err
    assert ": 0 task(s) added, 4 already there; 3 annotator(s) per task" in run.err
    assert admin.projects.get(project_id(api)).maximum_annotations == 3
    assert cli(*args).exit_code == 0
    assert admin.projects.get(project_id(api)).maximum_annotations == 2
    assert sorted(task_ids(api)) == ["doc-alpha", "doc-astral", "doc-beta", "doc-gamma"]


def test_a_document_whose_raw_text_changed_is_refused(api, cli, shared_corpus, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(shared_corpus, changed)
    edited = b"A third article, edited.\n"
    (changed / "raw/doc-gamma.txt").write_bytes(edited)
    meta_path = changed / "raw/doc-gamma.meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    old, meta["text_sha256"] = meta["text_sha256"], hashlib.sha256(edited).hexdigest()
    meta_path.write_text(json.dumps(meta), "utf-8")
    run = cli("ls", "push", "--url", api.url, "--project", PROJECT, "--root", changed)
    assert run.exit_code == 1
    assert "nothing was pushed" in run.err
    assert (
        f"task {task_ids(api)['doc-gamma']} (doc-gamma): the task shows another text than "
        f"raw/doc-gamma.txt: expected sha256 {meta['text_sha256']} (the corpus), found {old} "
        "(the task's text)"
    ) in run.err
    assert len(api.export(project_id(api))) == 4


def test_a_text_edited_on_the_server_is_refused_by_push(api, admin, cli, shared_corpus):
    gamma = task_ids(api)["doc-gamma"]
    task = admin.tasks.get(gamma)
    original = dict(task.data)
    admin.tasks.update(gamma, data={**original, "text": "A third article, edited on the server.\n"})
    try:
        run = cli("ls", "push", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)
    finally:
        admin.tasks.update(gamma, data=original)
    assert run.exit_code == 1
    found = hashlib.sha256(b"A third article, edited on the server.\n").hexdigest()
    assert f"expected sha256 {original['text_sha256']} (the corpus), found {found}" in run.err


def test_a_wrong_api_key_is_a_usage_error_naming_the_token_kinds(api, cli, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "wrong-key-that-must-not-be-echoed")
    run = cli("ls", "pull", "--url", api.url, "--project", PROJECT)
    assert run.exit_code == 2
    (line,) = run.err.splitlines()
    assert "HTTP 401" in line
    assert "personal access token" in line
    assert f"{api.url}/user/account/personal-access-token" in line
    assert "legacy token" in line
    assert "wrong-key-that-must-not-be-echoed" not in run.out + run.err


def test_a_personal_access_token_works_as_well_as_the_legacy_token(
    label_studio, cli, shared_corpus, monkeypatch
):
    token = ls_accounts.personal_access_token(label_studio.url, TOKEN)
    assert token.count(".") == 2  # a JWT, which the SDK exchanges for access tokens
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", token)
    args = ["--url", label_studio.url, "--project", PROJECT, "--root", shared_corpus]
    run = cli("ls", "push", *args)
    assert run.exit_code == 0, run.err
    assert ": 0 task(s) added, 4 already there" in run.err
    run = cli("ls", "pull", *args)
    assert run.exit_code == 0, run.err
    assert token not in run.out + run.err


def test_the_label_stream_gives_a_task_done_by_one_annotator_to_the_second(
    api, annotators, label_studio
):
    """With two annotators per task, ann3's next task is the one ann2 has just done."""
    project = project_id(api)
    ann2, ann3 = annotators["ann2"], annotators["ann3"]
    first = ann2.session.get(f"/api/projects/{project}/next").json()
    done = ann2.post(f"/api/tasks/{first['id']}/annotations", {"result": []})
    assert done.status_code == 201
    assert first["annotations"] == []
    following = ann3.session.get(f"/api/projects/{project}/next").json()
    assert following["id"] == first["id"]
    assert following["annotations"] == []  # ann3 does not see ann2's annotation
    ann2.sdk(label_studio.url).annotations.delete(done.json()["id"])


def test_pull_imports_each_annotators_work_and_reports_problems_skips_and_drafts(
    api, cli, shared_corpus, annotators, label_studio
):
    tasks = task_ids(api)
    gold_alpha = AnnotationFile.from_json(
        json.loads((shared_corpus / "annotations/doc-alpha.json").read_text("utf-8"))
    )
    gold_astral = AnnotationFile.from_json(astral.gold())

    def annotate(doc_id, who, result, cancelled=False):
        sdk = annotators[who].sdk(label_studio.url)
        sdk.annotations.create(tasks[doc_id], result=result, was_cancelled=cancelled)

    annotate("doc-alpha", "ann2", ui.alpha_by_ann2())
    annotate("doc-alpha", "ann3", to_results(gold_alpha))
    annotate("doc-gamma", "ann3", [], cancelled=True)
    annotate("doc-beta", "ann2", ui.beta_with_unlabelled_relation())
    annotate("doc-beta", "ann3", ui.beta_with_unlabelled_relation()[:-1])
    annotate("doc-astral", "ann3", to_results(gold_astral))
    draft = annotators["ann2"].post(f"/api/tasks/{tasks['doc-gamma']}/drafts", {"result": []})
    assert draft.status_code == 201

    run = cli("ls", "pull", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)

    assert run.exit_code == 1
    assert run.out.splitlines() == [
        f"task {tasks['doc-gamma']} (doc-gamma): skipped by ann3 (annotation "
        f"{_annotation_of(api, 'doc-gamma', 'ann3')}): nothing to import",
        f"task {tasks['doc-gamma']} (doc-gamma): a draft by ann2 was never submitted: not "
        "imported until it is submitted",
        f"task {tasks['doc-beta']} (doc-beta), annotator ann2, region cUrb5Xyz12 -> bE1j1ngAbc: "
        "a relation without a label: choose what it means (part, speaker, channel, actor, "
        "target, time:…, magnitude) or delete it [ls-unlabelled-relation]",
        f"task {tasks['doc-beta']} (doc-beta), annotator ann2: layer withheld: 1 problem(s) "
        "above (ls-unlabelled-relation)",
    ]
    layers = shared_corpus / "annotations/layers"
    written = sorted(p.relative_to(layers).as_posix() for p in layers.rglob("*.json"))
    assert written == [
        "ann1/doc-alpha.json",  # the fixture's own
        "ann2/doc-alpha.json",
        "ann3/doc-alpha.json",
        "ann3/doc-astral.json",
        "ann3/doc-beta.json",  # ann2's problem does not withhold ann3's layer
        "tagger-x/doc-alpha.json",  # the fixture's own
    ]

    def read(rel):
        return json.loads((layers / rel).read_text("utf-8"))

    assert read("ann2/doc-alpha.json") == ui.alpha_by_ann2_expected()
    assert read("ann3/doc-alpha.json") == _as_annotator(gold_alpha, "ann3")
    assert read("ann3/doc-astral.json") == _as_annotator(gold_astral, "ann3")
    assert cli("validate", "--root", shared_corpus).exit_code == 0


def test_a_second_pull_changes_nothing(api, cli, shared_corpus):
    layers = shared_corpus / "annotations/layers"
    before = {p: p.read_bytes() for p in layers.rglob("*.json")}
    run = cli("ls", "pull", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)
    assert run.exit_code == 1  # doc-beta's problem is still there
    assert "0 layer file(s) written, 4 unchanged, 1 withheld; 1 skipped" in run.err
    assert {p: p.read_bytes() for p in layers.rglob("*.json")} == before


def test_an_annotation_saved_by_another_annotator_is_refused(
    api, cli, shared_corpus, annotators, label_studio
):
    """Label Studio Community lets ann3 save ann2's annotation; the pull does not take it."""
    tasks = task_ids(api)
    theirs = _annotation_of(api, "doc-alpha", "ann2")
    sdk = annotators["ann3"].sdk(label_studio.url)
    sdk.annotations.update(theirs, result=ui.alpha_by_ann2()[:-1])  # accepted by the server
    layer = shared_corpus / "annotations/layers/ann2/doc-alpha.json"
    before = layer.read_bytes()
    run = cli("ls", "pull", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)
    assert run.exit_code == 1
    assert (
        f"task {tasks['doc-alpha']} (doc-alpha), annotator ann2: annotation {theirs} by ann2 "
        "was last saved by ann3: it is no longer ann2's work alone"
    ) in run.out
    assert layer.read_bytes() == before  # the earlier, ann2's own, version stays
    annotators["ann2"].sdk(label_studio.url).annotations.update(theirs, result=ui.alpha_by_ann2())
    run = cli("ls", "pull", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)
    assert "last saved by" not in run.out


def _annotation_of(api: LabelStudio, doc_id: str, annotator: str) -> int:
    users = {email.split("@")[0]: user for user, email in api.users().items()}
    (task,) = [t for t in api.export(project_id(api)) if t["data"]["doc_id"] == doc_id]
    (found,) = [a["id"] for a in task["annotations"] if a["completed_by"] == users[annotator]]
    return found


def _as_annotator(annotation: AnnotationFile, annotator: str) -> dict:
    data = annotation.to_json()
    for layer in data["layers"].values():
        layer["annotator"] = annotator
    return data


def test_the_browser_shows_each_region_over_exactly_its_span_text(api, label_studio, chromium):
    """Log in, open the astral document's task, read back every highlighted region's text."""
    from playwright.sync_api import sync_playwright

    task = next(t for t in api.export(project_id(api)) if t["data"]["doc_id"] == astral.DOC_ID)
    expected = {
        r["id"]: r["value"]["text"]
        for r in to_results(AnnotationFile.from_json(astral.gold()))
        if r["type"] == "labels"
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            _log_in(page, label_studio.url)
            page.goto(f"{label_studio.url}/projects/{project_id(api)}/data?task={task['id']}")
            page.wait_for_selector(".htx-highlight", timeout=60_000)
            # each region is drawn as one or more spans classed htx-highlight-<region id>-<n>
            shown = page.evaluate(
                """() => {
                    const texts = {};
                    for (const el of document.querySelectorAll('.htx-highlight')) {
                        const cls = [...el.classList].find(
                            c => /^htx-highlight-.+-\\d+$/.test(c));
                        const id = cls.replace(/^htx-highlight-/, '').replace(/-\\d+$/, '');
                        texts[id] = (texts[id] || '') + el.textContent;
                    }
                    return texts;
                }"""
            )
        finally:
            browser.close()
    assert shown == expected


def test_the_interface_keeps_labels_compact_and_attributes_beside_the_text(
    api, label_studio, chromium, tmp_path
):
    """In Chromium at 1280x800: the label groups take at most 30% of the height, each label
    shows its key, and a selected entity's attributes appear beside the text, not below it."""
    from playwright.sync_api import sync_playwright

    task = task_ids(api)["doc-alpha"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            _log_in(page, label_studio.url)
            page.goto(f"{label_studio.url}/projects/{project_id(api)}/data?task={task}")
            page.wait_for_selector(".htx-highlight", timeout=60_000)
            page.locator(".htx-highlight", has_text="Washington").first.click()
            page.get_by_text("GPE role:", exact=False).wait_for(timeout=30_000)
            page.screenshot(path=tmp_path / "interface.png")
            box = page.evaluate(
                """() => {
                    const rect = e => e.getBoundingClientRect();
                    const label = [...document.querySelectorAll('.lsf-label')]
                        .find(e => e.textContent.startsWith('PERSON'));
                    let bar = label;
                    while (getComputedStyle(bar).position !== 'sticky') bar = bar.parentElement;
                    const spans = [...document.querySelectorAll('.htx-highlight')].map(rect);
                    const text = {right: Math.max(...spans.map(r => r.right)),
                                  bottom: Math.max(...spans.map(r => r.bottom))};
                    const role = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
                        .find(e => e.textContent.startsWith('GPE role:'));
                    return {bar: rect(bar).height, label: label.textContent, text,
                            role: rect(role)};
                }"""
            )
        finally:
            browser.close()
    assert (tmp_path / "interface.png").read_bytes().startswith(b"\x89PNG")
    assert box["bar"] <= 0.3 * 800
    assert box["label"] == "PERSONp"
    assert box["role"]["left"] >= box["text"]["right"]  # beside the text
    assert box["role"]["top"] < box["text"]["bottom"]  # not below it


def _log_in(page, url: str) -> None:
    page.goto(url + "/user/login/")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", "integration-password")
    page.click("button[type=submit]")
    page.wait_for_url(lambda found: "/user/login" not in found)
