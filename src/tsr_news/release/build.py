"""The build: a valid corpus in, `build/tsr-news-X.Y.Z/` out, atomically and reproducibly.

The corpus's documents are cut into ranges (`ranges`: fixed by their ids), and `build` makes
one pass over them: in worker processes (`Corpus.map_ranges`, `--jobs`), each range's
documents are read, checked and written as the range's own Parquet shards (`part`), in a
temporary directory, and each range sends back what the rest of the release needs of it: its
shards' facts, its documents' content digests and its statistics (`ranges.RangeOutput`). A
range whose files have not changed since the last build is not read at all: its shards are
linked from the previous release and its output taken from that build's record (`inputs`).
Then the writer (`write_release`, which `rehydrate` shares, so both give the same bytes)
names the shards in doc_id order, combines the digests and the statistics, and writes the
card, the Croissant file, the manifest and SHA256SUMS. The temporary directory replaces the
previous release by rename only when complete (`atomic`); a document with problems stops
its range's writing, the pass goes on to report every problem, and the temporary directory
is dropped. Memory is bounded: one row group per open file in each worker, a few ranges in
flight.

A release built with the same settings from corpus files that have not changed since is
current: `build` says so and does nothing.

With `withhold_text`, the rows are written without the article text (`withhold`) to
`tsr-news-X.Y.Z-withheld/`, and the manifest and card say so.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path

from tsr_news import __version__
from tsr_news.checks.jsonfile import utf8_problem
from tsr_news.checks.problems import Problem
from tsr_news.common.atomic import removed_if_left_empty, replace_directory
from tsr_news.common.files import output_dir, output_lock, read_regular
from tsr_news.corpus.loader import Corpus, Engine
from tsr_news.release import croissant, inputs, part
from tsr_news.release.card import DEFAULT_SHEET, write_card
from tsr_news.release.datasheet import DATASHEET, Statistics
from tsr_news.release.digest import ContentDigest
from tsr_news.release.features import file_schemas, row_schemas
from tsr_news.release.manifest import (
    MANIFEST,
    Provenance,
    read_manifest,
    source_of,
    write_manifest,
    write_sha256sums,
)
from tsr_news.release.parquet import MAX_SHARD_BYTES, name_shards, unnamed_shard
from tsr_news.release.part import OutputSettings, checked_range
from tsr_news.release.ranges import DOCUMENTS_PER_RANGE, RangeOutput, cut
from tsr_news.release.rows import CONFIGS
from tsr_news.release.settings import read_settings
from tsr_news.scheme.schemas import taxonomy

# Test hook: seconds to sleep after each Parquet file is named, so a test can kill the build
# mid-way and check that the previous release survives.
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
    ranges: int = 0  # document ranges (`ranges`)
    reused: int = 0  # of them, unchanged since the last build and taken from it


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
    documents_per_range: int = DOCUMENTS_PER_RANGE,
    engine: Engine | None = None,
) -> Release:
    """Check the corpus at `root` and compile it to `out/tsr-news-X.Y.Z[-withheld]/`, in one
    pass on `jobs` processes, or `jobs` workers of `engine` (`corpus.ray_engine`; the bytes
    are the same for any number and either engine), in ranges of at most
    `documents_per_range` documents (`ranges`) and Parquet shards of at most
    `max_shard_bytes` of Arrow data (`parquet`). Raises InvalidCorpus, with every problem,
    and writes nothing if the corpus is invalid; BadSettings if its release settings
    (`settings`) cannot be used."""
    corpus = Corpus(root, record_fingerprints=True)
    provenance = Provenance(
        source=source_of(root),
        datasheet=_datasheet(root),
        fallback_layers=read_settings(root).fallback_layers,
        max_shard_bytes=max_shard_bytes,
        documents_per_range=documents_per_range,
    )
    target = out / release_name(withhold_text)
    settings = inputs.settings_digest({"withhold_text": withhold_text, **asdict(provenance)})
    with output_lock(output_dir(out)):
        plan = list(cut(corpus.inventory.doc_ids, documents_per_range))
        previous = inputs.Previous(target, corpus, settings)
        if previous.current(plan):
            return _recorded(target)
        previous.forget()
        output = output_settings(withhold_text, provenance)
        produce = partial(_range_outputs, corpus, plan, previous, output, jobs, engine)
        with removed_if_left_empty(out):
            release, outputs = _write_release(produce, provenance, out, withhold_text)
        inputs.record(release.path, settings, outputs)
        reused = sum(previous.reusable(doc_ids) is not None for doc_ids in plan)
        return replace(release, ranges=len(plan), reused=reused)


def output_settings(withhold_text: bool, provenance: Provenance) -> OutputSettings:
    """What shapes every range's files besides its documents (`part.OutputSettings`)."""
    return OutputSettings(
        row_schemas(),
        file_schemas(),
        withhold_text,
        provenance.fallback_layers,
        provenance.max_shard_bytes,
        part.BATCH_DOCUMENTS,
    )


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


