"""What a release holds and where it came from: manifest.json and SHA256SUMS.

The manifest records the content digest (`digest`): it covers exactly what a release
carries, so two releases with the same digest hold the same data, and a text-withheld
release (`text_withheld: true`) carries the digest of the full content, against which the
release rehydrated from it is checked.
"""

from __future__ import annotations

import json
import platform
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import datasets
import pyarrow
from pyarrow.lib import ArrowException

import tsr_news
from tsr_news.checks.jsonfile import Unreadable, read_json
from tsr_news.common.files import sha256_file
from tsr_news.release.datasheet import Statistics
from tsr_news.release.digest import ContentDigest
from tsr_news.release.layers import RULE as RELEASE_LAYER_RULE
from tsr_news.release.parquet import MAX_SHARD_BYTES
from tsr_news.release.ranges import DOCUMENTS_PER_RANGE

MANIFEST = "manifest.json"
SHA256SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class Provenance:
    """What a release says about its origin that the documents do not: the corpus's git
    commit (manifest `source`), the datasheet prose of the card, and the inter-annotator
    agreement (computed from annotator layers, which a release does not carry). `build` reads
    them from the corpus root (agreement None: measured while writing); `rehydrate` from the
    withheld release, which has no corpus root."""

    source: dict | None
    datasheet: str
    # the release settings' fallback layers (`layers.release_layer`), recorded in the manifest
    fallback_layers: tuple[str, ...] = ()
    agreement: dict | None = None
    # the largest shard, in bytes of Arrow data (`parquet`); the manifest records it, so a
    # rehydrated release is cut into the same shards
    max_shard_bytes: int = MAX_SHARD_BYTES
    # the most documents in a range (`ranges`), recorded likewise
    documents_per_range: int = DOCUMENTS_PER_RANGE


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


class DamagedRelease(Exception):
    """A release's files are not what `build` writes: refused, in one line."""


@contextmanager
def untrusted(release: Path) -> Iterator[None]:
    """Read a release in the block as the untrusted input it is (`diff` and `rehydrate` read
    releases others built, or changed): whatever its files make the readers raise (a manifest
    without a key, a value of another type, a Parquet file that is not one, a feature that is
    not a feature, a ClassLabel id out of range) is a DamagedRelease naming the release, not a
    traceback. The file system's own errors (an OSError with an errno) are left to be
    reported as such; Arrow's OSErrors about a file's content have none."""
    try:
        yield
    except DamagedRelease:
        raise
    except Unreadable as refused:
        raise DamagedRelease(str(refused)) from None
    except OSError as error:
        if error.errno is not None:
            raise
        raise DamagedRelease(
            f"{release}: a file is not what tsr-news writes ({_first_line(error)})"
        ) from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, ArrowException) as error:
        what = _first_line(f"{type(error).__name__}: {error}")
        raise DamagedRelease(
            f"{release}: not a release as tsr-news writes it ({what}); build it again"
        ) from None


def _first_line(error: object) -> str:
    return (str(error).strip().splitlines() or [""])[0]


def read_manifest(path: Path) -> dict:
    """A release's manifest, read as every JSON file the tools accept is (`read_json`: its
    agreement figures are fractions); raises `jsonfile.Unreadable` if refused."""
    return read_json(str(path), path.read_bytes(), integers_only=False)


def write_manifest(
    release: Path,
    provenance: Provenance,
    digest: ContentDigest,
    rows: dict[str, int],
    statistics: Statistics,
    text_withheld: bool,
    hashes: dict[str, str],
) -> None:
    """manifest.json: version, source, tools, content digest and every other file's facts.
    `hashes` maps a file's relative path to its sha256, known or, once hashed here, added.

    `provenance.source` is `source_of(root)` for the corpus the documents came from, and its
    `fallback_layers` the release settings the layers were chosen by; `rows` maps a data
    file's relative path to its row count; `text_withheld` tells a reader (and `rehydrate`)
    whether the article text is in the files.
    """
    manifest = {
        "name": "tsr-news",
        "version": tsr_news.__version__,
        "text_withheld": text_withheld,
        "source": provenance.source,
        "release_layers": {
            "rule": RELEASE_LAYER_RULE,
            "fallback_layers": list(provenance.fallback_layers),
        },
        "max_shard_bytes": provenance.max_shard_bytes,
        "documents_per_range": provenance.documents_per_range,
        "tools": {
            "python": platform.python_version(),
            "datasets": datasets.__version__,
            "pyarrow": pyarrow.__version__,
            "mlcroissant": version("mlcroissant"),
            "huggingface_hub": version("huggingface_hub"),
        },
        "documents": statistics.documents,
        "agreement": statistics.agreement_summary,
        "content_digest": {"algorithm": digest.algorithm, "sha256": digest.hexdigest()},
        "files": [
            {
                "path": name,
                "sha256": _sha256(release, name, hashes),
                "bytes": (release / name).stat().st_size,
                **({"rows": rows[name]} if name in rows else {}),
            }
            for name in files_of(release)
        ],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (release / MANIFEST).write_text(text, encoding="utf-8")


def write_sha256sums(release: Path, hashes: dict[str, str]) -> None:
    """SHA256SUMS in `sha256sum` format (text mode, two spaces), over every other file (their
    sha256 taken from `hashes` where known)."""
    lines = [f"{_sha256(release, name, hashes)}  {name}\n" for name in files_of(release)]
    (release / SHA256SUMS).write_text("".join(lines), encoding="utf-8")


def _sha256(release: Path, name: str, hashes: dict[str, str]) -> str:
    """The sha256 of the release's file `name`: the one known (the data files' were taken as
    their writers closed them), else hashed now and noted."""
    if name not in hashes:
        hashes[name] = sha256_file(release / name)
    return hashes[name]
