"""Annotations shaped the way the Label Studio interface stores them, and what they must become.

Region ids are random strings; per-region choices and text areas share their region's id and
are lists even for single values; relations are drawn in any direction ("left", "bi"); an
annotator may leave a relation without a label. Used by the import tests (as an export file)
and by the integration tests (posted to a real server).
"""

from __future__ import annotations

import hashlib

from conftest import FIXTURE_CORPUS

ALPHA = (FIXTURE_CORPUS / "raw" / "doc-alpha.txt").read_text("utf-8")
BETA = (FIXTURE_CORPUS / "raw" / "doc-beta.txt").read_text("utf-8")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def region(region_id: str, control: str, label: str, text: str, phrase: str) -> dict:
    start = text.index(phrase)
    value = {"start": start, "end": start + len(phrase), "text": phrase, "labels": [label]}
    return {
        "id": region_id,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "value": value,
    }


def per_region(region_id: str, control: str, kind: str, text: str, phrase: str, values) -> dict:
    start = text.index(phrase)
    key = "choices" if kind == "choices" else "text"
    value = {"start": start, "end": start + len(phrase), key: values}
    return {"id": region_id, "from_name": control, "to_name": "text", "type": kind, "value": value}


def relation(a: str, b: str, labels: list[str], direction: str = "right") -> dict:
    return {"from_id": a, "to_id": b, "type": "relation", "direction": direction, "labels": labels}


def alpha_by_ann2() -> list[dict]:
    """A complete annotation of doc-alpha as the interface stores it."""
    t = ALPHA
    content = "Washington is considering new export controls on AI chips 🚀"
    return [
        region("wA5h1ngt0n", "entity", "GPE", t, "Washington"),
        per_region("wA5h1ngt0n", "gpe_role", "choices", t, "Washington", ["GOV"]),
        per_region("wA5h1ngt0n", "ref", "textarea", t, "Washington", ["gpe:usa"]),
        region("g1n4R41m0n", "entity", "PERSON", t, "Gina Raimondo"),
        per_region("g1n4R41m0n", "ref", "textarea", t, "Gina Raimondo", ["per:gina_raimondo"]),
        region("s41dCu3xyz", "quote", "cue", t, "said"),
        per_region("s41dCu3xyz", "quote_type", "choices", t, "said", ["indirect"]),
        per_region("s41dCu3xyz", "speaker_text", "textarea", t, "said", ["Gina Raimondo"]),
        # an emoji inside the span, and value.text mangled the way exports mangle it
        {
            **region("c0nt3ntAbc", "quote", "content", t, content),
            "value": {
                "start": t.index(content),
                "end": t.index(content) + len(content),
                "text": content.replace("🚀", "\\ud83d\\ude80"),
                "labels": ["content"],
            },
        },
        region("tr1gg3rXyz", "measure", "trigger", t, "export controls"),
        per_region(
            "tr1gg3rXyz", "measure_type", "choices", t, "export controls", ["EXPORT_CONTROL"]
        ),
        per_region("tr1gg3rXyz", "status", "choices", t, "export controls", ["considered"]),
        per_region("tr1gg3rXyz", "specificity", "choices", t, "export controls", ["specific"]),
        per_region(
            "tr1gg3rXyz", "sectors", "choices", t, "export controls", ["semiconductors", "ai"]
        ),
        relation("s41dCu3xyz", "c0nt3ntAbc", ["part"], "left"),
        relation("g1n4R41m0n", "s41dCu3xyz", ["speaker"], "bi"),
        relation("tr1gg3rXyz", "wA5h1ngt0n", ["actor"]),
    ]


def alpha_by_ann2_expected() -> dict:
    """The layer `alpha_by_ann2` must become (annotations/layers/ann2/doc-alpha.json)."""
    t = ALPHA

    def span(phrase: str) -> dict:
        return {"start": t.index(phrase), "end": t.index(phrase) + len(phrase), "text": phrase}

    layer = {"annotator": "ann2", "origin": "human"}
    quote = {
        "id": "Q1",
        "type": "indirect",
        "content": [span("Washington is considering new export controls on AI chips 🚀")],
        "cue": span("said"),
        "source": None,
        "speaker_ids": ["E2"],
        "speaker_text": "Gina Raimondo",
        "flags": [],
    }
    measure = {
        "id": "M1",
        "type": "EXPORT_CONTROL",
        "trigger": span("export controls"),
        "status": "considered",
        "specificity": "specific",
        "actor_ids": ["E1"],
        "target_ids": [],
        "target_jurisdictions": [],
        "sectors": ["semiconductors", "ai"],
        "time": [],
        "magnitude_ids": [],
    }
    entities = [
        {"id": "E1", "label": "GPE", **span("Washington"), "ref": "gpe:usa", "gpe_role": "GOV"},
        {"id": "E2", "label": "PERSON", **span("Gina Raimondo"), "ref": "per:gina_raimondo"},
    ]
    return {
        "schema_version": 1,
        "doc_id": "doc-alpha",
        "text_sha256": sha256(t),
        "layers": {
            "noise": {**layer, "items": []},
            "entities": {**layer, "items": entities},
            "quotes": {**layer, "items": [quote]},
            "measures": {**layer, "items": [measure]},
        },
    }


def beta_with_unlabelled_relation() -> list[dict]:
    """doc-beta with a relation the annotator drew but never labelled."""
    t = BETA
    return [
        region("bE1j1ngAbc", "entity", "GPE", t, "Beijing"),
        per_region("bE1j1ngAbc", "gpe_role", "choices", t, "Beijing", ["GOV"]),
        per_region("bE1j1ngAbc", "ref", "textarea", t, "Beijing", ["gpe:china"]),
        region("cUrb5Xyz12", "measure", "trigger", t, "curbs"),
        per_region("cUrb5Xyz12", "measure_type", "choices", t, "curbs", ["EXPORT_CONTROL"]),
        per_region("cUrb5Xyz12", "status", "choices", t, "curbs", ["announced"]),
        per_region("cUrb5Xyz12", "specificity", "choices", t, "curbs", ["specific"]),
        {"from_id": "cUrb5Xyz12", "to_id": "bE1j1ngAbc", "type": "relation", "direction": "right"},
    ]


def task(task_id: int, doc_id: str, text: str, annotations: list[dict]) -> dict:
    """A task as the full JSON export has it."""
    return {
        "id": task_id,
        "data": {"text": text, "doc_id": doc_id, "text_sha256": sha256(text)},
        "annotations": annotations,
    }


def annotation(annotation_id: int, user: int, result: list, cancelled: bool = False) -> dict:
    return {"id": annotation_id, "completed_by": user, "result": result, "was_cancelled": cancelled}
