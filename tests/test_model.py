"""The typed model mirrors the JSON files exactly: reading then writing gives the same JSON."""

import json

import pytest

from tsr_news.scheme.model import AnnotationFile, DocumentMeta, Quote, from_json, to_json

from conftest import FIXTURE_CORPUS, REPO

ANNOTATION_FILES = [
    path
    for root in (FIXTURE_CORPUS, REPO)
    for path in sorted(root.glob("annotations/**/*.json"))
    if "adjudication" not in path.parts  # conflicts files, not annotation files
]
META_FILES = sorted(FIXTURE_CORPUS.glob("raw/*.meta.json")) + sorted(REPO.glob("raw/*.meta.json"))


@pytest.mark.parametrize("path", ANNOTATION_FILES, ids=lambda p: p.name)
def test_annotation_file_round_trips_through_the_model(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert AnnotationFile.from_json(data).to_json() == data


@pytest.mark.parametrize("path", META_FILES, ids=lambda p: p.name)
def test_meta_file_round_trips_through_the_model(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert to_json(from_json(DocumentMeta, data)) == data


def test_a_null_quote_source_is_kept_and_absent_options_are_omitted():
    span = {"start": 0, "end": 1, "text": "x"}
    data = {
        "id": "Q1",
        "type": "direct",
        "content": [span],
        "cue": span,
        "source": None,
        "speaker_ids": [],
        "speaker_text": "experts (unnamed)",
        "flags": [],
    }
    quote = from_json(Quote, data)
    assert quote.channel is None
    assert to_json(quote) == data
