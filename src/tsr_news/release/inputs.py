"""Whether a release is current: what its build read, recorded so that the next build can tell
without reading it all again.

Next to the release (`build/.tsr-news-X.Y.Z.inputs`, outside it, so that the release's bytes
stay those of any build of the same corpus), a build records:
- the digest of its settings: the tool's code and version, the versions of the libraries that
  shape the bytes, the schemas, and what the caller says shapes the release
  (`--withhold-text`, the datasheet, the git source recorded in the manifest);
- the fingerprint of every corpus file it read (`fingerprints`), taken by the worker that read
  it, in the order read.

A later build with the same settings, whose corpus lists the same files, each unchanged (by
`stat`, or by its bytes' sha256 when its stat changed), does nothing: rewriting identical
Parquet files is the slowest part of a build, and checking costs a `stat` per file. A corpus
whose inventory has problems (a stray file, a missing text) is never current: it must be
checked, and refused. The record is written while the build runs and put in place only after
the release; a build removes the previous record before it starts, so a release is never
paired with another build's record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from itertools import zip_longest
from pathlib import Path

import datasets
import pyarrow

import tsr_news
from tsr_news.common import atomic
from tsr_news.corpus import fingerprints
from tsr_news.corpus.fingerprints import Fingerprint
from tsr_news.corpus.loader import Corpus
from tsr_news.release.manifest import MANIFEST
from tsr_news.scheme.schemas import schema_dir

HEADER = "tsr-news build inputs, format 2\n"


def settings_digest(settings: dict) -> str:
    """The sha256 of what shapes a release besides the corpus files: the tool, its libraries,
    the schemas, and `settings` (the options and provenance of the build)."""
    digest = hashlib.sha256()
    facts = {
        "tsr-news": tsr_news.__version__,
        "pyarrow": pyarrow.__version__,
        "datasets": datasets.__version__,
        "mlcroissant": version("mlcroissant"),
        "huggingface_hub": version("huggingface_hub"),
        **settings,
    }
    digest.update(json.dumps(facts, sort_keys=True, default=str).encode() + b"\n")
    package = Path(tsr_news.__file__).parent
    named_files = [
        *((f"code/{p.relative_to(package).as_posix()}", p) for p in package.rglob("*.py")),
        *((f"schema/{p.name}", p) for p in schema_dir().glob("*.json")),
    ]
    for name, path in sorted(named_files):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def stamp_path(release: Path) -> Path:
    return release.parent / f".{release.name}.inputs"


def is_current(release: Path, corpus: Corpus, settings: str) -> bool:
    """Whether the release at `release` (whole) was built with `settings` (`settings_digest`)
    from the corpus files as they are now."""
    inventory = corpus.inventory
    if inventory.problems or not (release / MANIFEST).is_file():
        return False
    root = str(corpus.root)
    expected = (name for doc_id in inventory.doc_ids for name in inventory.files_of(doc_id))
    try:
        with open(stamp_path(release), encoding="utf-8") as stamp:
            if stamp.readline() != HEADER or stamp.readline() != settings + "\n":
                return False
            for name, line in zip_longest(expected, stamp):
                if name is None or line is None:
                    return False
                fingerprint = _parse(line)
                if fingerprint.name != name or not fingerprints.unchanged(root, fingerprint):
                    return False
    except (OSError, ValueError):  # no record, or not one this version wrote
        return False
    return True


@contextmanager
def recording(release: Path, settings: str) -> Iterator[Callable[[Iterable[Fingerprint]], None]]:
    """A function to give the fingerprints of the files read, in the order read, while the
    release is being built in the block. The record is in place when the block ends (after
    the release), and dropped if it raises; any earlier record is removed at once, with what
    killed builds left of theirs."""
    stamp = stamp_path(release)
    stamp.unlink(missing_ok=True)
    atomic.remove_abandoned(stamp)
    with atomic.replacing(stamp) as out:
        out.write(f"{HEADER}{settings}\n".encode())

        def record(read: Iterable[Fingerprint]) -> None:
            out.write(b"".join(_line(fingerprint) for fingerprint in read))

        yield record


def _line(fingerprint: Fingerprint) -> bytes:
    identity = " ".join(map(str, fingerprint.identity)) if fingerprint.identity else "-"
    return f"{fingerprint.name}\t{fingerprint.sha256}\t{identity}\n".encode()


def _parse(line: str) -> Fingerprint:
    name, sha256, identity = line.rstrip("\n").split("\t")
    if identity == "-":
        return Fingerprint(name, sha256, None)
    size, mtime, ctime, inode = map(int, identity.split(" "))
    return Fingerprint(name, sha256, (size, mtime, ctime, inode))
