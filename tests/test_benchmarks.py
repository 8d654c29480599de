"""The benchmarks cannot rot: the generator and the runner run here at a small N.

Nothing here is timed: the runner's figures are printed, never asserted.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tsr_news.corpus.splits import assign_split
from tsr_news.corpus.validate import validate
from tsr_news.release.build import build
from tsr_news.release.rows import CONFIGS

from bad_inputs import CASES
from conftest import REPO, TSR_NEWS, tree_digest

BENCHMARKS = REPO / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate  # noqa: E402
import run as runner  # noqa: E402


@pytest.fixture(scope="module")
def valid_corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "valid"
    generate.generate(root, 30, seed=7, jobs=1)
    return root


def spans_of(gold: dict):
    """Every span of a gold file as (kind, span dict)."""
    layers = gold["layers"]
    for kind in ("noise", "entities"):
        for item in layers[kind]["items"]:
            yield kind, item
    for quote in layers["quotes"]["items"]:
        for span in quote["content"]:
            yield "quotes", span
        yield "quotes", quote["cue"]
        if quote["source"] is not None:
            yield "quotes", quote["source"]
        if "channel" in quote:
            yield "quotes", quote["channel"]
    for measure in layers["measures"]["items"]:
        yield "measures", measure["trigger"]
        if "scope" in measure:
            yield "measures", measure["scope"]


def test_generator_is_deterministic_whatever_the_number_of_processes(tmp_path):
    generate.generate(tmp_path / "a", 600, seed=3, error_rate=0.2, jobs=1)
    generate.generate(tmp_path / "b", 600, seed=3, error_rate=0.2, jobs=2)
    a, b = tree_digest(tmp_path / "a"), tree_digest(tmp_path / "b")
    assert len(a) >= 1800
    assert a == b
    generate.generate(tmp_path / "c", 600, seed=4, error_rate=0.2, jobs=2)
    c = tree_digest(tmp_path / "c")
    assert a["raw/bench-0000001.txt"] != c["raw/bench-0000001.txt"]


def test_valid_corpus_passes_the_real_validator(valid_corpus):
    result = subprocess.run(
        [TSR_NEWS, "validate", "--root", valid_corpus], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "30 document(s), 90 file(s): valid" in result.stderr
    assert json.loads((valid_corpus / generate.ERRORS).read_text()) == []


def test_spans_reslice_exactly_and_offsets_cross_astral_characters(valid_corpus):
    astral_in_span = astral_before_span = 0
    counts = Counter()
    clusters: dict[str, set[str]] = {}
    for gold_path in sorted((valid_corpus / "annotations").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        raw = (valid_corpus / "raw" / f"{gold['doc_id']}.txt").read_bytes()
        meta = json.loads((valid_corpus / "raw" / f"{gold['doc_id']}.meta.json").read_bytes())
        text = raw.decode("utf-8")
        assert gold["text_sha256"] == meta["text_sha256"] == hashlib.sha256(raw).hexdigest()
        assert meta["split"] == assign_split(meta["story_cluster"])
        assert "synthetic" in meta["rights"].lower()
        clusters.setdefault(meta["story_cluster"], set()).add(meta["split"])
        for layer in gold["layers"].values():
            assert layer["origin"] == "human" and layer["annotator"] == generate.ANNOTATOR
        for _, span in spans_of(gold):
            assert text[span["start"] : span["end"]] == span["text"]
            assert span["text"] == span["text"].strip()
            astral_in_span += any(ord(c) > 0xFFFF for c in span["text"])
            astral_before_span += any(ord(c) > 0xFFFF for c in text[: span["start"]])
        entities = sorted((e["start"], e["end"]) for e in gold["layers"]["entities"]["items"])
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(entities))
        noise = [(n["start"], n["end"]) for n in gold["layers"]["noise"]["items"]]
        for kind, span in spans_of(gold):
            if kind != "noise":
                assert all(span["end"] <= s or e <= span["start"] for s, e in noise)
        counts["docs"] += 1
        counts["bytes"] += len(raw)
        for kind in ("entities", "quotes", "measures"):
            counts[kind] += len(gold["layers"][kind]["items"])
    assert astral_in_span > 0 and astral_before_span > 0
    assert all(len(splits) == 1 for splits in clusters.values())
    assert 1 < len(clusters) < counts["docs"]  # some clusters hold several documents
    docs = counts["docs"]
    assert 4000 <= counts["bytes"] / docs <= 5500
    assert 32 <= counts["entities"] / docs <= 44
    assert 3.5 <= counts["quotes"] / docs <= 6.5
    assert 3.5 <= counts["measures"] / docs <= 6.5


def test_every_injected_error_is_reported_at_its_file_with_its_code(tmp_path):
    root = tmp_path / "invalid"
    docs = len(generate.CATALOGUE) + 5
    generate.generate(root, docs, seed=11, error_rate=1.0, jobs=1)
    injected = json.loads((root / generate.ERRORS).read_text())
    assert len(injected) == docs
    assert {e["kind"] for e in injected} == {k.name for k in generate.CATALOGUE}
    # the catalogue covers every code of the project's own catalogue of bad inputs
    assert {case.code for case in CASES} <= {k.code for k in generate.CATALOGUE}

    report = validate(root)
    reported = {(p.path, p.code) for p in report.problems}
    missed = [e for e in injected if (e["path"], e["code"]) not in reported]
    assert not missed, missed
    # and the runner's parser of the text report agrees
    text = subprocess.run(
        [TSR_NEWS, "validate", "--root", root], capture_output=True, text=True
    ).stdout
    assert runner.missed_errors(root, text) == (docs, 0)


def test_only_the_chosen_documents_are_broken(tmp_path):
    root = tmp_path / "some"
    generate.generate(root, 200, seed=5, error_rate=0.05, jobs=2)
    injected = json.loads((root / generate.ERRORS).read_text())
    assert len(injected) == 10
    broken = {e["doc_id"] for e in injected}
    for problem in validate(root).problems:
        name = problem.path.rsplit("/", 1)[-1]
        assert any(name.lower().startswith(doc_id) for doc_id in broken), problem


def test_cache_stamp_names_the_parameters(valid_corpus):
    assert generate.is_cached(valid_corpus, 30, 7, 0.0)
    assert not generate.is_cached(valid_corpus, 30, 8, 0.0)
    assert not generate.is_cached(valid_corpus, 31, 7, 0.0)
    assert not generate.is_cached(valid_corpus, 30, 7, 0.05)


def test_generator_refuses_a_directory_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit):
        generate.generate(tmp_path, 3)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_one_annotation_changed_validly_reaches_the_release_and_is_undone(tmp_path):
    root = tmp_path / "corpus"
    generate.generate(root, 12, seed=7, jobs=1)
    before = tree_digest(root)
    build(root, tmp_path / "before")
    changed = generate.doc_id_of(6)
    with runner.one_annotation_changed(root, changed):
        during = tree_digest(root)
        assert {f for f in before if before[f] != during[f]} == {
            f"annotations/{changed}.json",
            generate.STAMP,
        }
        assert not generate.is_cached(root, 12, 7, 0.0)  # a run killed here regenerates it
        assert validate(root).problems == []
        build(root, tmp_path / "during")
    assert tree_digest(root) == before
    assert generate.is_cached(root, 12, 7, 0.0)
    differences = runner.release_differences(tmp_path / "before", tmp_path / "during")
    assert any("/data/measures/" in f for f in differences), differences


def test_release_differences_names_changed_missing_and_extra_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out, record in ((a, "read at one time"), (b, "read at another")):
        (out / "release" / "data").mkdir(parents=True)
        (out / "release" / "SHA256SUMS").write_text("sums")
        (out / "release" / "data" / "x.parquet").write_bytes(b"rows")
        (out / ".release.inputs").write_text(record)  # beside the release: not compared
    assert runner.release_differences(a, b) == []
    (b / "release" / "data" / "x.parquet").write_bytes(b"rowz")
    (b / "release" / "data" / "y.parquet").write_bytes(b"more")
    (a / "release" / "only-a").write_text("")
    assert runner.release_differences(a, b) == [
        "release/data/x.parquet",
        "release/data/y.parquet",
        "release/only-a",
    ]


@pytest.mark.parametrize(
    ("n", "seconds", "identical", "passed", "target"),
    [
        (100_000, 5.0, True, True, "<= 0.1"),
        (100_000, 50.0, True, False, "<= 0.1"),
        (2000, 50.0, True, None, "information"),
        (100_000, 5.0, False, False, "<= 0.1; output NOT IDENTICAL"),
        (2000, 5.0, False, False, "information; output NOT IDENTICAL"),
    ],
)
def test_incremental_ratio(n, seconds, identical, passed, target):
    rows = [
        runner.Row(n, "build --jobs 2", n, 1.0, 100.0, 1.0),
        runner.Row(n, "build again, same out", n, 1.0, 1.0, 1.0),
        runner.Row(n, runner.INCREMENTAL, n, 1.0, seconds, 1.0, identical=identical),
    ]
    ratio = runner.incremental_ratio(rows, n, jobs=2)
    assert ratio.name == f"N={n} incremental rebuild / full build (seconds)"
    assert ratio.value == seconds / 100.0
    assert (ratio.passed, ratio.target) == (passed, target)


def test_peak_memory_counts_descendants():
    child = "x = b'x' * 150_000_000; import time; time.sleep(0.5)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    result = runner.measure([sys.executable, "-c", parent])
    assert result.returncode == 0
    assert result.peak_mb > 120


def test_runner_end_to_end_at_a_tiny_size(tmp_path):
    figures = tmp_path / "figures.json"
    result = subprocess.run(
        [
            sys.executable,
            BENCHMARKS / "run.py",
            "--sizes",
            "40",
            "--repeats",
            "1",
            "--work",
            tmp_path / "work",
            "--json",
            figures,
            "--markdown",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for what in (
        "validate --jobs 2",
        "validate --jobs 1",
        "validate, invalid corpus",
        "build --jobs 2",
        "build again, same out",
        "build, one annotation changed",
        "orjson parse floor",
        "check-jsonschema",
        "datasets from_json.to_parquet",
        "peer (jsonschema-rs)",
        "peer (jsonschema)",
    ):
        assert f"     40  {what}" in out, what
    assert "2 injected errors, 0 missed" in out
    assert "bench-0000021 changed; identical to a full build" in out
    assert "NOT IDENTICAL" not in out + result.stderr
    assert generate.is_cached(tmp_path / "work" / "n40" / "valid", 40, runner.SEED, 0.0)
    for ratio in (
        "validate / check-jsonschema",
        "orjson floor / validate",
        "build / datasets reference (docs/s)",
        "incremental rebuild / full build (seconds)",
        "build / datasets reference (peak RSS)",
        "validate invalid / valid corpus",
        "validate --jobs 2 / --jobs 1",
        "largest peak RSS",
        "build / peer (jsonschema-rs) (docs/s)",
        "build / peer (jsonschema) (docs/s)",
    ):
        assert ratio in out, ratio
    assert "| N | what | docs/s |" in out
    assert "machine: " in out and "check-jsonschema" in out
    body = json.loads(figures.read_text())
    assert len(body["rows"]) == 11
    assert [r["identical"] for r in body["rows"] if r["identical"] is not None] == [True]
    assert all(r["seconds"] > 0 and r["peak_mb"] > 0 for r in body["rows"])
    assert {r["passed"] for r in body["ratios"]} <= {True, False, None}


def test_the_peer_writes_the_same_rows_as_the_build(tmp_path):
    """The peer measured against the build does the same work: every config, same rows."""
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    peer = subprocess.run(
        [sys.executable, BENCHMARKS / "peer.py", REPO, tmp_path / "peer", "--validator", "none"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert peer.returncode == 0, peer.stderr
    release = build(REPO, tmp_path / "build").path
    written = sorted(tmp_path.joinpath("peer").glob("*/*.parquet"))
    assert {p.parent.name for p in written} == set(CONFIGS)
    for path in written:
        (ours,) = (release / "data" / path.parent.name).glob(f"{path.stem}-*.parquet")
        assert pq.read_table(path).to_pylist() == pq.read_table(ours).to_pylist(), path
