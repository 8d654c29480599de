"""`tsr-news ls serve`: starts a real Label Studio, pushes the tasks, says how to log in, and
stops it on Ctrl-C or SIGTERM, however it was started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request

import pytest

from tsr_news.labelstudio import server
from tsr_news.labelstudio.client import LabelStudio

from conftest import REPO

pytestmark = pytest.mark.labelstudio

KEY = "serve-test-token-0123456789abcdef"


def _as_a_background_job():
    """What a non-interactive shell does to `cmd &` (and so a CI script may do to the whole
    test run): the child starts with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_serve_starts_pushes_prints_login_and_stops_the_server_on_a_signal(
    corpus, tmp_path, stop_signal
):
    executable = os.environ.get("TSR_LABEL_STUDIO", str(REPO / ".venv-ls/bin/label-studio"))
    port = server.free_port()
    env = {**os.environ, "LABEL_STUDIO_API_KEY": KEY}
    command = [sys.executable, "-m", "tsr_news", "ls", "serve", "--root", str(corpus)]
    command += [
        "--port",
        str(port),
        "--data-dir",
        str(tmp_path / "ls"),
        "--label-studio",
        executable,
    ]
    command += ["--email", "ann5@example.org", "--predictions", "gold"]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_a_background_job,
    )
    try:
        lines = [process.stdout.readline() for _ in range(6)]
        url = f"http://127.0.0.1:{port}"
        assert lines[0].startswith(f"Label Studio is running at {url}/projects/"), lines
        assert lines[1].startswith("Log in as ann5@example.org with password ")
        assert lines[2] == "Tasks: 3 added, 0 already there; 2 annotator(s) per task.\n"
        assert lines[3].startswith(f"Annotators sign up at {url}/user/signup/?token=")
        assert KEY not in "".join(lines)
        with urllib.request.urlopen(url + "/user/login/", timeout=10) as page:
            assert page.status == 200
        tasks = LabelStudio(url, KEY).export(LabelStudio(url, KEY).find_project("tsr-news"))
        alpha = next(t for t in tasks if t["data"]["doc_id"] == "doc-alpha")
        assert len(alpha["predictions"]) == 1
    finally:
        process.send_signal(stop_signal)
        assert process.wait(60) == 0, (
            process.stderr.read()
        )  # and not killed: the server was stopped on the way out
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5)
