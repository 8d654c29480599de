"""The build: a valid corpus in, `build/tsr-news-X.Y.Z/` out, atomically and reproducibly.

`build` validates the corpus and hands its documents to `write_release`, the one writer of
releases (`rehydrate` feeds it documents rebuilt from a text-withheld release, so both give
the same bytes for the same corpus). One pass over the documents (doc_id order, one in memory
at a time) feeds each one's rows to the Parquet file of every config for its split, the
content digest and the statistics. Then the card, the Croissant file, the manifest and
SHA256SUMS are written from what the pass recorded. Everything goes into a temporary
directory that replaces the previous release by rename only when complete (`atomic`).

With `withhold_text`, the rows are written without the article text (`withhold`) to
`tsr-news-X.Y.Z-withheld/`, and the manifest and card say so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tsr_news import __version__
from tsr_news.datasheet import DATASHEET, Statistics
from tsr_news.loader import Corpus
from tsr_news.model import Document
from tsr_news.problems import Problem
from tsr_news.release import croissant
from tsr_news.release.atomic import replace_directory
from tsr_news.release.card import DEFAULT_SHEET, write_card
from tsr_news.release.features import CONFIGS, features
from tsr_news.release.manifest import ContentDigest, source_of, write_manifest, write_sha256sums
from tsr_news.release.parquet import ParquetFile, shard_name
from tsr_news.release.rows import rows
from tsr_news.release.withhold import withhold
from tsr_news.schemas import taxonomy
from tsr_news.validate import validate

# Test hook: seconds to sleep after each Parquet file is complete, so a test can kill the
# build mid-way and check that the previous release survives.
PAUSE_ENV = "TSR_NEWS_BUILD_PAUSE_AFTER_PARQUET"
WITHHELD_SUFFIX = "-withheld"


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


@dataclass(frozen=True)
class Provenance:
    """What a release says about its origin that the documents do not: the corpus's git
    commit (manifest `source`), the datasheet prose of the card, and the inter-annotator
    agreement (computed from annotator layers, which a release does not carry). `build` reads
    them from the corpus root (agreement None: measured while writing); `rehydrate` from the
    withheld release, which has no corpus root."""

    source: dict | None
    datasheet: str
    agreement: dict | None = None


def release_name(withheld: bool = False) -> str:
    """`tsr-news-X.Y.Z`, or `tsr-news-X.Y.Z-withheld` without the text: `datasets` caches a
    local dataset by its folder name, so the two kinds must never share one."""
    return f"tsr-news-{__version__}{WITHHELD_SUFFIX if withheld else ''}"


def build(root: Path, out: Path, withhold_text: bool = False) -> Release:
    """Validate the corpus at `root`, then compile it to `out/tsr-news-X.Y.Z[-withheld]/`."""
    report = validate(root)
    if not report.valid:
        raise InvalidCorpus(report.problems)
    if not report.documents:
        raise InvalidCorpus([Problem("raw", None, "", "empty-corpus", "no documents to release")])
    datasheet = root / DATASHEET
    provenance = Provenance(
        source=source_of(root),
        datasheet=datasheet.read_text(encoding="utf-8") if datasheet.is_file() else DEFAULT_SHEET,
    )
    documents = (loaded.document for loaded in Corpus(root).documents())
    return write_release(documents, provenance, out, withhold_text)


def write_release(
    documents: Iterable[Document], provenance: Provenance, out: Path, withhold_text: bool
) -> Release:
    """Write `documents` (valid, in doc_id order) as the release `out/<release_name>/`."""
    target = out / release_name(withhold_text)
    with replace_directory(target) as tmp:
        digest, files, statistics = _write_data(documents, tmp, withhold_text)
        if provenance.agreement is not None:
            statistics.agreement_summary = provenance.agreement
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
        write_card(tmp, splits, statistics, provenance.datasheet, withhold_text)
        croissant.write(tmp, splits)
        write_manifest(tmp, provenance.source, digest, data_rows, statistics, withhold_text)
        write_sha256sums(tmp)
    return Release(target, statistics.documents, data_rows)


def _rel(path: Path, release: Path) -> str:
    return path.relative_to(release).as_posix()


def _write_data(
    documents: Iterable[Document], release: Path, withhold_text: bool
) -> tuple[ContentDigest, dict[tuple[str, str], ParquetFile], Statistics]:
    """Stream every document into the Parquet files, keyed (config, split); close them all.

    A file is opened at its first row: `datasets` cannot load a split without rows, so a
    split or config with no rows yet (no gold annotations) is left out. The content digest is
    of the full rows, text included, even when the text is withheld: it identifies the corpus,
    and lets `rehydrate` prove it restored exactly that.
    """
    digest, statistics = ContentDigest(), Statistics()
    files: dict[tuple[str, str], ParquetFile] = {}
    for document in documents:
        split = document.meta.split
        for config in CONFIGS:
            for row in rows(document, config):
                if config == "documents":
                    digest.add(row)
                if (config, split) not in files:
                    path = release / "data" / config / shard_name(split)
                    files[config, split] = ParquetFile(path, features(config))
                files[config, split].add(withhold(row, config) if withhold_text else row)
        statistics.add(document)
    for key in sorted(files):
        files[key].close()
        _pause_for_tests()
    return digest, files, statistics


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))
