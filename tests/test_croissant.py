"""croissant.json is used, not just valid: mlcroissant reads records from every record set.

Of the repository's release, of the fixture corpus's (gold and two layers) and of a
2,000-document synthetic corpus (`benchmarks/generate.py`): each record set yields the rows
of its config (or its labels), nested records included, with the split named by Croissant's
split record set and every label field referencing its label set's ids.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from tsr_news.release.build import build
from tsr_news.release.croissant import CROISSANT
from tsr_news.release.descriptions import label_sets

from conftest import FIXTURE_CORPUS, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import generate

SYNTHETIC_DOCUMENTS = 2000
# Records read per record set of the synthetic release: mlcroissant turns every row into a
# record in Python, about 20-50 ms per 1,000 entity rows here, so the whole release (about
# 150,000 rows) takes minutes; the first records of each still go through every shard's
# reading, field and join code.
SYNTHETIC_RECORDS = 500


@pytest.fixture(scope="module")
def croissant_releases(tmp_path_factory) -> dict[str, Path]:
    synthetic = tmp_path_factory.mktemp("synthetic") / "corpus"
    generate.generate(synthetic, SYNTHETIC_DOCUMENTS, seed=5, jobs=2)
    roots = {"repo": REPO, "fixture": FIXTURE_CORPUS, "synthetic": synthetic}
    return {
        name: build(root, tmp_path_factory.mktemp(name), jobs=2).path
        for name, root in roots.items()
    }


def _rows(release: Path, config: str) -> int:
    return sum(
        pq.ParquetFile(p).metadata.num_rows for p in release.glob(f"data/{config}/*.parquet")
    )


@pytest.mark.parametrize("name", ["repo", "fixture", "synthetic"])
def test_mlcroissant_reads_every_record_set(croissant_releases, name):
    release = croissant_releases[name]
    dataset = mlc.Dataset(jsonld=release / CROISSANT)
    configs = sorted(p.name for p in (release / "data").iterdir())
    by_names = {s.name: s for s in label_sets().values()}
    split_ids = list(by_names["split"].names)
    seconds = {}
    for record_set in dataset.metadata.record_sets:
        started = time.monotonic()
        limit = SYNTHETIC_RECORDS if name == "synthetic" else None
        records = list(itertools.islice(dataset.records(record_set.uuid), limit))
        seconds[record_set.name] = time.monotonic() - started
        if record_set.name in by_names:  # a label set: its names, in id order
            names = [r[f"{record_set.name}/name"] for r in records]
            assert names == list(by_names[record_set.name].names)
            continue
        config = record_set.name
        assert records and len(records) == min(_rows(release, config), limit or 10**9), config
        splits = {p.name.split("-")[0] for p in release.glob(f"data/{config}/*.parquet")}
        found = {r[f"{config}/split"] for r in records}
        if config == "documents":  # its own column: the split's ClassLabel id
            splits = {split_ids.index(s) for s in splits}
        else:  # from the shard's file name
            splits = {s.encode() for s in splits}
        assert found <= splits if limit else found == splits
    assert sorted(set(seconds) - set(by_names)) == configs
    print(
        f"{name}: seconds per record set", json.dumps({k: round(v, 2) for k, v in seconds.items()})
    )


def test_nested_records_come_back_as_the_parquet_holds_them(croissant_releases):
    release = croissant_releases["fixture"]
    dataset = mlc.Dataset(jsonld=release / CROISSANT)
    (first, *_) = list(dataset.records("documents"))
    table = pq.read_table(sorted(release.glob("data/documents/*.parquet"))[0]).slice(0, 1)
    row = table.to_pylist()[0]
    entities = first["documents/entities"]
    assert [e["documents/entities/start"] for e in entities] == [
        e["start"] for e in row["entities"]
    ]
    assert [e["documents/entities/label"] for e in entities] == [
        e["label"] for e in row["entities"]
    ]
    quotes = first["documents/quotes"]
    assert [q["documents/quotes/cue.start"] for q in quotes] == [
        q["cue"]["start"] for q in row["quotes"]
    ]
    assert [q["documents/quotes/speaker_ids"] for q in quotes] == [
        [s.encode() for s in q["speaker_ids"]] for q in row["quotes"]
    ]


def test_label_fields_reference_their_label_set_and_splits_are_croissant_splits(croissant_releases):
    document = json.loads((croissant_releases["repo"] / CROISSANT).read_text())
    record_sets = {rs["@id"]: rs for rs in document["recordSet"]}
    assert record_sets["split"]["dataType"] == "cr:Split"
    assert {r["split/url"] for r in record_sets["split"]["data"]} == {
        "cr:TrainingSplit",
        "cr:ValidationSplit",
        "cr:TestSplit",
    }
    fields = {f["@id"]: f for f in record_sets["entities"]["field"]}
    assert fields["entities/label"]["references"] == {"field": {"@id": "entity_label/id"}}
    assert fields["entities/split"]["references"] == {"field": {"@id": "split/name"}}
    ner = {f["@id"]: f for f in record_sets["ner"]["field"]}
    assert ner["ner/ner_tags"]["references"] == {"field": {"@id": "ner_tag/id"}}


def test_the_metadata_answers_the_datasheet_s_rai_questions(croissant_releases):
    document = json.loads((croissant_releases["repo"] / CROISSANT).read_text())
    for key in (
        "rai:dataCollection",
        "rai:dataAnnotationProtocol",
        "rai:dataAnnotationPlatform",
        "rai:annotationsPerItem",
        "rai:machineAnnotationTools",
        "rai:dataBiases",
        "rai:dataLimitations",
        "rai:personalSensitiveInformation",
        "rai:dataReleaseMaintenancePlan",
    ):
        assert document.get(key), key
    assert "Label Studio" in document["rai:dataAnnotationPlatform"]  # a list of one, unboxed
    assert document["rai:machineAnnotationTools"].startswith("assistant-draft: ")
    assert document["citeAs"].startswith("@misc{")
    assert document["url"].startswith("https://github.com/")
    assert document["inLanguage"] == "en" and document["keywords"]
    assert document["creator"]["name"]
