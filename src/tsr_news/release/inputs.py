"""Whether a release is current: one digest of everything a build reads.

A build records the digest of its inputs next to the release (`build/.tsr-news-X.Y.Z.inputs`,
outside the release so its bytes stay those of any build of the same corpus). A later build
whose inputs have the same digest does nothing: rewriting identical Parquet files is the
slowest part of a build. The inputs are the bytes of every corpus file the build reads, the
schemas, the datasheet, the tool's own code and version, the versions of the libraries that
shape the bytes, the git source recorded in the manifest, and `--withhold-text`. A corpus
whose inventory has problems (a stray file, a missing text) is never current: it must be
checked, and refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import datasets
import pyarrow

import tsr_news
from tsr_news import atomic
from tsr_news.loader import Corpus
from tsr_news.release.manifest import MANIFEST
from tsr_news.schemas import schema_dir


def input_digest(corpus: Corpus, settings: dict) -> str | None:
    """The sha256 of the build's inputs (`settings`: the options and provenance that shape
    the release); None when the corpus cannot be current (its inventory has problems)."""
    if corpus.inventory.problems:
        return None
    digest = hashlib.sha256()
    facts = {
        "tsr-news": tsr_news.__version__,
        "pyarrow": pyarrow.__version__,
        "datasets": datasets.__version__,
        **settings,
    }
    digest.update(json.dumps(facts, sort_keys=True, default=str).encode() + b"\n")
    package = Path(tsr_news.__file__).parent
    named_files = [
        *((f"code/{p.relative_to(package).as_posix()}", p) for p in package.rglob("*.py")),
        *((f"schema/{p.name}", p) for p in schema_dir().glob("*.json")),
        *((name, corpus.root / name) for name in _corpus_files(corpus)),
    ]
    for name, path in sorted(named_files):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _corpus_files(corpus: Corpus) -> list[str]:
    inventory, layout = corpus.inventory, corpus.layout
    names = [layout.text_name(d) for d in inventory.texts]
    names += [layout.meta_name(d) for d in inventory.metas]
    names += [layout.gold_name(d) for d in inventory.gold]
    names += [layout.layer_name(a, d) for a, ids in inventory.layers.items() for d in ids]
    return names


def stamp_path(release: Path) -> Path:
    return release.parent / f".{release.name}.inputs"


def release_inputs(release: Path) -> str | None:
    """The input digest the release at `release` was built from, if it is there whole."""
    stamp = stamp_path(release)
    if not (release / MANIFEST).is_file() or not stamp.is_file():
        return None
    return stamp.read_text(encoding="utf-8").strip()


def record_inputs(release: Path, digest: str | None) -> None:
    """Record (after the release is in place) the digest it was built from."""
    if digest is not None:
        atomic.write_text(stamp_path(release), digest + "\n")
