"""The real corpus in this repository: verbatim articles, complete provenance, valid."""

import hashlib
import json

import pytest

from tsr_news.corpus.splits import assign_split

from conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"
DOC_IDS = sorted(p.name.removesuffix(".txt") for p in (REPO / "raw").glob("*.txt"))


def test_the_repository_corpus_is_valid(cli):
    run = cli("validate", "--root", REPO)
    assert run.exit_code == 0, run.out
    assert f"{len(DOC_IDS)} document(s)" in run.err


def test_the_corpus_holds_the_five_seed_articles():
    assert DOC_IDS == [
        "000_f143fa2de294bd11",
        "001_651042cd7a597281",
        "002_86e9c5e474bc2ab7",
        "003_0f5644c9d011c526",
        "004_26698a931305a3f0",
    ]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the team's shared/ folder is not beside this clone")
@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_raw_text_is_byte_identical_to_its_seed(doc_id):
    assert (REPO / "raw" / f"{doc_id}.txt").read_bytes() == (SEEDS / f"{doc_id}.txt").read_bytes()


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_metadata_pins_the_text_and_follows_the_split_rule(doc_id):
    meta = json.loads((REPO / "raw" / f"{doc_id}.meta.json").read_text(encoding="utf-8"))
    text = (REPO / "raw" / f"{doc_id}.txt").read_bytes()
    assert meta["text_sha256"] == hashlib.sha256(text).hexdigest()
    assert meta["split"] == assign_split(meta["story_cluster"])
    assert meta["language"] == "en"


def test_documents_of_the_same_event_share_a_story_cluster():
    def cluster(doc_id):
        return json.loads((REPO / "raw" / f"{doc_id}.meta.json").read_text())["story_cluster"]

    assert cluster("000_f143fa2de294bd11") == cluster("001_651042cd7a597281")
    assert len({cluster(d) for d in DOC_IDS}) == 4
