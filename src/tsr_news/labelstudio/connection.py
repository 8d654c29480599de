"""The connection to a Label Studio server: the SDK's client, made safe against odd answers.

`label-studio-sdk` (the optional extra `tsr-news[labelstudio]`) handles both kinds of token
(personal access tokens, which are JWT refresh tokens exchanged for short-lived access tokens,
and legacy tokens), retries and pagination. What it does not do, this module does:

- the URL is checked before anything is sent: `http(s)://host[:port][/path]`, no credentials,
  query or fragment;
- redirects are never followed, so the API key (and a personal access token's refresh
  request, whose body is the token) goes only to the URL given. A redirect is an error naming
  the origin it pointed to, so the user can pass that URL if it is the right server;
- a server's answer is never printed: a server may echo the request's headers, the key among
  them. Errors are summarised by their HTTP status and what it means here; the key is also
  scrubbed from every message as a last guard;
- an answer of an unexpected shape (not JSON, a field of the wrong type) ends in a
  `ClientError` naming the request, never in a traceback.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import TypeVar

import httpx
from label_studio_sdk import LabelStudio as Sdk
from label_studio_sdk.core.api_error import ApiError

T = TypeVar("T")

API_KEY_VARIABLE = "LABEL_STUDIO_API_KEY"
TIMEOUT = 60  # seconds per connect or read (not per request: a long export streams)


def token_help(url: str) -> str:
    """Which tokens work and where Label Studio 1.23 shows them."""
    return (
        "tsr-news accepts a personal access token (Label Studio 1.23's default: Account & "
        f"Settings → Personal Access Token, {url}/user/account/personal-access-token) or a "
        "legacy token (Account & Settings → Legacy Token, shown only if the organization allows "
        "legacy tokens: Organization → API Tokens Settings)"
    )


class ClientError(Exception):
    """The server refused, could not be reached or answered oddly; one line saying what."""


class OddAnswer(ClientError):
    """The server answered, but not with what Label Studio answers."""


class _Redirected(Exception):
    def __init__(self, location: str):
        self.location = location


def check_url(url: str) -> str:
    """The server's base URL without a trailing slash; ClientError if it is not one."""
    parts = urllib.parse.urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    problem = None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "it should look like http://127.0.0.1:8080"
    elif port == -1:
        problem = "its port is not a number from 0 to 65535"
    elif parts.username is not None or parts.password is not None:
        problem = "it must not carry a user name or password (the API key is the credential)"
    elif parts.query or parts.fragment:
        problem = "it must not have a query (?...) or fragment (#...)"
    if problem:
        raise ClientError(f"--url {url!r} is not a Label Studio server URL: {problem}")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


class Connection:
    """An SDK client for one server and key; `call` runs one request and summarises failures."""

    def __init__(self, url: str, api_key: str, *, timeout: float = TIMEOUT):
        self.url = check_url(url)
        self._key = api_key
        http = httpx.Client(
            timeout=timeout, follow_redirects=False, event_hooks={"response": [_no_redirect]}
        )
        # The SDK reads the key at once: an expired or malformed personal access token fails here.
        self.sdk = self.call(
            "read the API key", lambda: Sdk(base_url=self.url, api_key=api_key, httpx_client=http)
        )

    def call(self, what: str, request: Callable[[], T]) -> T:
        """`request()`, or a ClientError saying what failed, in one line, without the key."""
        try:
            return request()
        except _Redirected as redirect:
            raise ClientError(
                self._scrub(self._redirect_message(what, redirect.location))
            ) from None
        except ApiError as error:
            raise self._api_error(what, error) from None
        except httpx.TimeoutException:
            raise ClientError(f"{what}: {self.url} did not answer in time") from None
        except httpx.HTTPError as error:
            reason = type(error).__name__
            raise ClientError(
                self._scrub(f"{what}: cannot talk to {self.url} ({reason}): is the server running?")
            ) from None
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            # the SDK's parsing of an answer that is not Label Studio's (JSON of another shape)
            raise OddAnswer(self._odd(what, type(error).__name__)) from None

    def odd(self, what: str, why: str) -> OddAnswer:
        """The error for an answer that parsed but does not have what Label Studio sends."""
        return OddAnswer(self._odd(what, why))

    def _odd(self, what: str, why: str) -> str:
        return self._scrub(
            f"{what}: the answer of {self.url} is not Label Studio's ({why}): is this the URL of a "
            "Label Studio 1.23 server?"
        )

    def _api_error(self, what: str, error: ApiError) -> ClientError:
        status = error.status_code
        if status == 401:
            return ClientError(
                self._scrub(
                    f"{what}: HTTP 401: {self.url} did not accept the token in "
                    f"{API_KEY_VARIABLE}; {token_help(self.url)}"
                )
            )
        if status is not None and 200 <= status < 300:
            return OddAnswer(self._odd(what, f"HTTP {status}, but not JSON"))
        meaning = {
            400: "the server refused the request" + _fields(error.body),
            403: "the token's user may not do this (in Label Studio Community every member of "
            "the organization may; is the token from this server?)",
            404: "not found (is the project number right, and the URL Label Studio's?)",
            409: "it conflicts with the server's state" + _fields(error.body),
        }.get(status, "the server failed" if status and status >= 500 else "unexpected answer")
        return ClientError(self._scrub(f"{what}: HTTP {status}: {meaning}"))

    def _redirect_message(self, what: str, location: str) -> str:
        target = urllib.parse.urlsplit(urllib.parse.urljoin(self.url + "/", location))
        origin = f"{target.scheme}://{target.hostname}" + (f":{target.port}" if target.port else "")
        here = urllib.parse.urlsplit(self.url)
        if (target.scheme, target.netloc) == (here.scheme, here.netloc):
            where = "another path on the same server: is --url the server's root?"
        else:
            where = (
                f"{origin}: not followed, so that the API key goes only to {self.url}; if that "
                "is your Label Studio, pass --url with it"
            )
        return f"{what}: the server redirected to {where}"

    def _scrub(self, message: str) -> str:
        return message.replace(self._key, "[the API key]") if self._key else message


def _no_redirect(response: httpx.Response) -> None:
    if response.is_redirect:
        raise _Redirected(response.headers.get("location", ""))


def _fields(body: object) -> str:
    """The names of the fields a refusal concerns, never their messages or values: a server may
    echo the request in them. Label Studio puts them under `validation_errors`."""
    if not isinstance(body, dict):
        return ""
    fields = body.get("validation_errors")
    fields = fields if isinstance(fields, dict) else body
    envelope = {"id", "status_code", "version", "detail", "exc_info", "validation_errors"}
    names = [k for k in fields if isinstance(k, str) and k.isidentifier() and len(k) <= 40]
    names = [k for k in names if k not in envelope][:5]
    return f" (fields: {', '.join(names)})" if names else ""
