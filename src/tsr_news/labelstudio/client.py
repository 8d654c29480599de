"""Push tasks to and pull annotations from a Label Studio server (`tsr-news ls push/pull`).

Plain HTTP (urllib) against Label Studio's documented REST API, not the SDK: push and pull need
six endpoints, and the SDK would add ~500 MB of dependencies to what annotators install. The
API key is read by the caller from the environment (`LABEL_STUDIO_API_KEY`), travels only in
the Authorization header, and is never printed, logged or written: error messages carry the
method, the path and the server's answer, never the request headers.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tsr_news.labelstudio.config import label_config
from tsr_news.labelstudio.importer import ImportReport, import_tasks

API_KEY_VARIABLE = "LABEL_STUDIO_API_KEY"


class ClientError(Exception):
    """The server refused or could not be reached; the message says what was asked."""


class RefusedPush(Exception):
    """Documents on the server were made on another raw text; nothing was pushed."""


@dataclass
class PushReport:
    project: int
    created: bool
    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)


class LabelStudio:
    def __init__(self, url: str, api_key: str, timeout: float = 60):
        self.url = url.rstrip("/")
        self._headers = {"Authorization": f"Token {api_key}"}
        self.timeout = timeout

    def request(self, method: str, path: str, body: object = None, **query) -> object:
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = dict(self._headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:500]
            raise ClientError(f"{method} {path}: HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise ClientError(f"{method} {self.url}{path}: {error}") from None
        return json.loads(payload) if payload else None

    # -- projects -------------------------------------------------------------------------

    def find_project(self, project: str) -> int | None:
        """A project by number, or by title (None if no project has that title)."""
        if project.isdigit():
            self.request("GET", f"/api/projects/{project}")
            return int(project)
        page = 1
        while True:
            answer = self.request("GET", "/api/projects", page=page, page_size=100)
            for found in answer["results"]:
                if found["title"] == project:
                    return found["id"]
            if not answer.get("next"):
                return None
            page += 1

    def ensure_project(self, project: str) -> tuple[int, bool]:
        """The project's id, created (by title) if missing; its config set to the current one."""
        config = label_config()
        project_id = self.find_project(project)
        if project_id is None:
            if project.isdigit():
                raise ClientError(f"no project {project}")
            created = self.request(
                "POST", "/api/projects", {"title": project, "label_config": config}
            )
            return created["id"], True
        current = self.request("GET", f"/api/projects/{project_id}")
        if current["label_config"] != config:
            self.request("PATCH", f"/api/projects/{project_id}", {"label_config": config})
        return project_id, False

    def export(self, project_id: int) -> list[dict]:
        """Every task with its annotations: the full JSON export (JSON_MIN loses relations)."""
        return self.request(
            "GET",
            f"/api/projects/{project_id}/export",
            exportType="JSON",
            download_all_tasks="true",
        )

    def users(self) -> dict[int, str]:
        return {user["id"]: user["email"] for user in self.request("GET", "/api/users")}

    # -- push and pull --------------------------------------------------------------------

    def push(self, project: str, tasks: list[dict]) -> PushReport:
        """Create or update the project and add the tasks it lacks, matched by doc_id.

        A document already there with another text hash is refused (all of the push, before
        anything is sent): its annotations were made on other offsets.
        """
        project_id, created = self.ensure_project(project)
        existing = {
            task["data"].get("doc_id"): task["data"].get("text_sha256")
            for task in self.export(project_id)
        }
        changed = [
            t["data"]["doc_id"]
            for t in tasks
            if t["data"]["doc_id"] in existing
            and existing[t["data"]["doc_id"]] != t["data"]["text_sha256"]
        ]
        if changed:
            raise RefusedPush(
                f"project {project_id} has tasks for {', '.join(changed)} made on another raw "
                "text (text_sha256 differs): pull and re-anchor their annotations, or use a new "
                "project; nothing was pushed"
            )
        report = PushReport(project_id, created)
        new = [t for t in tasks if t["data"]["doc_id"] not in existing]
        report.present = [t["data"]["doc_id"] for t in tasks if t["data"]["doc_id"] in existing]
        if new:
            self.request("POST", f"/api/projects/{project_id}/import", new)
        report.added = [t["data"]["doc_id"] for t in new]
        return report

    def pull(self, project: str, root: Path) -> ImportReport:
        """Export the project and import its annotations into the corpus, like `ls import`."""
        project_id = self.find_project(project)
        if project_id is None:
            raise ClientError(f"no project titled {project!r}")
        return import_tasks(self.export(project_id), root, self.users())
