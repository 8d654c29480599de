# ruff: noqa: RUF001 -- the look-alike mathematical letters are the point of these tests
"""Canonical -> Label Studio results -> canonical is the identity, for every gold document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import astral
from tsr_news.checks import semantic as checks
from tsr_news.labelstudio.convert import Provenance, from_results, to_results
from tsr_news.scheme.model import LAYER_KINDS, AnnotationFile
from tsr_news.scheme.schemas import taxonomy

from conftest import FIXTURE_CORPUS, REPO

# every gold and layer file of the fixture corpus and of the real corpus that has all four layers
# (a Label Studio annotation covers every kind: one drawn without noise says there is none, so a
# file with absent layers comes back with those layers present and empty)
ANNOTATION_FILES = sorted(
    path
    for root in (FIXTURE_CORPUS, REPO)
    for pattern in ("annotations/*.json", "annotations/layers/*/*.json")
    for path in root.glob(pattern)
    if set(json.loads(path.read_text("utf-8"))["layers"]) == set(LAYER_KINDS)
)


def round_trip(annotation: AnnotationFile, text: str) -> tuple[AnnotationFile, list]:
    layer = next(iter(annotation.layers.values()))
    conversion = from_results(
        json.loads(json.dumps(to_results(annotation))),  # what a server stores and sends back
        doc_id=annotation.doc_id,
        text=text,
        text_sha256=annotation.text_sha256,
        provenance=Provenance(layer.annotator, layer.origin, layer.model),
    )
    return AnnotationFile.from_json(conversion.data), conversion.problems


@pytest.mark.parametrize(
    "path", ANNOTATION_FILES, ids=lambda p: p.relative_to(p.parents[2]).as_posix()
)
def test_every_annotation_file_round_trips(path: Path):
    annotation = AnnotationFile.from_json(json.loads(path.read_text("utf-8")))
    root = next(p for p in path.parents if (p / "raw").is_dir())
    text = (root / "raw" / f"{annotation.doc_id}.txt").read_bytes().decode("utf-8")
    back, problems = round_trip(annotation, text)
    assert problems == []
    assert back.to_json() == annotation.to_json()


def test_the_astral_document_is_valid_and_round_trips():
    annotation = AnnotationFile.from_json(astral.gold())
    text = astral.TEXT
    # the test means something only if UTF-16 offsets would differ from code points
    assert len(text.encode("utf-16-le")) // 2 > len(text) + 10
    found = checks.check_annotations(
        annotation.to_json(),
        doc_id=astral.DOC_ID,
        text=text,
        text_sha256=annotation.text_sha256,
        taxonomy=taxonomy(),
        annotator=None,
    )
    assert list(found) == []
    back, problems = round_trip(annotation, text)
    assert problems == []
    assert back.to_json() == annotation.to_json()


def test_results_carry_code_point_offsets_and_the_exact_span_text():
    annotation = AnnotationFile.from_json(astral.gold())
    for result in to_results(annotation):
        value = result.get("value", {})
        if "labels" in value:
            assert astral.TEXT[value["start"] : value["end"]] == value["text"]


def test_span_text_is_resliced_from_the_raw_text_not_taken_from_the_result():
    annotation = AnnotationFile.from_json(astral.gold())
    results = to_results(annotation)
    for result in results:
        if "labels" in result.get("value", {}):
            result["value"]["text"] = result["value"]["text"].replace("\n", "\\n") + " garbled"
    back, problems = round_trip_results(results, annotation)
    assert problems == []
    assert back.to_json() == annotation.to_json()


def round_trip_results(results: list, annotation: AnnotationFile):
    conversion = from_results(
        results,
        doc_id=annotation.doc_id,
        text=astral.TEXT,
        text_sha256=annotation.text_sha256,
        provenance=Provenance("ann1"),
    )
    return AnnotationFile.from_json(conversion.data), conversion.problems


# -- property: any annotation over any text (astral characters included) round-trips ----------

ALPHABET = st.sampled_from([*"ab ,.\n“”", "🚀", "🇺🇸", "𝐀", "👩\u200d👧", "é", "中"])


@st.composite
def annotated(draw):
    text = "".join(draw(st.lists(ALPHABET, min_size=30, max_size=120)))
    tax = taxonomy()

    def span():
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 12)))
        return {"start": start, "end": end, "text": text[start:end]}

    def pick(values, **kw):
        return draw(st.lists(st.sampled_from(values), unique=True, **kw)) if values else []

    entities = []
    for i in range(1, draw(st.integers(0, 5)) + 1):
        entity = {"id": f"E{i}", "label": draw(st.sampled_from(tax["entity_label"].values))}
        entity.update(span())
        for name, inventory in (("gpe_role", "gpe_role"), ("org_type", "org_type")):
            if draw(st.booleans()):
                entity[name] = draw(st.sampled_from(tax[inventory].values))
        if draw(st.booleans()):
            entity["ref"] = "x:" + draw(st.sampled_from(["a", "b_c", "d1"]))
        entities.append(entity)
    ids = [e["id"] for e in entities]
    noise = [
        {"id": f"N{i}", "kind": draw(st.sampled_from(tax["noise_kind"].values)), **span()}
        for i in range(1, draw(st.integers(0, 2)) + 1)
    ]
    quotes = []
    for i in range(1, draw(st.integers(0, 3)) + 1):
        quote = {
            "id": f"Q{i}",
            "type": draw(st.sampled_from(tax["quote_type"].values)),
            "content": [span() for _ in range(draw(st.integers(1, 3)))],
            "cue": span(),
            "source": span() if draw(st.booleans()) else None,
            "speaker_ids": pick(ids),
            "speaker_text": draw(st.sampled_from(["she", "𝐀 (unnamed)", "x\ny"])),
            "flags": pick(tax["quote_flag"].values),
        }
        if draw(st.booleans()):
            quote["channel"] = {**span(), "entity_ids": pick(ids)}
        quotes.append(quote)
    measures = []
    for i in range(1, draw(st.integers(0, 3)) + 1):
        measure = {
            "id": f"M{i}",
            "type": draw(st.sampled_from(tax["measure_type"].values)),
            "trigger": span(),
            "status": draw(st.sampled_from(tax["measure_status"].values)),
            "specificity": draw(st.sampled_from(tax["measure_specificity"].values)),
            "actor_ids": pick(ids),
            "target_ids": pick(ids),
            "target_jurisdictions": pick(tax["jurisdiction"].values, max_size=3),
            "sectors": pick(tax["sector"].values, max_size=3),
            "time": [
                {"entity_id": e, "role": draw(st.sampled_from(tax["time_role"].values))}
                for e in pick(ids)
            ],
            "magnitude_ids": pick(ids),
        }
        for name, inventory in (
            ("instrument", "measure_instrument"),
            ("actor_jurisdiction", "jurisdiction"),
        ):
            if draw(st.booleans()):
                measure[name] = draw(st.sampled_from(tax[inventory].values))
        if draw(st.booleans()):
            measure["scope"] = span()
        if draw(st.booleans()):
            measure["actor_text"] = "the 𝐔𝐒"
        measures.append(measure)
    layer = {"annotator": "ann9", "origin": "human"}
    data = {
        "schema_version": 1,
        "doc_id": "doc-prop",
        "text_sha256": "0" * 64,
        "layers": {
            "noise": {**layer, "items": noise},
            "entities": {**layer, "items": entities},
            "quotes": {**layer, "items": quotes},
            "measures": {**layer, "items": measures},
        },
    }
    return AnnotationFile.from_json(data), text


@settings(max_examples=150, deadline=None)
@given(annotated())
def test_any_annotation_round_trips(case):
    annotation, text = case
    back, problems = round_trip(annotation, text)
    assert problems == []
    assert back.to_json() == annotation.to_json()
