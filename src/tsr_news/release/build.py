"""The build: a valid corpus in, `build/tsr-news-X.Y.Z/` out, atomically and reproducibly.

One pass over the corpus after validation: each document (doc_id order, one in memory at a
time) feeds its rows to the Parquet file of every config for its split, the content digest
and the statistics. Then the card, the Croissant file, the manifest and SHA256SUMS are
written from what the pass recorded. Everything goes into a temporary directory that replaces
the previous release by rename only when complete (`atomic`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from tsr_news import __version__
from tsr_news.datasheet import DATASHEET, Statistics
from tsr_news.loader import Corpus
from tsr_news.problems import Problem
from tsr_news.release import croissant
from tsr_news.release.atomic import replace_directory
from tsr_news.release.card import write_card
from tsr_news.release.features import CONFIGS, features
from tsr_news.release.manifest import ContentDigest, write_manifest, write_sha256sums
from tsr_news.release.parquet import ParquetFile, shard_name
from tsr_news.release.rows import rows
from tsr_news.schemas import taxonomy
from tsr_news.validate import validate

# Test hook: seconds to sleep after each Parquet file is complete, so a test can kill the
# build mid-way and check that the previous release survives.
PAUSE_ENV = "TSR_NEWS_BUILD_PAUSE_AFTER_PARQUET"


class InvalidCorpus(Exception):
    """The corpus did not validate; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Release:
    path: Path
    documents: int
    rows: dict[str, int]  # data file (relative path) -> rows


def release_name() -> str:
    return f"tsr-news-{__version__}"


def build(root: Path, out: Path) -> Release:
    """Validate the corpus at `root`, then compile it to `out/tsr-news-X.Y.Z/`."""
    report = validate(root)
    if not report.valid:
        raise InvalidCorpus(report.problems)
    if not report.documents:
        raise InvalidCorpus([Problem("raw", None, "", "empty-corpus", "no documents to release")])
    target = out / release_name()
    with replace_directory(target) as tmp:
        digest, files, statistics = _write_data(Corpus(root), tmp)
        data_rows = {_rel(f.path, tmp): f.rows for f in files.values()}
        splits = {
            config: {
                split: {
                    "path": _rel(f.path, tmp),
                    "num_examples": f.rows,
                    "num_bytes": f.num_bytes,
                    "download_size": f.path.stat().st_size,
                }
                for split in taxonomy()["split"].values
                if (f := files.get((config, split)))
            }
            for config in CONFIGS
            if any(c == config for c, _ in files)
        }
        write_card(tmp, splits, statistics, root / DATASHEET)
        croissant.write(tmp, splits)
        write_manifest(tmp, root, digest, data_rows, statistics.documents)
        write_sha256sums(tmp)
    return Release(target, statistics.documents, data_rows)


def _rel(path: Path, release: Path) -> str:
    return path.relative_to(release).as_posix()


def _write_data(
    corpus: Corpus, release: Path
) -> tuple[ContentDigest, dict[tuple[str, str], ParquetFile], Statistics]:
    """Stream every document into the Parquet files, keyed (config, split); close them all.

    A file is opened at its first row: `datasets` cannot load a split without rows, so a
    split or config with no rows yet (no gold annotations) is left out.
    """
    digest, statistics = ContentDigest(), Statistics()
    files: dict[tuple[str, str], ParquetFile] = {}
    for loaded in corpus.documents():
        document = loaded.document
        split = document.meta.split
        for config in CONFIGS:
            for row in rows(document, config):
                if (config, split) not in files:
                    path = release / "data" / config / shard_name(split)
                    files[config, split] = ParquetFile(path, features(config))
                files[config, split].add(row)
        digest.add(document)
        statistics.add(document)
    for key in sorted(files):
        files[key].close()
        _pause_for_tests()
    return digest, files, statistics


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))
