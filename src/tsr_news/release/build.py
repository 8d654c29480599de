"""The build: a valid corpus in, `build/tsr-news-X.Y.Z/` out, atomically and reproducibly.

`build` makes one pass over the corpus: in worker processes (`Corpus.map_batches`, `--jobs`),
each chunk of documents is read, checked and turned into its release rows as Arrow tables
(`part.release_batch`), and the batches come back in doc_id order to `write_release`, the one
writer of releases (`rehydrate` feeds it documents rebuilt from a text-withheld release, so
both give the same bytes for the same corpus). The writer streams each batch's tables into
the Parquet shards of their config and split (`parquet`: shards of whole batches, at most
`max_shard_bytes` each), and adds the batch to the content digest and the statistics. Then
the card, the Croissant file, the manifest and SHA256SUMS are written from what the pass
recorded. Everything goes into a temporary directory that replaces the previous release by
rename only when complete (`atomic`); a document with problems stops the writing, the pass
goes on to report every problem, and the temporary directory is dropped. Memory is bounded:
one row group per open file, and a few chunks of documents in flight between processes.

A release built with the same settings from corpus files that have not changed since is
current: `build` says so and does nothing. To tell, each build records what it read, as the
workers read it (`inputs`), so the corpus is read once per build, and a current one not at all.

With `withhold_text`, the rows are written without the article text (`withhold`) to
`tsr-news-X.Y.Z-withheld/`, and the manifest and card say so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from tsr_news import __version__
from tsr_news.checks.jsonfile import utf8_problem
from tsr_news.checks.problems import Problem
from tsr_news.common.atomic import removed_if_left_empty, replace_directory
from tsr_news.common.files import output_dir, output_lock, read_regular
from tsr_news.corpus.fingerprints import Fingerprint
from tsr_news.corpus.loader import Corpus
from tsr_news.release import croissant, inputs, part
from tsr_news.release.card import DEFAULT_SHEET, write_card
from tsr_news.release.datasheet import DATASHEET, Statistics
from tsr_news.release.digest import ContentDigest
from tsr_news.release.features import features, row_schemas
from tsr_news.release.manifest import (
    MANIFEST,
    Provenance,
    read_manifest,
    source_of,
    write_manifest,
    write_sha256sums,
)
from tsr_news.release.parquet import MAX_SHARD_BYTES, ShardedFile
from tsr_news.release.part import ReleaseBatch, checked_batch
from tsr_news.release.rows import CONFIGS
from tsr_news.release.settings import read_settings
from tsr_news.scheme.schemas import taxonomy

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
    current: bool = False  # the release was already built from these very inputs


def release_name(withheld: bool = False) -> str:
    """`tsr-news-X.Y.Z`, or `tsr-news-X.Y.Z-withheld` without the text: `datasets` caches a
    local dataset by its folder name, so the two kinds must never share one."""
    return f"tsr-news-{__version__}{WITHHELD_SUFFIX if withheld else ''}"


def build(
    root: Path,
    out: Path,
    withhold_text: bool = False,
    jobs: int = 1,
    max_shard_bytes: int = MAX_SHARD_BYTES,
) -> Release:
    """Check the corpus at `root` and compile it to `out/tsr-news-X.Y.Z[-withheld]/`, in one
    pass on `jobs` processes (the bytes are the same for any number), in Parquet shards of at
    most `max_shard_bytes` of Arrow data (`parquet`). Raises InvalidCorpus,
    with every problem, and writes nothing if the corpus is invalid; BadSettings if its
    release settings (`settings`) cannot be used."""
    corpus = Corpus(root, record_fingerprints=True)
    provenance = Provenance(
        source=source_of(root),
        datasheet=_datasheet(root),
        fallback_layers=read_settings(root).fallback_layers,
        max_shard_bytes=max_shard_bytes,
    )
    target = out / release_name(withhold_text)
    settings = inputs.settings_digest({"withhold_text": withhold_text, **asdict(provenance)})
    with output_lock(output_dir(out)):
        if inputs.is_current(target, corpus, settings):
            return _recorded(target)
        with removed_if_left_empty(out), inputs.recording(target, settings) as record:
            batches = _checked_batches(corpus, record, withhold_text, provenance, jobs)
            return write_release(batches, provenance, out, withhold_text)


def _datasheet(root: Path) -> str:
    """The datasheet's text (the card's body); InvalidCorpus if it is not UTF-8."""
    path = root / DATASHEET
    if not path.is_file():
        return DEFAULT_SHEET
    data = read_regular(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidCorpus([utf8_problem(DATASHEET, data, error)]) from None


def _checked_batches(
    corpus: Corpus,
    record: Callable[[list[Fingerprint]], None],
    withhold_text: bool,
    provenance: Provenance,
    jobs: int,
) -> Iterator[ReleaseBatch]:
    """The release batches of the corpus's documents, recording what was read; InvalidCorpus,
    with every problem, at the end of the pass if any document has one."""
    problems: list[Problem] = []
    work = partial(
        checked_batch,
        schemas=row_schemas(),
        withhold_text=withhold_text,
        fallback_layers=provenance.fallback_layers,
    )
    for found, batch, read in corpus.map_batches(work, jobs=jobs, size=part.BATCH_DOCUMENTS):
        problems.extend(found)
        record(read)
        if batch is not None and not problems:
            yield batch
    problems.extend(corpus.corpus_problems())
    if not problems and not corpus.inventory.doc_ids:
        problems.append(Problem("raw", None, "", "empty-corpus", "no documents to release"))
    if problems:
        raise InvalidCorpus(sorted(problems, key=Problem.sort_key))


def _recorded(release: Path) -> Release:
    """A current release, as its manifest describes it."""
    manifest = read_manifest(release / MANIFEST)
    rows = {f["path"]: f["rows"] for f in manifest["files"] if "rows" in f}
    return Release(release, manifest["documents"], rows, current=True)


def write_release(
    batches: Iterable[ReleaseBatch], provenance: Provenance, out: Path, withhold_text: bool
) -> Release:
    """Write `batches` (of valid documents, in doc_id order) as the release
    `out/<release_name>/`."""
    target = out / release_name(withhold_text)
    with replace_directory(target) as tmp:
        digest, files, statistics = _write_data(batches, tmp, provenance.max_shard_bytes)
        if provenance.agreement is not None:
            statistics.agreement_summary = provenance.agreement
        data_rows = {
            _rel(shard.path, tmp): shard.rows for f in files.values() for shard in f.shards
        }
        splits = {
            config: {
                split: {
                    "paths": [_rel(shard.path, tmp) for shard in f.shards],
                    "num_examples": f.rows,
                    "num_bytes": f.num_bytes,
                    "download_size": sum(shard.path.stat().st_size for shard in f.shards),
                }
                for split in taxonomy()["split"].values
                if (f := files.get((config, split)))
            }
            for config in CONFIGS
            if any(c == config for c, _ in files)
        }
        write_card(tmp, splits, statistics, provenance.datasheet, withhold_text)
        croissant.write(tmp, splits, statistics, provenance.datasheet, withhold_text)
        write_manifest(tmp, provenance, digest, data_rows, statistics, withhold_text)
        write_sha256sums(tmp)
    return Release(target, statistics.documents, data_rows)


def _rel(path: Path, release: Path) -> str:
    return path.relative_to(release).as_posix()


def _write_data(
    batches: Iterable[ReleaseBatch], release: Path, max_shard_bytes: int
) -> tuple[ContentDigest, dict[tuple[str, str], ShardedFile], Statistics]:
    """Stream every batch's rows into the Parquet shards, keyed (config, split); close them.

    A file is opened at its first row: `datasets` cannot load a split without rows, so a
    split or config with no rows yet (no gold annotations) is left out. The content digest is
    of the full rows, text included, even when the text is withheld: it identifies the corpus,
    and lets `rehydrate` prove it restored exactly that.
    """
    digest, statistics = ContentDigest(), Statistics()
    files: dict[tuple[str, str], ShardedFile] = {}
    for batch in batches:
        for (config, split), table in batch.tables.items():
            if (config, split) not in files:
                folder = release / "data" / config
                files[config, split] = ShardedFile(folder, split, features(config), max_shard_bytes)
            files[config, split].add(table, batch.sizes[config, split])
        digest.add_lines(batch.digest_lines)
        statistics.merge(batch.statistics)
    for key in sorted(files):
        files[key].close()
        _pause_for_tests()
    return digest, files, statistics


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))
