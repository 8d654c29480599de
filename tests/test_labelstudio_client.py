"""`ls pull` and `ls push` against a hostile server on 127.0.0.1: one line, exit 2, no key.

The server redirects to another port, echoes the request's headers in its errors, answers
with HTML or with JSON of the wrong shape. Both kinds of token are tried: a legacy token
(sent as `Authorization: Token ...`) and a personal access token, a JWT refresh token which
the SDK first POSTs to /api/token/refresh/ in the request's body.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import jwt
import pytest

from hostile import Hostile, echo_headers, json_answer, redirect_to, text

LEGACY = "legacy-key-0123456789abcdef-SECRET"


def _jwt(kind: str) -> str:
    claims = {"token_type": kind, "exp": int(time.time()) + 86400, "user_id": "1"}
    return jwt.encode(claims, "the server's secret, 32 bytes or more", algorithm="HS256")


PAT = _jwt("refresh")
ACCESS = _jwt("access")
KEYS = pytest.mark.parametrize("key", [LEGACY, PAT], ids=["legacy", "personal"])
PROJECTS = {"count": 1, "next": None, "results": [{"id": 1, "title": "tsr-news"}]}


def _serve_tokens(server: Hostile) -> None:
    server.answer["/api/token/refresh/"] = json_answer({"access": ACCESS})


def _pull(cli, monkeypatch, key: str, url: str, corpus):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    run = cli("ls", "pull", "--url", url, "--project", "tsr-news", "--root", corpus)
    for secret in (key, ACCESS):
        assert secret not in run.out + run.err
    assert "Traceback" not in run.err
    return run


def _one_line_usage_error(run) -> str:
    assert run.exit_code == 2, run.err
    assert run.out == ""
    (line,) = run.err.splitlines()
    return line


@KEYS
def test_a_redirect_to_another_port_is_not_followed(cli, monkeypatch, corpus, key):
    with Hostile() as elsewhere, Hostile() as server:
        for path in ("/api/token/refresh/", "/api/projects/"):
            server.answer[path] = redirect_to(elsewhere.url + path)
        run = _pull(cli, monkeypatch, key, server.url, corpus)
    line = _one_line_usage_error(run)
    assert f"the server redirected to {elsewhere.url}: not followed" in line
    assert elsewhere.requests == []
    (asked,) = server.requests  # the key went where it was meant to go, and only there
    if key == LEGACY:
        assert asked.headers["Authorization"] == f"Token {LEGACY}"
    else:
        assert (asked.path, PAT.encode() in asked.body) == ("/api/token/refresh/", True)


@KEYS
@pytest.mark.parametrize("status", [400, 401, 403, 500])
def test_an_error_echoing_the_headers_is_summarised(cli, monkeypatch, corpus, key, status):
    with Hostile() as server:
        _serve_tokens(server)
        server.answer["/api/projects/"] = echo_headers(status)
        run = _pull(cli, monkeypatch, key, server.url, corpus)
    line = _one_line_usage_error(run)
    assert line.startswith(f"tsr-news: error: find the project titled 'tsr-news': HTTP {status}: ")
    assert "Authorization" not in line and "User-Agent" not in line  # nothing of the echo
    if status == 400:
        assert line.endswith("the server refused the request (fields: echo)")
    if status == 401:
        assert "personal access token" in line and "legacy token" in line


@pytest.mark.parametrize(
    ("path", "answer", "why"),
    [
        ("/api/projects/", text("<html>Welcome</html>"), "HTTP 200, but not JSON"),
        ("/api/projects/", json_answer({"count": 0}), "no list of results"),
        ("/api/projects/", json_answer([1, 2]), ""),
        ("/api/projects/1/export", json_answer({"tasks": []}), "not a list of tasks"),
        ("/api/projects/1/export", text("<html>Welcome</html>"), "not JSON"),
        ("/api/users/", json_answer({"users": 1}), "not a list"),
    ],
    ids=["html", "no-results", "list", "export-object", "export-html", "users"],
)
def test_an_odd_answer_is_one_line(cli, monkeypatch, corpus, path, answer, why):
    with Hostile() as server:
        server.answer["/api/projects/"] = json_answer(PROJECTS)
        server.answer["/api/projects/1/export"] = json_answer([])
        server.answer["/api/users/"] = json_answer([])
        server.answer[path] = answer
        run = _pull(cli, monkeypatch, LEGACY, server.url, corpus)
    line = _one_line_usage_error(run)
    assert f"is not Label Studio's ({why}" in line


def test_an_export_with_wrong_types_is_refused_task_by_task(cli, monkeypatch, corpus):
    odd_tasks = [
        {"id": 1, "data": ["doc-beta"]},
        {"id": [2], "data": {"doc_id": {"x": 1}}},
        {"id": 3, "data": {"doc_id": "doc-beta", "text": 7}, "annotations": "none"},
        {"id": 4, "annotations": [{"completed_by": [1], "result": {"id": 1}}]},
    ]
    with Hostile() as server:
        server.answer["/api/projects/"] = json_answer(PROJECTS)
        server.answer["/api/projects/1/export"] = json_answer(odd_tasks)
        server.answer["/api/users/"] = json_answer([{"id": "1", "email": 5}])
        run = _pull(cli, monkeypatch, LEGACY, server.url, corpus)
    assert run.exit_code == 1
    assert run.out.splitlines() == [
        "task 1: the task has no data object [ls-document]",
        "task 3 (doc-beta): the task's annotations are not a list [ls-result]",
        "task 3 (doc-beta): the task has no text to compare with raw/doc-beta.txt: the "
        "annotations' offsets cannot be trusted; re-anchor them on the current text [text-hash]",
        "task 4: cannot tell who made this annotation (completed_by [1]) [ls-annotator]",
        "task 4: the task has no data object [ls-document]",
        "task [2]: data.doc_id {'x': 1} is not a safe document id [ls-document]",
        "task 4: layer withheld: annotation None: its author is unknown",
    ]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("localhost:8080", "it should look like http://127.0.0.1:8080"),
        ("http://", "it should look like"),
        ("ftp://127.0.0.1/", "it should look like"),
        ("http://127.0.0.1:99999", "its port is not a number"),
        ("http://me:secret@127.0.0.1:8080", "must not carry a user name or password"),
        ("http://127.0.0.1:8080/?next=x", "must not have a query"),
    ],
)
@pytest.mark.parametrize("command", ["pull", "push"])
def test_a_url_that_is_not_a_server_url_is_one_line(cli, monkeypatch, corpus, url, why, command):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", LEGACY)
    run = cli("ls", command, "--url", url, "--root", corpus)
    line = _one_line_usage_error(run)
    assert line == f"tsr-news: error: --url {url!r} is not a Label Studio server URL: {why}" or (
        why in line
    )


def test_an_expired_personal_access_token_is_one_line(cli, monkeypatch, corpus):
    claims = {"token_type": "refresh", "exp": 1}
    expired = jwt.encode(claims, "the server's secret, 32 bytes or more", algorithm="HS256")
    with Hostile() as server:
        run = _pull(cli, monkeypatch, expired, server.url, corpus)
    line = _one_line_usage_error(run)
    assert "read the API key: HTTP 401" in line
    assert server.requests == []


def _without_the_sdk(*args: str) -> subprocess.CompletedProcess:
    """`tsr-news ARGS` in a Python where `import label_studio_sdk` fails, as without the extra."""
    program = (
        "import sys; sys.modules['label_studio_sdk'] = None; "
        "from tsr_news.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {**os.environ, "LABEL_STUDIO_API_KEY": LEGACY}
    return subprocess.run(
        [sys.executable, "-c", program, *args], capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize("command", ["push", "pull", "serve"])
def test_without_the_sdk_the_server_commands_name_the_extra(corpus, command):
    args = ["ls", command, "--root", str(corpus)]
    done = _without_the_sdk(*args, *(["--url", "http://127.0.0.1:9"] if command != "serve" else []))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"tsr-news: error: `tsr-news ls {command}` talks to Label Studio through its SDK, which "
        "is not installed: pip install 'tsr-news[labelstudio]'"
    ]


def test_without_the_sdk_config_tasks_and_import_still_work(corpus, tmp_path):
    (tmp_path / "export.json").write_text("[]", "utf-8")
    assert _without_the_sdk("ls", "config").returncode == 0
    assert _without_the_sdk("ls", "tasks", "--root", str(corpus)).returncode == 0
    imported = _without_the_sdk(
        "ls", "import", str(tmp_path / "export.json"), "--root", str(corpus)
    )
    assert imported.returncode == 0, imported.stderr
