"""A hostile HTTP server on 127.0.0.1, for the client's tests: it answers what a test tells it.

`Hostile.answer` maps a request path (without the query) to a function of the request giving
(status, headers, body). Every request is recorded with its headers and body, so a test can
check what reached which server: a redirect's target is a second `Hostile` on another port.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = Callable[[Request], tuple[int, dict[str, str], bytes]]


def json_answer(value: object, status: int = 200) -> Answer:
    return lambda request: (
        status,
        {"Content-Type": "application/json"},
        json.dumps(value).encode(),
    )


def echo_headers(status: int) -> Answer:
    """An error whose body repeats the request's headers, the API key among them."""

    def answer(request: Request):
        body = {"detail": "refused", "validation_errors": {"echo": [str(request.headers)]}}
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

    return answer


def redirect_to(location: str, status: int = 307) -> Answer:
    return lambda request: (status, {"Location": location}, b"")


def text(body: str, status: int = 200) -> Answer:
    return lambda request: (status, {"Content-Type": "text/html"}, body.encode())


@dataclass
class Hostile:
    answer: dict[str, Answer] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def __enter__(self) -> Hostile:
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command, self.path, dict(self.headers), self.rfile.read(length)
                )
                hostile.requests.append(request)
                path = self.path.split("?")[0]
                found = hostile.answer.get(path, text("not found", 404))
                status, headers, body = found(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = _handle

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
