"""Shards: a release cut into many Parquet files per split loads as the one-file release does.

Built in ranges of two documents with a tiny maximum (every batch of documents its own shard,
within each range), the shards are named
`<split>-0000K-of-0000N.parquet`, the card's `data_files` list them all, `datasets` loads
them (and streams them) with every row equal, in order, to the single-shard build's, and the
bytes do not depend on `--jobs`.
"""

from __future__ import annotations

import re

import datasets
import pytest
import yaml

from tsr_news.release import part
from tsr_news.release.build import build
from tsr_news.release.rows import CONFIGS

from conftest import REPO, tree_digest

datasets.disable_progress_bars()
TINY = 1  # byte: every batch of documents starts a new shard


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The repository's corpus built whole and in shards of single documents."""
    whole = build(REPO, tmp_path_factory.mktemp("whole")).path
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(part, "BATCH_DOCUMENTS", 1)
        sharded = build(
            REPO, tmp_path_factory.mktemp("sharded"), max_shard_bytes=TINY, documents_per_range=2
        ).path
    return whole, sharded


def _configs(release):
    _, front, _ = (release / "README.md").read_text(encoding="utf-8").split("---\n", 2)
    return {c["config_name"]: c for c in yaml.safe_load(front)["configs"]}


def test_shards_are_named_and_listed_in_the_card(pair):
    _, sharded = pair
    for config, entry in _configs(sharded).items():
        for data_files in entry["data_files"]:
            paths = data_files["path"]
            on_disk = sorted(
                p.relative_to(sharded).as_posix()
                for p in sharded.glob(f"data/{config}/{data_files['split']}-*.parquet")
            )
            assert paths == on_disk and len(paths) > 1, config
            count = len(paths)
            for index, path in enumerate(paths):
                name = f"{data_files['split']}-{index:05d}-of-{count:05d}.parquet"
                assert re.search(f"/{name}$", path)


@pytest.mark.parametrize("config", CONFIGS)
def test_sharded_and_whole_builds_load_the_same_rows(pair, config):
    whole, sharded = pair
    one = datasets.load_dataset(str(whole), config)
    many = datasets.load_dataset(str(sharded), config)
    streamed = datasets.load_dataset(str(sharded), config, streaming=True)
    assert list(one) == list(many)
    for split in one:
        assert many[split].features == one[split].features
        assert many[split].to_list() == one[split].to_list()
        assert list(streamed[split]) == one[split].to_list()


def test_sharded_builds_are_the_same_for_any_number_of_jobs(tmp_path, monkeypatch):
    from tsr_news.corpus import loader

    monkeypatch.setattr(loader, "PARALLEL_MIN_DOCUMENTS", 0)
    monkeypatch.setattr(part, "BATCH_DOCUMENTS", 1)
    one = build(REPO, tmp_path / "one", jobs=1, max_shard_bytes=TINY, documents_per_range=2).path
    three = build(
        REPO, tmp_path / "three", jobs=3, max_shard_bytes=TINY, documents_per_range=2
    ).path
    assert tree_digest(one) == tree_digest(three)


def test_max_shard_bytes_takes_the_hub_s_units_and_refuses_nonsense(cli, corpus):
    from tsr_news.cli.arguments import byte_size

    assert (byte_size("500MB"), byte_size("2GB"), byte_size("64K"), byte_size("1")) == (
        500 * 10**6,
        2 * 10**9,
        64 * 10**3,
        1,
    )
    for bad in ("0", "-5", "lots", "5 PB"):
        run = cli("build", "--root", corpus, "--max-shard-bytes", bad)
        assert run.exit_code == 2 and "--max-shard-bytes" in run.err, bad
