"""The Ray engine (`build --engine ray`): the build's ranges checked and written by a pool of
Ray Data actors, here on a local Ray this module starts, give the local build's bytes, its
refusals and its rebuilds, also when an actor dies."""

from __future__ import annotations

import os
import shutil
import sys
from functools import partial
from pathlib import Path

import orjson
import pytest

from tsr_news.common.exits import UsageError
from tsr_news.corpus.ray_engine import ordered_map, ray_engine
from tsr_news.release import inputs
from tsr_news.release.build import InvalidCorpus, build

from conftest import REPO, tree_digest

sys.path.insert(0, str(REPO / "benchmarks"))
import generate

DOCUMENTS = 200
PER_RANGE = 20


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "corpus"
    generate.generate(root, DOCUMENTS, seed=24, jobs=1)
    return root


@pytest.fixture(scope="module")
def local(synthetic, tmp_path_factory):
    """The synthetic corpus's release, built on this machine (one process)."""
    return build(synthetic, tmp_path_factory.mktemp("local"), documents_per_range=PER_RANGE)


def _recorded(release: Path) -> list[dict]:
    """The build's record of its ranges (`inputs`), without the files' stat identities (the
    placed shards' are new files; a corpus file's is not recorded if it was changed in the
    last seconds before it was read: `fingerprints.RACY_SECONDS`)."""
    _, _, *lines, _ = inputs.stamp_path(release).read_bytes().splitlines()
    ranges = []
    for output, sources in zip(lines[::2], lines[1::2], strict=True):
        output, sources = orjson.loads(output), orjson.loads(sources)
        for shard in output["shards"]:
            del shard["identity"]
        sources["read"] = [(name, sha256) for name, sha256, _ in sources["read"]]
        ranges.append((output, sources))
    return ranges


def test_a_ray_build_gives_the_bytes_and_the_record_of_the_local_build(
    ray_cluster, synthetic, local, tmp_path
):
    release = build(synthetic, tmp_path, jobs=2, documents_per_range=PER_RANGE, engine=ray_engine())
    assert release.ranges == local.ranges > 5
    assert tree_digest(release.path) == tree_digest(local.path)
    assert _recorded(release.path) == _recorded(local.path)


def test_an_invalid_corpus_is_refused_with_the_same_problems(ray_cluster, tmp_path):
    root = tmp_path / "corpus"
    kinds = len(generate.CATALOGUE)  # every kind of error the generator makes, once each
    generate.generate(root, DOCUMENTS, seed=24, error_rate=kinds / DOCUMENTS, jobs=1)
    refusals = []
    for engine in (ray_engine(), None):
        with pytest.raises(InvalidCorpus) as refused:
            build(root, tmp_path / "out", jobs=2, documents_per_range=PER_RANGE, engine=engine)
        refusals.append(refused.value.problems)
        assert not (tmp_path / "out").exists()
    codes = {problem.code for problem in refusals[0]}
    assert "split-straddle" in codes and len(codes) > 20
    assert refusals[0] == refusals[1]


def test_a_rebuild_on_ray_redoes_the_edited_range_and_equals_a_full_local_build(
    ray_cluster, synthetic, tmp_path
):
    root, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(synthetic, root)
    engine = ray_engine()
    first = build(root, out, jobs=2, documents_per_range=PER_RANGE, engine=engine)
    meta = root / "raw" / f"{generate.doc_id_of(DOCUMENTS // 2)}.meta.json"
    meta.write_text(meta.read_text().replace('"title": "', '"title": "Re: '))
    again = build(root, out, jobs=2, documents_per_range=PER_RANGE, engine=engine)
    full = build(root, tmp_path / "full", documents_per_range=PER_RANGE)
    assert (again.reused, again.ranges) == (first.ranges - 1, first.ranges)
    assert tree_digest(again.path) == tree_digest(full.path)


def _dying_once(marker: Path, function, chunk):
    """`function(chunk)`, but the first time, having done it, the process dies before it
    answers (pickled by value: the actors do not import this module)."""
    result = function(chunk)
    if not marker.exists():
        marker.touch()
        os._exit(1)
    return result


def test_a_range_whose_actor_died_is_done_again_to_the_same_bytes(
    ray_cluster, synthetic, local, tmp_path
):
    import ray.cloudpickle

    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    marker = tmp_path / "died"

    def engine(function, chunks, jobs):
        return ordered_map(partial(_dying_once, marker, function), chunks, jobs)

    release = build(
        synthetic, tmp_path / "out", jobs=2, documents_per_range=PER_RANGE, engine=engine
    )
    assert marker.exists()
    assert tree_digest(release.path) == tree_digest(local.path)


def _dying(function, chunk):
    os._exit(1)


def test_a_range_that_kills_its_actor_every_time_stops_the_build_not_hangs_it(
    ray_cluster, synthetic, tmp_path
):
    import ray.cloudpickle

    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])

    def engine(function, chunks, jobs):
        return ordered_map(partial(_dying, function), chunks[:1], 1)

    with pytest.raises(UsageError, match="gave up: a worker died 3 times"):
        build(synthetic, tmp_path / "out", documents_per_range=PER_RANGE, engine=engine)
    assert not (tmp_path / "out").exists()


def test_an_exception_in_the_work_is_raised_as_itself(ray_cluster, tmp_path):
    with pytest.raises(FileNotFoundError):
        list(ordered_map(os.stat, [tmp_path, tmp_path / "missing"], 2))


def test_the_cli_builds_on_ray(ray_cluster, corpus, tmp_path, cli):
    run = cli("build", "--root", corpus, "--out", tmp_path, "--engine", "ray", "--jobs", "2")
    assert run.exit_code == 0, run.err
    assert (tmp_path / "tsr-news-1.0.0" / "SHA256SUMS").is_file()


def test_without_the_extra_the_cli_says_what_to_install(corpus, cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray.data", None)  # what `import ray.data` finds
    run = cli("build", "--root", corpus, "--engine", "ray")
    assert run.exit_code == 2
    assert (
        run.err == "tsr-news: error: the Ray engine needs Ray Data: pip install 'tsr-news[ray]'\n"
    )
    assert cli("build", "--root", corpus, "--ray-address", "auto").exit_code == 2
