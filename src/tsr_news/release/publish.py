"""Publishing a release to the Hugging Face Hub: its files as one commit, tagged `vX.Y.Z`.

Only a release that is what its build wrote is published: every file is listed in
`SHA256SUMS` with its sha256 (no file missing, changed or unlisted). A full release carries the
copyrighted article texts, so it is refused unless the caller states that they hold the
rights to them; the text-withheld release is the one meant to be shared. The tag is the
version's: if the repository has it already, the release is published only if the tag holds
these very files (its `SHA256SUMS` is ours, compared by git blob id), and nothing is
uploaded; a tag with other content is refused, as a version is never moved.

The token comes from where `huggingface_hub` keeps it (`HF_TOKEN`, else the token file that
`hf auth login` writes) and is handed to `HfApi`; it is never printed. `plan` needs no
network and no token: it is what `--dry-run` shows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import httpx2

from tsr_news.checks.jsonfile import Unreadable
from tsr_news.common.files import sha256_file
from tsr_news.release.manifest import MANIFEST, SHA256SUMS, files_of, read_manifest

# What a failed request raises: huggingface_hub's HTTP errors (OSErrors) and, below them,
# its HTTP client's (httpx2 in huggingface_hub 2.4, which the release extra pins)
HUB_ERRORS = (OSError, httpx2.HTTPError)
REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
REPO_TYPE = "dataset"


class NotPublishable(Exception):
    """The release cannot be published as asked (a usage error: exit 2)."""


class Refused(Exception):
    """The release or the repository's state says no (invalid data: exit 1)."""


@dataclass(frozen=True)
class Plan:
    """What `publish` would do: upload `files` of `release` to `repo` and tag them `tag`."""

    release: Path
    repo: str
    tag: str
    version: str
    files: list[str]


def plan(release: Path, repo: str, holds_text_rights: bool) -> Plan:
    """Check the release and the request; raise NotPublishable or Refused, with one line."""
    if not REPO_ID.fullmatch(repo):
        raise NotPublishable(f"--repo {repo!r}: expected ORG/NAME, a Hugging Face repository id")
    manifest_path = release / MANIFEST
    if not manifest_path.is_file():
        raise NotPublishable(f"{release}: not a release directory (no {MANIFEST})")
    try:
        manifest = read_manifest(manifest_path)
    except Unreadable as refused:
        raise Refused(f"{release}: not a release: {refused}") from None
    files = verified_files(release)
    if manifest.get("text_withheld") is not True and not holds_text_rights:
        raise NotPublishable(
            f"{release}: a full release carries the copyrighted article texts; publish the "
            "text-withheld release (tsr-news build --withhold-text), or pass "
            "--i-hold-the-text-rights if you hold the rights to redistribute every text"
        )
    version = manifest["version"]
    return Plan(release, repo, f"v{version}", version, files)


def verified_files(release: Path) -> list[str]:
    """Every file of the release, if SHA256SUMS lists exactly them with their sha256."""
    sums = release / SHA256SUMS
    if not sums.is_file():
        raise Refused(f"{release}: no {SHA256SUMS}; not a release as tsr-news builds it")
    listed = {}
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise Refused(f"{sums}:{number}: not a sha256sum line")
        listed[name] = digest
    present = [name for name in files_of(release) if name != SHA256SUMS]
    for name in sorted(set(listed) | set(present)):
        if name not in listed:
            raise Refused(f"{release / name}: not listed in {SHA256SUMS}")
        if name not in present:
            raise Refused(f"{release / name}: listed in {SHA256SUMS} but missing")
        if sha256_file(release / name) != listed[name]:
            raise Refused(f"{release / name}: its sha256 differs from {SHA256SUMS}'s")
    return sorted([*present, SHA256SUMS])


def git_blob_id(path: Path) -> str:
    """The git object id of a file's bytes (what the Hub reports for a file not in LFS)."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def publish(planned: Plan, api) -> str:
    """Upload and tag (`api`: a `huggingface_hub.HfApi` with the token); returns what was
    done, in one line. Raises Refused if the tag exists with other content."""
    existing = _tag_content(planned, api)
    if existing is not None:
        if existing == git_blob_id(planned.release / SHA256SUMS):
            return f"{planned.repo} already has {planned.tag} with these files; nothing uploaded"
        raise Refused(
            f"{planned.repo}: tag {planned.tag} exists with other content (its {SHA256SUMS} "
            "differs); a published version is never moved: bump the version"
        )
    api.create_repo(planned.repo, repo_type=REPO_TYPE, exist_ok=True)
    commit = api.upload_folder(
        repo_id=planned.repo,
        repo_type=REPO_TYPE,
        folder_path=planned.release,
        allow_patterns=planned.files,
        delete_patterns=["*", "**/*"],  # what an earlier version had and this one has not
        commit_message=f"tsr-news {planned.version}",
    )
    api.create_tag(
        planned.repo,
        tag=planned.tag,
        revision=commit.oid,
        repo_type=REPO_TYPE,
        tag_message=f"tsr-news {planned.version}",
    )
    return f"uploaded {len(planned.files)} file(s) to {planned.repo} and tagged {planned.tag}"


def _tag_content(planned: Plan, api) -> str | None:
    """The git blob id of SHA256SUMS at the version's tag, or None if there is no such tag
    (or no repository yet)."""
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        refs = api.list_repo_refs(planned.repo, repo_type=REPO_TYPE)
    except RepositoryNotFoundError:
        return None
    if planned.tag not in {tag.name for tag in refs.tags}:
        return None
    infos = api.get_paths_info(
        planned.repo, [SHA256SUMS], revision=planned.tag, repo_type=REPO_TYPE
    )
    return infos[0].blob_id if infos else ""
