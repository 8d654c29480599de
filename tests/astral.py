# ruff: noqa: RUF001 -- the look-alike mathematical letters are the point of these tests
"""A document full of characters outside the Basic Multilingual Plane, with gold annotations.

Mathematical letters, a flag (two code points), an emoji ZWJ sequence and plain emoji stand
before and inside spans: any confusion of code points with UTF-16 units or bytes shifts them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DOC_ID = "doc-astral"
TEXT = (
    "PHOTO: 📷 Wire\n\n"
    "𝐀𝐁𝐂 Corp 🇨🇳 said 👩‍👩‍👧 that “Beijing 🚀 will ban 𝐆𝐚𝐥𝐥𝐢𝐮𝐦 exports” from 1 March 2024, "
    "according to 𝕏inhua.\n"
)


def _span(text: str, after: str = "") -> dict:
    start = TEXT.index(text, TEXT.index(after) if after else 0)
    return {"start": start, "end": start + len(text), "text": text}


def _layer(items: list) -> dict:
    return {"annotator": "ann1", "origin": "human", "items": items}


def gold() -> dict:
    sha = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    entities = [
        {
            "id": "E1",
            "label": "ORG",
            **_span("𝐀𝐁𝐂 Corp"),
            "ref": "org:abc_corp",
            "org_type": "COMPANY",
        },
        {"id": "E2", "label": "GPE", **_span("Beijing"), "ref": "gpe:china", "gpe_role": "GOV"},
        {"id": "E3", "label": "DATE", **_span("1 March 2024"), "norm": "2024-03-01"},
        {"id": "E4", "label": "ORG", **_span("𝕏inhua"), "ref": "org:xinhua"},
    ]
    quote = {
        "id": "Q1",
        "type": "direct",
        "content": [_span("“Beijing 🚀 will ban 𝐆𝐚𝐥𝐥𝐢𝐮𝐦 exports”")],
        "cue": _span("said"),
        "source": _span("𝐀𝐁𝐂 Corp 🇨🇳"),
        "speaker_ids": ["E1"],
        "speaker_text": "𝐀𝐁𝐂 Corp",
        "channel": {**_span("according to 𝕏inhua"), "entity_ids": ["E4"]},
        "flags": ["speaker_uncertain"],
    }
    measure = {
        "id": "M1",
        "type": "EXPORT_CONTROL",
        "instrument": "ban",
        "trigger": _span("ban"),
        "scope": _span("ban 𝐆𝐚𝐥𝐥𝐢𝐮𝐦 exports"),
        "status": "announced",
        "specificity": "specific",
        "actor_ids": ["E2"],
        "actor_text": "Beijing",
        "actor_jurisdiction": "CHN",
        "target_ids": [],
        "target_jurisdictions": [],
        "sectors": ["critical_minerals", "semiconductors"],
        "time": [{"entity_id": "E3", "role": "start"}, {"entity_id": "E3", "role": "announced"}],
        "magnitude_ids": [],
    }
    return {
        "schema_version": 1,
        "doc_id": DOC_ID,
        "text_sha256": sha,
        "layers": {
            "noise": _layer([{"id": "N1", "kind": "image_credit", **_span("PHOTO: 📷 Wire")}]),
            "entities": _layer(entities),
            "quotes": _layer([quote]),
            "measures": _layer([measure]),
        },
    }


def add_to(root: Path) -> None:
    """Add the document (raw text, metadata, gold) to the corpus at `root`."""
    meta = json.loads((root / "raw" / "doc-alpha.meta.json").read_text("utf-8"))
    data = gold()
    meta.update(doc_id=DOC_ID, title="Astral fixture", text_sha256=data["text_sha256"])
    meta["story_cluster"] = "cluster-astral"
    (root / "raw" / f"{DOC_ID}.txt").write_bytes(TEXT.encode("utf-8"))
    (root / "raw" / f"{DOC_ID}.meta.json").write_text(json.dumps(meta, indent=2), "utf-8")
    gold_text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    (root / "annotations" / f"{DOC_ID}.json").write_text(gold_text, "utf-8")
