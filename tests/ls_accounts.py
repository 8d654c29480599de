"""Annotator accounts on a real Label Studio, made the way the README tells annotators to.

An annotator signs up at the organization's invite link with their email and a password, logs
in, and creates a personal access token (Account & Settings → Personal Access Token, which
POSTs /api/token/). Each annotator then works with their own token, so Label Studio records
them as author (`completed_by`) and as last editor (`updated_by`) of what they save.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from label_studio_sdk import LabelStudio as Sdk


@dataclass
class Account:
    email: str
    password: str
    token: str  # a personal access token (a JWT refresh token)
    session: httpx.Client  # logged in, as in a browser

    @property
    def annotator(self) -> str:
        return self.email.split("@")[0]

    def sdk(self, url: str) -> Sdk:
        return Sdk(base_url=url, api_key=self.token)

    def post(self, path: str, body: dict) -> httpx.Response:
        """A request from the logged-in browser session (Django wants the CSRF token)."""
        headers = {
            "X-CSRFToken": self.session.cookies["csrftoken"],
            "Referer": str(self.session.base_url),
        }
        return self.session.post(path, json=body, headers=headers)


def sign_up(url: str, admin_token: str, email: str, password: str) -> Account:
    invite = Sdk(base_url=url, api_key=admin_token).organizations.invites.get_invite_link()
    session = httpx.Client(base_url=url, timeout=60)
    session.get(invite.invite_url)
    form = {"email": email, "password": password}
    _submit(session, invite.invite_url, form)
    account = Account(email, password, "", session)
    created = account.post("/api/token/", {})
    assert created.status_code == 201, created.status_code
    account.token = created.json()["token"]
    return account


def personal_access_token(url: str, legacy_token: str) -> str:
    """A personal access token for the legacy token's user, created through the API."""
    return Sdk(base_url=url, api_key=legacy_token).tokens.create().token


def _submit(session: httpx.Client, path: str, form: dict) -> None:
    form = {**form, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    answer = session.post(path, data=form, headers={"Referer": f"{session.base_url}{path}"})
    assert answer.status_code == 302, answer.status_code  # to the projects: signed up
