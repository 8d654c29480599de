"""What a release holds and where it came from: manifest.json, SHA256SUMS, content digest.

The content digest identifies the corpus content independently of how it is encoded: the
sha256 over one canonical JSON line per document (doc_id order) holding its full `documents`
row: metadata, text, `text_sha256`, annotated layers and the gold items, label names not ids
(keys sorted, no insignificant white space, UTF-8). It covers exactly what a release carries,
so it can be recomputed from a release: two releases with the same digest hold the same data.
A text-withheld release carries the digest of the full content (its manifest says
`text_withheld: true`), so the release rehydrated from it can be checked against it.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from pathlib import Path

import datasets
import pyarrow

import tsr_news
from tsr_news.datasheet import Statistics

MANIFEST = "manifest.json"
SHA256SUMS = "SHA256SUMS"


class ContentDigest:
    """The logical content digest, fed one document at a time."""

    algorithm = (
        "sha256 over canonical JSON lines of the full documents row (text included, label "
        "names) per document, doc_id order"
    )

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    @staticmethod
    def line(row: dict) -> bytes:
        """The digest's line for one document's `documents` row (unwithheld)."""
        line = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return line.encode("utf-8") + b"\n"

    def add(self, row: dict) -> None:
        """Add one document's `documents` row (`rows.rows(document, "documents")`, unwithheld)."""
        self.add_line(self.line(row))

    def add_line(self, line: bytes) -> None:
        """Add a line made by `line` (in a worker process, say); documents in doc_id order."""
        self._hash.update(line)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_of(release: Path) -> list[str]:
    """Every file of a release directory, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())


def source_of(root: Path) -> dict | None:
    """The git commit the corpus root is checked out at, and whether the checkout is dirty."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain"))
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"git_commit": commit, "dirty": dirty}


def write_manifest(
    release: Path,
    source: dict | None,
    digest: ContentDigest,
    rows: dict[str, int],
    statistics: Statistics,
    text_withheld: bool,
) -> None:
    """manifest.json: version, source, tools, content digest and every other file's facts.

    `source` is `source_of(root)` for the corpus the documents came from; `rows` maps a data
    file's relative path to its row count; `text_withheld` tells a reader (and `rehydrate`)
    whether the article text is in the files.
    """
    manifest = {
        "name": "tsr-news",
        "version": tsr_news.__version__,
        "text_withheld": text_withheld,
        "source": source,
        "tools": {
            "python": platform.python_version(),
            "datasets": datasets.__version__,
            "pyarrow": pyarrow.__version__,
        },
        "documents": statistics.documents,
        "agreement": statistics.agreement_summary,
        "content_digest": {"algorithm": digest.algorithm, "sha256": digest.hexdigest()},
        "files": [
            {
                "path": name,
                "sha256": sha256_file(release / name),
                "bytes": (release / name).stat().st_size,
                **({"rows": rows[name]} if name in rows else {}),
            }
            for name in files_of(release)
        ],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (release / MANIFEST).write_text(text, encoding="utf-8")


def write_sha256sums(release: Path) -> None:
    """SHA256SUMS in `sha256sum` format (text mode, two spaces), over every other file."""
    lines = [f"{sha256_file(release / name)}  {name}\n" for name in files_of(release)]
    (release / SHA256SUMS).write_text("".join(lines), encoding="utf-8")
