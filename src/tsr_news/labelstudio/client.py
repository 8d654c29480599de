"""Push tasks to and pull annotations from a Label Studio server (`tsr-news ls push/pull`).

Through `label-studio-sdk` (the optional extra `tsr-news[labelstudio]`), behind `Connection`,
which checks the URL, refuses redirects and summarises errors without echoing the server. The
API key is read by the caller from the environment (`LABEL_STUDIO_API_KEY`), travels only in
the Authorization header and is never printed, logged or written.

A project is set up for double annotation (`project.project_settings`): the label stream hands
a task to the next annotator until `overlap` of them have done it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from tsr_news.labelstudio.connection import API_KEY_VARIABLE, ClientError, Connection, token_help
from tsr_news.labelstudio.importer import ImportReport, import_tasks, tasks_of
from tsr_news.labelstudio.project import DEFAULT_OVERLAP, project_settings
from tsr_news.labelstudio.tasks import text_mismatch

__all__ = ["API_KEY_VARIABLE", "ClientError", "LabelStudio", "RefusedPush", "token_help"]

EXPORT_TIMEOUT = 600  # seconds: the server builds a whole export before its first byte


class RefusedPush(Exception):
    """Tasks on the server show another text than the corpus; nothing was pushed."""


@dataclass
class PushReport:
    project: int
    created: bool
    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)


class LabelStudio:
    def __init__(self, url: str, api_key: str):
        self.connection = Connection(url, api_key)
        self.url = self.connection.url
        self._sdk = self.connection.sdk
        self._call = self.connection.call

    # -- projects -------------------------------------------------------------------------

    def find_project(self, project: str) -> int | None:
        """A project by number, or by title (None if no project has that title)."""
        if project.isdigit():
            found = self._call(
                f"find project {project}", lambda: self._sdk.projects.get(int(project))
            )
            return self._int(found, "id", f"find project {project}")
        what = f"find the project titled {project!r}"
        page = 1
        while True:
            answer = self._call(
                what,
                lambda page=page: (
                    self._sdk.projects.list(title=project, page=page, page_size=100).response
                ),
            )
            results = getattr(answer, "results", None)
            if not isinstance(results, list):
                raise self.connection.odd(what, "no list of results")
            for found in results:
                if getattr(found, "title", None) == project:
                    return self._int(found, "id", what)
            if not getattr(answer, "next", None):
                return None
            page += 1

    def ensure_project(self, project: str, overlap: int = DEFAULT_OVERLAP) -> tuple[int, bool]:
        """The project's id, created (by title) if missing; its config and overlap set."""
        settings = project_settings(overlap)
        project_id = self.find_project(project)
        if project_id is None:
            if project.isdigit():
                raise ClientError(f"no project {project}")
            what = f"create the project {project!r}"
            created = self._call(what, lambda: self._sdk.projects.create(title=project, **settings))
            return self._int(created, "id", what), True
        what = f"read project {project_id}"
        current = self._call(what, lambda: self._sdk.projects.get(project_id))
        changed = {k: v for k, v in settings.items() if getattr(current, k, None) != v}
        if changed:
            what = f"update project {project_id} ({', '.join(changed)})"
            self._call(what, lambda: self._sdk.projects.update(project_id, **changed))
        return project_id, False

    def export(self, project_id: int) -> list[dict]:
        """Every task with its annotations and drafts: the full JSON export, streamed.

        The full JSON export keeps relations and per-region choices (JSON_MIN loses them).
        """
        what = f"export project {project_id}"

        def download() -> bytes:
            chunks = self._sdk.projects.exports.download_sync(
                project_id,
                export_type="JSON",
                download_all_tasks=True,
                request_options={"timeout": EXPORT_TIMEOUT},
            )
            return b"".join(chunks)

        payload = self._call(what, download)
        try:
            decoded = orjson.loads(payload)
        except orjson.JSONDecodeError:
            raise self.connection.odd(what, "not JSON") from None
        try:
            return tasks_of(decoded)
        except ValueError:
            raise self.connection.odd(what, "not a list of tasks") from None

    def users(self) -> dict[int, str]:
        """User numbers -> emails (exports name annotators by number)."""
        what = "list the users"
        found = self._call(what, self._sdk.users.list)
        if not isinstance(found, list):
            raise self.connection.odd(what, "not a list")
        users = {}
        for user in found:
            user_id, email = getattr(user, "id", None), getattr(user, "email", None)
            if isinstance(user_id, int) and isinstance(email, str):
                users[user_id] = email
        return users

    def invite_url(self) -> str | None:
        """The organization's sign-up link for annotators (None if the server gives none)."""
        found = self._call("read the invite link", self._sdk.organizations.invites.get_invite_link)
        link = getattr(found, "invite_url", None)
        return self.url + link if isinstance(link, str) and link.startswith("/") else None

    def _int(self, answer: object, name: str, what: str) -> int:
        value = getattr(answer, name, None)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.connection.odd(what, f"its {name} is not a number")
        return value

    # -- push and pull --------------------------------------------------------------------

    def push(self, project: str, tasks: list[dict], overlap: int = DEFAULT_OVERLAP) -> PushReport:
        """Create or update the project and add the tasks it lacks, matched by doc_id.

        A task already on the server for one of `tasks`' documents whose text is not the
        corpus's (the raw file changed, or the task was edited on the server) refuses the whole
        push, before anything is sent: its annotations were, or would be, made on other offsets.
        """
        texts = {t["data"]["doc_id"]: (t["data"]["text"], t["data"]["text_sha256"]) for t in tasks}
        project_id, created = self.ensure_project(project, overlap)
        existing: set[str] = set()
        changed = []
        for task in self.export(project_id):
            data = task.get("data")
            doc_id = data.get("doc_id") if isinstance(data, dict) else None
            if not isinstance(doc_id, str):
                continue
            existing.add(doc_id)
            if doc_id in texts:
                why = text_mismatch(data, doc_id, *texts[doc_id])
                if why:
                    changed.append(f"task {task.get('id')} ({doc_id}): {why}")
        if changed:
            raise RefusedPush(
                f"project {project_id} has tasks that do not show the corpus's text; nothing "
                "was pushed (pull and re-anchor their annotations, or use a new project):\n"
                + "\n".join(changed)
            )
        report = PushReport(project_id, created)
        new = [t for t in tasks if t["data"]["doc_id"] not in existing]
        report.present = [t["data"]["doc_id"] for t in tasks if t["data"]["doc_id"] in existing]
        if new:
            what = f"add {len(new)} task(s) to project {project_id}"
            self._call(what, lambda: self._sdk.projects.import_tasks(project_id, request=new))
        report.added = [t["data"]["doc_id"] for t in new]
        return report

    def pull(self, project: str, root: Path) -> ImportReport:
        """Export the project and import its annotations into the corpus, like `ls import`."""
        project_id = self.find_project(project)
        if project_id is None:
            raise ClientError(f"no project titled {project!r}")
        return import_tasks(self.export(project_id), root, self.users())
