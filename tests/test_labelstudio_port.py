"""`ls serve` calls a port busy when something listens on it, not when a plain bind fails.

After a server stops, the connections it closed hold its port in TIME_WAIT for about a minute:
a plain bind fails, yet nothing listens and Label Studio (which binds with SO_REUSEADDR) starts.
"""

from __future__ import annotations

import socket

import pytest

from tsr_news.labelstudio import server


def _port_left_in_time_wait() -> int:
    """A port whose listener has closed, after closing a connection first (TIME_WAIT)."""
    with socket.socket() as listener:
        listener.bind((server.HOST, 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection((server.HOST, port))
        accepted, _ = listener.accept()
        accepted.close()  # the server's side closes first, so it is the one left waiting
        client.close()
    return port


def test_a_port_held_only_by_closed_connections_is_not_busy():
    port = _port_left_in_time_wait()
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind((server.HOST, port))  # what the old check did, and why it said "busy"
    assert not server.listening(port)


def test_a_port_something_listens_on_is_busy(tmp_path):
    executable = tmp_path / "label-studio"
    executable.write_text("#!/bin/sh\nexit 3\n")
    with socket.socket() as listener:
        listener.bind((server.HOST, 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert server.listening(port)
        with pytest.raises(server.ServerError, match=f"port {port} on 127.0.0.1 is busy"):
            server.start(
                executable, tmp_path / "data", username="a@b.c", password="p", token="t", port=port
            )
