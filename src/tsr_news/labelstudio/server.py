"""Start and stop a local Label Studio server (for annotators, and for the integration tests).

Label Studio is not a dependency of the package (it pins hundreds of packages, the SDK among
them); `make .venv-ls` installs the pinned version into its own virtual environment, and this
module runs its `label-studio` executable. The server listens on 127.0.0.1 only and is kept
from making outbound connections (error reporting, analytics, version checks, downloads).
Label Studio silently moves to the next port when the one asked for is busy, so the port is
checked free first, the way Label Studio checks it (does anything accept a connection there?),
and the server must answer on it. A trial bind would not do: for about a minute after a server
stops, its closed connections hold the port in TIME_WAIT, which refuses a plain bind although
nothing listens (and the server, which binds with SO_REUSEADDR, would start). People join only
through the organization's invite link, never by signing up on their own.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

LABEL_STUDIO_VERSION = "1.23.2"
HOST = "127.0.0.1"
# Variables Label Studio reads under bare names that a shell may have set for other purposes.
_CLEARED = ("HOST", "PORT", "USERNAME", "PASSWORD", "DEBUG")
_OFFLINE = {
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "COLLECT_ANALYTICS": "false",
    "LATEST_VERSION_CHECK": "false",
    "CONVERTER_DOWNLOAD_RESOURCES": "false",
}
_INVITED_ONLY = {"LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}


class ServerError(Exception):
    """Label Studio could not be started (not installed, port taken, not healthy in time)."""


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, then wait; SIGKILL only if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    """Whether something accepts connections on HOST:port (what Label Studio itself checks)."""
    with socket.socket() as probe:
        probe.settimeout(5)
        return probe.connect_ex((HOST, port)) == 0


def start(
    executable: Path,
    data_dir: Path,
    *,
    username: str,
    password: str,
    token: str,
    port: int | None = None,
    timeout: float = 180,
) -> Server:
    """Start Label Studio with an admin account whose API token is `token`; wait until healthy."""
    if not executable.is_file():
        raise ServerError(
            f"{executable} not found: install Label Studio with `make labelstudio` "
            f"(label-studio=={LABEL_STUDIO_VERSION} in its own virtual environment)"
        )
    port = port or free_port()
    if listening(port):
        raise ServerError(f"port {port} on {HOST} is busy; choose another")
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(
        {**_OFFLINE, **_INVITED_ONLY},
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LABEL_STUDIO_USERNAME=username,
        LABEL_STUDIO_PASSWORD=password,
        LABEL_STUDIO_USER_TOKEN=token,
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",  # without it the token gets 401
    )
    command = [str(executable), "start", "--no-browser", "--internal-host", HOST]
    command += ["-p", str(port), "--data-dir", str(data_dir)]
    log = data_dir / "label-studio.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = Server(f"http://{HOST}:{port}", process, log)
    try:
        _wait_healthy(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(
                f"Label Studio exited with {server.process.returncode}; see {server.log}"
            )
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=5) as response:
                if json.load(response).get("status") == "UP":
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(1)
    raise ServerError(f"Label Studio did not answer on {server.url} within {timeout:.0f} s")