def _range_outputs(
    corpus: Corpus,
    plan: list[list[str]],
    previous: inputs.Previous,
    settings: OutputSettings,
    jobs: int,
    engine: Engine | None,
    release: Path,
) -> list[RangeOutput]:
    """Every range's output, its shards in the temporary release directory `release`: a
    reusable range's linked from the previous release, the others written by workers.
    InvalidCorpus, with every problem, at the end of the pass if any document has one."""
    reused = [previous.reusable(doc_ids) for doc_ids in plan]
    todo = [doc_ids for doc_ids, old in zip(plan, reused, strict=True) if old is None]
    built = corpus.map_ranges(
        partial(checked_range, release=release, settings=settings), todo, jobs, engine
    )
    problems: list[Problem] = []
    outputs = []
    for old in reused:
        if old is None:
            found, output = next(built)
            problems.extend(found)
        else:
            corpus.learn_splits(old.learned())
            output = None if problems else _relinked(old, previous.release, release, corpus)
        if output is not None and not problems:
            outputs.append(output)
    problems.extend(corpus.corpus_problems())
    if not problems and not plan:
        problems.append(Problem("raw", None, "", "empty-corpus", "no documents to release"))
    if problems:
        raise InvalidCorpus(sorted(problems, key=Problem.sort_key))
    return outputs


def _relinked(old: RangeOutput, previous: Path, release: Path, corpus: Corpus) -> RangeOutput:
    """The recorded output `old` of an unchanged range, its shards linked from the
    `previous` release into `release` under the names its workers would have given them, and
    its agreement documents loaded (the tally compares them as documents)."""
    shards, index = [], defaultdict(int)
    for shard in old.shards:
        stem = f"{shard.split}.{old.doc_ids[0]}"
        path = unnamed_shard(release / "data" / shard.config, stem, index[shard.config, stem])
        index[shard.config, stem] += 1
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous / shard.path, path)
        except OSError:  # a file system without hard links
            shutil.copyfile(previous / shard.path, path)
        shards.append(replace(shard, path=path.relative_to(release).as_posix(), identity=None))
    statistics = old.statistics
    if statistics.agreement_documents:
        loaded = corpus.valid_loaded(statistics.agreement_documents)
        statistics.agreement.multi = [document.document for document in loaded]
    return replace(old, shards=shards)


def _recorded(release: Path) -> Release:
    """A current release, as its manifest describes it."""
    manifest = read_manifest(release / MANIFEST)
    rows = {f["path"]: f["rows"] for f in manifest["files"] if "rows" in f}
    return Release(release, manifest["documents"], rows, current=True)


def write_release(
    produce: Callable[[Path], list[RangeOutput]],
    provenance: Provenance,
    out: Path,
    withhold_text: bool,
) -> Release:
    """Write the release `out/<release_name>/` of the ranges `produce(directory)` writes into
    the temporary release directory (in doc_id order; it raises to abort the write)."""
    return _write_release(produce, provenance, out, withhold_text)[0]


def _write_release(
    produce: Callable[[Path], list[RangeOutput]],
    provenance: Provenance,
    out: Path,
    withhold_text: bool,
) -> tuple[Release, list[RangeOutput]]:
    target = out / release_name(withhold_text)
    with replace_directory(target) as tmp:
        outputs = produce(tmp)
        digest, statistics = ContentDigest(), Statistics()
        for output in outputs:
            digest.add(output.digests)
            statistics.merge(output.statistics)
        if provenance.agreement is not None:
            statistics.agreement_summary = provenance.agreement
        files = _named(outputs, tmp)
        splits = {
            config: {
                split: {
                    "paths": [shard.path for shard in shards],
                    "num_examples": sum(shard.rows for shard in shards),
                    "num_bytes": sum(shard.num_bytes for shard in shards),
                    "download_size": sum(shard.size for shard in shards),
                }
                for split in taxonomy()["split"].values
                if (shards := files.get((config, split)))
            }
            for config in CONFIGS
            if any(c == config for c, _ in files)
        }
        data = [shard for shards in files.values() for shard in shards]
        hashes = {shard.path: shard.sha256 for shard in data}
        write_card(tmp, splits, statistics, provenance.datasheet, withhold_text)
        croissant.write(tmp, splits, statistics, provenance.datasheet, withhold_text, hashes)
        rows = {shard.path: shard.rows for shard in data}
        write_manifest(tmp, provenance, digest, rows, statistics, withhold_text, hashes)
        write_sha256sums(tmp, hashes)
    return Release(target, statistics.documents, rows), outputs


def _named(outputs: list[RangeOutput], release: Path) -> dict:
    """Every range's shards, keyed (config, split), in doc_id order, given their final names
    (the outputs' shard paths are updated to them). A (config, split) with no rows has no
    file: `datasets` cannot load a split without rows, so a split or config with no rows yet
    (no gold annotations) is left out."""
    files = defaultdict(list)
    for output in outputs:
        for shard in output.shards:
            files[shard.config, shard.split].append(shard)
    for (config, split), shards in sorted(files.items()):
        folder = release / "data" / config
        final = name_shards(folder, split, [release / shard.path for shard in shards])
        for shard, path in zip(shards, final, strict=True):
            shard.path = path.relative_to(release).as_posix()
        _pause_for_tests()
    return files


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))
