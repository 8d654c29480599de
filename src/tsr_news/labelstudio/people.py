"""Who made an annotation in Label Studio, and who last changed it.

The JSON export of Label Studio 1.23 names people by user number (`completed_by`, the author;
`updated_by`, whoever saved it last) and a draft by its user's email. An annotator id is the
local part of that user's email, which must be a safe annotator id. `users` maps user numbers
to emails (`ls pull` fetches it from the server; `ls import --users` reads a saved
`/api/users` list).

Label Studio Community lets every member of an organization open and save anyone's annotation;
an annotation saved by someone other than its author is no longer the author's work alone, so
the import refuses it rather than credit the author with another person's changes.
"""

from __future__ import annotations

from tsr_news.corpus.layout import ANNOTATOR_ID


def annotator_id(user: object, users: dict[int, str]) -> tuple[str | None, str]:
    """The annotator id of a user (a number, an email, or an object with one), or None and why."""
    email = user.get("email") if isinstance(user, dict) else user
    if isinstance(user, int) and not isinstance(user, bool):
        email = users.get(user)
        if email is None:
            return None, (
                f"annotation by Label Studio user {user}, whose email is unknown: pass --users "
                "(the server's /api/users list) or use `tsr-news ls pull`"
            )
    if not isinstance(email, str) or "@" not in email:
        return None, f"cannot tell who made this annotation (completed_by {shown(user)})"
    local = email.split("@", 1)[0]
    if not ANNOTATOR_ID.fullmatch(local):
        return None, (
            f"{shown(email)}: {shown(local)} is not a safe annotator id (2-64 lowercase letters, "
            "digits, '_', '-', '.'): give the user such an email address in Label Studio"
        )
    return local, ""


def name(user: object, users: dict[int, str]) -> str:
    """A person as a message names them: the annotator id if there is one, else what is known."""
    found, _ = annotator_id(user, users)
    if found is not None:
        return found
    if isinstance(user, int) and not isinstance(user, bool):
        return users.get(user, f"Label Studio user {user}")
    return shown(user)


def changed_by_another(annotation: dict, author: str, users: dict[int, str]) -> str | None:
    """Who last saved `annotation` if not its author (None if the author, or not recorded)."""
    saved_by = annotation.get("updated_by")
    if saved_by is None or saved_by == annotation.get("completed_by"):
        return None
    other = name(saved_by, users)
    return None if other == author else other


def shown(value: object, limit: int = 60) -> str:
    """A value from an export as a message shows it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
