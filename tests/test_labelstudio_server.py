"""Integration: a real Label Studio server on 127.0.0.1 (installed by `make test`, not mocked).

The server is started once per session with a fresh data directory. The tests run in file
order and share the server's state: push, push again, annotate through the API the way the
interface stores annotations, pull.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

import astral
import ui_shapes as ui
from tsr_news.labelstudio import server
from tsr_news.labelstudio.client import LabelStudio
from tsr_news.labelstudio.config import label_config
from tsr_news.labelstudio.convert import to_results
from tsr_news.scheme.model import AnnotationFile

from conftest import CHROMIUM_FLAGS, FIXTURE_CORPUS, REPO

pytestmark = pytest.mark.labelstudio

TOKEN = "tsr-news-test-token-0123456789abcdef"
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


def project_id(api: LabelStudio) -> int:
    found = api.find_project(PROJECT)
    assert found is not None
    return found


def test_push_creates_the_project_with_the_generated_config(api, cli, shared_corpus):
    run = cli("ls", "push", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)
    assert run.exit_code == 0, run.err
    assert "(created): 4 task(s) added, 0 already there" in run.err
    project = api.request("GET", f"/api/projects/{project_id(api)}")
    assert project["label_config"] == label_config()
    assert TOKEN not in run.out + run.err


def test_a_second_push_adds_no_duplicates(api, cli, shared_corpus):
    run = cli("ls", "push", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)
    assert run.exit_code == 0, run.err
    assert ": 0 task(s) added, 4 already there" in run.err
    tasks = api.export(project_id(api))
    assert sorted(t["data"]["doc_id"] for t in tasks) == [
        "doc-alpha",
        "doc-astral",
        "doc-beta",
        "doc-gamma",
    ]


def test_a_document_whose_raw_text_changed_is_refused(api, cli, shared_corpus, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(shared_corpus, changed)
    (changed / "raw/doc-gamma.txt").write_text("A third article, edited.\n", "utf-8")
    meta_path = changed / "raw/doc-gamma.meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["text_sha256"] = hashlib.sha256(b"A third article, edited.\n").hexdigest()
    meta_path.write_text(json.dumps(meta), "utf-8")
    run = cli("ls", "push", "--url", api.url, "--project", PROJECT, "--root", changed)
    assert run.exit_code == 1
    assert "tasks for doc-gamma made on another raw text" in run.err
    assert "nothing was pushed" in run.err
    assert len(api.export(project_id(api))) == 4


def test_a_wrong_api_key_is_a_usage_error_that_does_not_echo_the_key(api, cli, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "wrong-key-that-must-not-be-echoed")
    run = cli("ls", "pull", "--url", api.url, "--project", PROJECT)
    assert run.exit_code == 2
    assert "HTTP 401" in run.err
    assert "wrong-key-that-must-not-be-echoed" not in run.out + run.err


def _users(api: LabelStudio) -> dict[str, int]:
    ids = {}
    for name in ("ann2", "ann3"):
        body = {"email": f"{name}@example.org", "username": name}
        ids[name] = api.request("POST", "/api/users", body)["id"]
    ids["admin"] = next(u for u, e in api.users().items() if e == "admin@example.org")
    return ids


def test_pull_imports_interface_shaped_annotations_and_reports_problems(api, cli, shared_corpus):
    users = _users(api)
    tasks = {t["data"]["doc_id"]: t["id"] for t in api.export(project_id(api))}
    gold_alpha = AnnotationFile.from_json(
        json.loads((shared_corpus / "annotations/doc-alpha.json").read_text("utf-8"))
    )
    gold_astral = AnnotationFile.from_json(astral.gold())

    def annotate(doc_id, user, result, cancelled=False):
        body = {"result": result, "completed_by": users[user], "was_cancelled": cancelled}
        api.request("POST", f"/api/tasks/{tasks[doc_id]}/annotations", body)

    annotate("doc-alpha", "ann2", ui.alpha_by_ann2())
    annotate("doc-alpha", "ann3", to_results(gold_alpha))
    annotate("doc-alpha", "admin", [], cancelled=True)
    annotate("doc-beta", "ann2", ui.beta_with_unlabelled_relation())
    annotate("doc-astral", "ann3", to_results(gold_astral))

    run = cli("ls", "pull", "--url", api.url, "--project", PROJECT, "--root", shared_corpus)

    assert run.exit_code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith(f"task {tasks['doc-alpha']} (doc-alpha): annotation ")
    assert lines[0].endswith(" by admin was cancelled: skipped")
    assert lines[1:] == [
        f"task {tasks['doc-beta']} (doc-beta), annotator ann2, region cUrb5Xyz12 -> bE1j1ngAbc: "
        "a relation without a label: choose what it means (part, speaker, channel, actor, "
        "target, time:…, magnitude) or delete it [ls-unlabelled-relation]"
    ]
    layers = shared_corpus / "annotations/layers"
    written = sorted(p.relative_to(layers).as_posix() for p in layers.rglob("*.json"))
    assert written == [
        "ann1/doc-alpha.json",  # the fixture's own
        "ann2/doc-alpha.json",
        "ann3/doc-alpha.json",
        "ann3/doc-astral.json",
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
    assert "0 layer file(s) written, 3 unchanged, 1 cancelled" in run.err
    assert {p: p.read_bytes() for p in layers.rglob("*.json")} == before


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
            page.goto(label_studio.url + "/user/login/")
            page.fill("input[name=email]", "admin@example.org")
            page.fill("input[name=password]", "integration-password")
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/user/login" not in url)
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
