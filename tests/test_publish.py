"""`tsr-news publish`: what it would upload, and every refusal, without the Hub.

The upload itself needs the network and is not run here. The tag check runs the real command
(a subprocess) against a local HTTP server on 127.0.0.1 that answers the two Hub API calls it
makes before uploading anything (the repository's refs; the paths-info of SHA256SUMS at the
tag), so the path from the command line to huggingface_hub's requests is the real one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from tsr_news.release.manifest import SHA256SUMS, files_of
from tsr_news.release.publish import git_blob_id

from conftest import TSR_NEWS

TOKEN = "hf_not-a-real-token-0123456789"
REPO = "tsr-news/tsr-news"


def run(*args, env=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HF_TOKEN": TOKEN, **(env or {})}
    done = subprocess.run(
        [TSR_NEWS, "publish", *map(str, args)], capture_output=True, text=True, env=environment
    )
    assert "Traceback" not in done.stderr and TOKEN not in done.stdout + done.stderr
    return done


def test_dry_run_lists_every_file_of_the_release_and_the_tag(fixture_releases):
    done = run(fixture_releases["withheld"], "--repo", REPO, "--dry-run")
    assert done.returncode == 0, done.stderr
    head, *files = done.stdout.splitlines()
    assert files == files_of(fixture_releases["withheld"])
    assert f"to the dataset repository {REPO} and tag them v1.0.0:" in head


def test_a_full_release_is_refused_unless_the_user_holds_the_text_rights(fixture_releases):
    refused = run(fixture_releases["full"], "--repo", REPO, "--dry-run")
    assert refused.returncode == 2
    assert "copyrighted article texts" in refused.stderr and len(refused.stderr.splitlines()) == 1
    allowed = run(fixture_releases["full"], "--repo", REPO, "--dry-run", "--i-hold-the-text-rights")
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize("change", ["edit", "extra", "missing"])
def test_a_release_whose_sha256sums_do_not_verify_is_refused(fixture_releases, tmp_path, change):
    release = tmp_path / fixture_releases["withheld"].name
    shutil.copytree(fixture_releases["withheld"], release)
    card = release / "README.md"
    if change == "edit":
        card.write_text(card.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "extra":
        (release / "notes.txt").write_text("x\n")
    else:
        card.unlink()
    done = run(release, "--repo", REPO, "--dry-run")
    assert done.returncode == 1
    assert SHA256SUMS in done.stderr and len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("repo", ["no-slash", "a/b/c", "org/na me"])
def test_a_repository_id_that_is_not_org_name_is_a_usage_error(fixture_releases, repo):
    done = run(fixture_releases["withheld"], "--repo", repo, "--dry-run")
    assert done.returncode == 2 and "ORG/NAME" in done.stderr


def test_without_a_token_it_refuses_before_any_request(fixture_releases, tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "HF_TOKEN"}
    done = subprocess.run(
        [TSR_NEWS, "publish", fixture_releases["withheld"], "--repo", REPO],
        capture_output=True,
        text=True,
        env={**environment, "HF_HOME": str(tmp_path), "HF_HUB_OFFLINE": "0"},
    )
    assert done.returncode == 2 and "no Hugging Face token" in done.stderr


def test_offline_it_refuses_to_publish(fixture_releases):
    done = run(fixture_releases["withheld"], "--repo", REPO, env={"HF_HUB_OFFLINE": "1"})
    assert done.returncode == 2 and "needs the network" in done.stderr


class FakeHub(BaseHTTPRequestHandler):
    """The Hub API calls `publish` makes before uploading: refs, and paths-info at a tag."""

    tags: ClassVar[dict[str, str]] = {}  # tag -> git blob id of its SHA256SUMS
    seen: ClassVar[list[tuple[str, str, str]]] = []  # (method, path, authorization)

    def log_message(self, *args):
        pass

    def _answer(self, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.seen.append(("GET", self.path, self.headers.get("authorization", "")))
        if self.path.split("?")[0] == f"/api/datasets/{REPO}/refs":
            tags = [
                {"name": t, "ref": f"refs/tags/{t}", "targetCommit": "0" * 40} for t in self.tags
            ]
            return self._answer({"branches": [], "converts": [], "tags": tags})
        self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        self.seen.append(("POST", self.path, self.headers.get("authorization", "")))
        prefix = f"/api/datasets/{REPO}/paths-info/"
        if self.path.startswith(prefix):
            blob = self.tags[self.path[len(prefix) :]]
            return self._answer([{"type": "file", "path": SHA256SUMS, "size": 1, "oid": blob}])
        self.send_error(404)


def _only_reads(seen) -> bool:
    """Only reads: GETs (huggingface_hub also fetches a few public endpoints of its own) and
    the paths-info query of the tag check; no commit, no tag, no repository created."""
    paths_info = f"/api/datasets/{REPO}/paths-info/"
    return any(paths_info in path for _, path, _ in seen) and all(
        method == "GET" or path.startswith(paths_info) for method, path, _ in seen
    )


@pytest.fixture
def hub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeHub.tags, FakeHub.seen = {}, []
    try:
        yield {"HF_ENDPOINT": f"http://127.0.0.1:{server.server_port}", "HF_HUB_OFFLINE": "0"}
    finally:
        server.shutdown()
        server.server_close()


def test_a_tag_with_other_content_is_refused_and_nothing_is_uploaded(fixture_releases, hub):
    FakeHub.tags = {"v1.0.0": "f" * 40}
    done = run(fixture_releases["withheld"], "--repo", REPO, env=hub)
    assert done.returncode == 1, done.stderr
    assert "tag v1.0.0 exists with other content" in done.stderr
    assert _only_reads(FakeHub.seen)  # no upload, no tag
    dataset_requests = [auth for _, path, auth in FakeHub.seen if path.startswith("/api/datasets/")]
    assert dataset_requests and all(auth == f"Bearer {TOKEN}" for auth in dataset_requests)


def test_a_tag_with_these_very_files_is_already_published(fixture_releases, hub):
    FakeHub.tags = {"v1.0.0": git_blob_id(fixture_releases["withheld"] / SHA256SUMS)}
    done = run(fixture_releases["withheld"], "--repo", REPO, env=hub)
    assert done.returncode == 0, done.stderr
    assert "already has v1.0.0 with these files; nothing uploaded" in done.stderr
    assert _only_reads(FakeHub.seen)


def test_a_hub_error_is_one_line_exit_2(fixture_releases, hub):
    done = run(fixture_releases["withheld"], "--repo", "someone/else", env=hub)  # 404s from here on
    assert done.returncode == 2
    assert done.stderr.startswith("tsr-news: error: the Hugging Face Hub: ")
    assert len(done.stderr.splitlines()) == 1
