"""The catalogue of bad inputs: each breaks the valid fixture corpus in one way.

Every case names the file the validator must blame, the problem code and a phrase of the
message. The catalogue is data so that other tests (e.g. a faster schema engine's) can reuse it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tsr_news.checks.jsonpointer import parts

GOLD = "annotations/doc-alpha.json"
LAYER = "annotations/layers/ann1/doc-alpha.json"
META = "raw/doc-alpha.meta.json"
TEXT = "raw/doc-alpha.txt"
ENTITIES = "/layers/entities/items"
QUOTES = "/layers/quotes/items"
MEASURES = "/layers/measures/items"


@dataclass(frozen=True)
class BadInput:
    name: str
    breaks: Callable[[Path], None]
    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return self.name


def edit(rel: str, change: Callable[[object], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    return apply


def _parent(data, ptr: str):
    *head, last = parts(ptr)
    for token in head:
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data, (int(last) if isinstance(data, list) else last)


def set_at(rel: str, ptr: str, value) -> Callable[[Path], None]:
    def change(data):
        parent, key = _parent(data, ptr)
        if isinstance(parent, list) and key == len(parent):
            parent.append(value)
        else:
            parent[key] = value

    return edit(rel, change)


def delete_at(rel: str, ptr: str) -> Callable[[Path], None]:
    def change(data):
        parent, key = _parent(data, ptr)
        del parent[key]

    return edit(rel, change)


def rewrite(rel: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_bytes(change(path.read_bytes()))

    return apply


def copy(src: str, dst: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / dst).parent.mkdir(parents=True, exist_ok=True)
        (root / dst).write_bytes((root / src).read_bytes())

    return apply


def linked_outside(rel: str) -> Callable[[Path], None]:
    """Move the file or directory out of the corpus, leaving a symbolic link to it."""

    def apply(root: Path) -> None:
        outside = root.parent / f"outside-{Path(rel).name}"
        (root / rel).rename(outside)
        (root / rel).symlink_to(outside)

    return apply


def fifo(rel: str) -> Callable[[Path], None]:
    """Replace the file with a FIFO (opening it for reading would wait for a writer)."""

    def apply(root: Path) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)

    return apply


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        for step in steps:
            step(root)

    return apply


def appended(suffix: str, entity: dict) -> Callable[[Path], None]:
    """Append `suffix` to doc-alpha's raw text, every file's text_sha256 following it (so the
    new text is the only change), and annotate `entity`, its offsets within the suffix."""

    def apply(root: Path) -> None:
        text_path = root / TEXT
        start = len(text_path.read_text(encoding="utf-8"))
        data = text_path.read_bytes() + suffix.encode("utf-8")
        text_path.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        for rel in (
            META,
            GOLD,
            *(p.relative_to(root) for p in root.glob("annotations/layers/*/doc-alpha.json")),
        ):
            set_at(str(rel), "/text_sha256", sha)(root)
        shifted = entity | {"start": start + entity["start"], "end": start + entity["end"]}
        set_at(GOLD, f"{ENTITIES}/5", shifted)(root)

    return apply


def _entity(id_: str, label: str, start: int, end: int, text: str) -> dict:
    return {"id": id_, "label": label, "start": start, "end": end, "text": text}


CASES = [
    BadInput(
        "malformed JSON",
        rewrite(META, lambda b: b.replace(b'",\n', b'"\n', 1)),
        META,
        "json-syntax",
        "Expecting ',' delimiter",
    ),
    BadInput(
        "truncated file",
        rewrite(GOLD, lambda b: b[: len(b) // 2]),
        GOLD,
        "json-truncated",
        "truncated",
    ),
    BadInput(
        "UTF-8 BOM",
        rewrite(META, lambda b: b"\xef\xbb\xbf" + b),
        META,
        "utf8-bom",
        "byte order mark",
    ),
    BadInput(
        "invalid UTF-8 in JSON",
        rewrite(GOLD, lambda b: b.replace(b"Washington", b"Washingt\xff", 1)),
        GOLD,
        "utf8-invalid",
        "byte 0xff",
    ),
    BadInput(
        "invalid UTF-8 in raw text",
        rewrite(TEXT, lambda b: b.replace(b"AGENCY", b"AGENC\xff", 1)),
        TEXT,
        "utf8-invalid",
        "not valid UTF-8",
    ),
    # JSON that every reader would not read alike (checks/jsonfile.py): each is one problem
    # of its file, and the file goes no further
    BadInput(
        "null metadata file",
        rewrite(META, lambda b: b"null\n"),
        META,
        "json-top-type",
        "the file holds null; it must hold an object",
    ),
    BadInput(
        "gold file holding an array",
        rewrite(GOLD, lambda b: b"[" + b + b"]"),
        GOLD,
        "json-top-type",
        "the file holds an array; it must hold an object",
    ),
    BadInput(
        "duplicate key",
        # a second, empty "items" after the noise layer's own: it would win, silently
        rewrite(
            GOLD, lambda b: b.replace(b"\n      ]\n    },", b'],\n      "items": []\n    },', 1)
        ),
        GOLD,
        "json-duplicate-key",
        "key 'items' is given twice in this object (first on line 9)",
    ),
    BadInput(
        "whole number written as a fraction",
        set_at(GOLD, f"{ENTITIES}/1/start", 95.0),
        GOLD,
        "json-not-integer",
        "95.0 is not an integer: JSON Schema reads this whole number as an integer",
    ),
    BadInput(
        "whole number written with an exponent",
        rewrite(GOLD, lambda b: b.replace(b'"start": 95,', b'"start": 9.5e1,', 1)),
        GOLD,
        "json-not-integer",
        "9.5e1 is not an integer",
    ),
    BadInput(
        "integer of 5,000 digits",
        rewrite(GOLD, lambda b: b.replace(b'"start": 95,', b'"start": %s,' % (b"9" * 5000), 1)),
        GOLD,
        "json-number-digits",
        "an integer of 5000 digits; integers have at most 18",
    ),
    BadInput(
        "number beyond a float's range",
        rewrite(GOLD, lambda b: b.replace(b'"start": 95,', b'"start": 1e400,', 1)),
        GOLD,
        "json-number-range",
        "1e400 is beyond the range of numbers",
    ),
    BadInput(
        "NaN",
        rewrite(GOLD, lambda b: b.replace(b'"start": 95,', b'"start": NaN,', 1)),
        GOLD,
        "json-syntax",
        "NaN is not JSON",
    ),
    BadInput(
        "lone surrogate escape in a string",
        rewrite(META, lambda b: b.replace(b'"Fixture doc', b'"Fixture \\ud800doc', 1)),
        META,
        "json-surrogate",
        "a string holds a lone surrogate escape (\\ud800)",
    ),
    BadInput(
        "lone surrogate escape in a key",
        rewrite(LAYER, lambda b: b.replace(b'"doc_id"', b'"\\udc00": 1, "doc_id"', 1)),
        LAYER,
        "json-surrogate",
        "a key holds a lone surrogate escape (\\udc00)",
    ),
    BadInput(
        "nesting past the limit",
        rewrite(
            GOLD,
            lambda b: b.replace(
                b'"kind": "image_credit"', b'"kind": %s1%s' % (b"[" * 100, b"]" * 100), 1
            ),
        ),
        GOLD,
        "json-depth",
        "nested deeper than 64 levels",
    ),
    BadInput(
        "wrong type",
        set_at(GOLD, f"{ENTITIES}/1/start", "95"),
        GOLD,
        "schema-type",
        "expected integer, got string",
    ),
    BadInput(
        "unknown entity label",
        set_at(GOLD, f"{ENTITIES}/0/label", "COUNTRY"),
        GOLD,
        "schema-unknown-value",
        "'COUNTRY' is not a known entity label",
    ),
    BadInput(
        "unknown measure type",
        set_at(GOLD, f"{MEASURES}/0/type", "EMBARGO"),
        GOLD,
        "schema-unknown-value",
        "'EMBARGO' is not a known measure type",
    ),
    BadInput(
        "unknown measure status",
        set_at(GOLD, f"{MEASURES}/0/status", "rumoured"),
        GOLD,
        "schema-unknown-value",
        "'rumoured' is not a known measure status",
    ),
    BadInput(
        "unknown sector",
        set_at(GOLD, f"{MEASURES}/0/sectors/0", "chips"),
        GOLD,
        "schema-unknown-value",
        "'chips' is not a known sector",
    ),
    BadInput(
        "unknown noise kind",
        set_at(GOLD, "/layers/noise/items/0/kind", "advert"),
        GOLD,
        "schema-unknown-value",
        "'advert' is not a known noise kind",
    ),
    BadInput(
        "missing required field",
        delete_at(GOLD, f"{QUOTES}/0/speaker_text"),
        GOLD,
        "schema-required",
        "missing required field 'speaker_text'",
    ),
    BadInput(
        "missing meta field",
        delete_at(META, "/published"),
        META,
        "schema-required",
        "missing required field 'published'",
    ),
    BadInput(
        "extra field",
        set_at(GOLD, f"{ENTITIES}/0/confidence", 0.9),
        GOLD,
        "schema-unknown-field",
        "unknown field 'confidence'",
    ),
    BadInput(
        "wrong schema version",
        set_at(META, "/schema_version", 2),
        META,
        "schema-value",
        "expected 1, got 2",
    ),
    BadInput(
        "impossible date",
        set_at(META, "/published", "2024-02-30"),
        META,
        "schema-format",
        "is not a 'date'",
    ),
    BadInput(
        "offset out of range",
        set_at(GOLD, f"{ENTITIES}/3/end", 10_000),
        GOLD,
        "span-bounds",
        "runs past the end of the text",
    ),
    BadInput(
        "start equals end",
        set_at(GOLD, f"{ENTITIES}/0/end", 15),
        GOLD,
        "span-order",
        "start 15 must be less than end 15",
    ),
    BadInput(
        "span text mismatch",
        set_at(GOLD, f"{ENTITIES}/1/text", "Gina Raimundo"),
        GOLD,
        "span-text",
        "'Gina Raimundo' differs from the raw text",
    ),
    BadInput(
        "span with surrounding white space",
        both(
            set_at(GOLD, f"{ENTITIES}/1/end", 109),
            set_at(GOLD, f"{ENTITIES}/1/text", "Gina Raimondo "),
        ),
        GOLD,
        "span-whitespace",
        "trim it to [95, 108)",
    ),
    BadInput(
        "raw text changed after annotation (meta)",
        rewrite(TEXT, lambda b: b.replace(b"13 per cent", b"14 per cent")),
        META,
        "text-hash",
        "raw text is immutable",
    ),
    BadInput(
        "raw text changed after annotation (annotations)",
        rewrite(TEXT, lambda b: b.replace(b"13 per cent", b"14 per cent")),
        GOLD,
        "text-hash",
        "the raw text changed after annotation",
    ),
    BadInput(
        "dangling reference",
        set_at(GOLD, f"{QUOTES}/0/speaker_ids/0", "E99"),
        GOLD,
        "dangling-reference",
        "E99 is not an entity of this file",
    ),
    BadInput(
        "dangling time reference",
        set_at(GOLD, f"{MEASURES}/0/time/0/entity_id", "E42"),
        GOLD,
        "dangling-reference",
        "E42 is not an entity",
    ),
    BadInput(
        "speaker of the wrong label",
        set_at(GOLD, f"{QUOTES}/1/speaker_ids/0", "E3"),
        GOLD,
        "reference-label",
        "E3 ('Tuesday') is DATE; speaker_ids must point to GPE, NORP, ORG or PERSON",
    ),
    BadInput(
        "time of the wrong label",
        set_at(GOLD, f"{MEASURES}/0/time/0/entity_id", "E2"),
        GOLD,
        "reference-label",
        "time must point to DATE or TIME",
    ),
    BadInput(
        "magnitude of the wrong label",
        set_at(GOLD, f"{MEASURES}/0/magnitude_ids", ["E5"]),
        GOLD,
        "reference-label",
        "magnitude_ids must point to CARDINAL, MONEY, PERCENT or QUANTITY",
    ),
    BadInput(
        "overlapping entities",
        set_at(
            GOLD,
            f"{ENTITIES}/5",
            _entity("E6", "PERSON", 100, 108, "Raimondo") | {"ref": "per:raimondo"},
        ),
        GOLD,
        "entity-overlap",
        "overlaps E2",
    ),
    BadInput(
        "annotation overlapping noise",
        set_at(
            GOLD, f"{ENTITIES}/5", _entity("E6", "ORG", 7, 13, "AGENCY") | {"ref": "org:agency"}
        ),
        GOLD,
        "noise-overlap",
        "overlaps noise N1",
    ),
    BadInput(
        "quote overlapping noise",
        set_at(GOLD, f"{QUOTES}/0/source", {"start": 0, "end": 5, "text": "PHOTO"}),
        GOLD,
        "noise-overlap",
        "overlaps noise N1",
    ),
    BadInput(
        "duplicate ids",
        set_at(GOLD, f"{ENTITIES}/4/id", "E1"),
        GOLD,
        "duplicate-id",
        "id E1 is already used",
    ),
    BadInput(
        "GPE without gpe_role",
        delete_at(GOLD, f"{ENTITIES}/0/gpe_role"),
        GOLD,
        "missing-attribute",
        "E1 (GPE) needs gpe_role",
    ),
    BadInput(
        "gpe_role on a PERSON",
        set_at(GOLD, f"{ENTITIES}/1/gpe_role", "GOV"),
        GOLD,
        "attribute-label",
        "gpe_role belongs only on GPE entities",
    ),
    BadInput(
        "PERSON without ref",
        delete_at(GOLD, f"{ENTITIES}/1/ref"),
        GOLD,
        "missing-attribute",
        "E2 (PERSON) needs a ref such as 'per:gina_raimondo'",
    ),
    BadInput(
        "ref with the wrong prefix",
        set_at(GOLD, f"{ENTITIES}/0/ref", "org:usa"),
        GOLD,
        "ref-prefix",
        "must start with 'gpe:'",
    ),
    BadInput(
        "prediction presented as gold",
        both(
            set_at(GOLD, "/layers/entities/origin", "prediction"),
            set_at(GOLD, "/layers/entities/model", "tagger"),
        ),
        GOLD,
        "layer-provenance",
        "gold is human work",
    ),
    BadInput(
        "prediction without its model",
        delete_at("annotations/layers/tagger-x/doc-alpha.json", "/layers/entities/model"),
        "annotations/layers/tagger-x/doc-alpha.json",
        "layer-provenance",
        "must name its 'model'",
    ),
    BadInput(
        "layer annotator differs from its directory",
        set_at(LAYER, "/layers/noise/annotator", "ann2"),
        LAYER,
        "annotator-mismatch",
        "differs from the layer directory 'ann1'",
    ),
    BadInput(
        "annotation for a missing raw document",
        copy(GOLD, "annotations/doc-missing.json"),
        "annotations/doc-missing.json",
        "orphan-annotation",
        "raw/ has no such document",
    ),
    BadInput(
        "layer for a missing raw document",
        copy(LAYER, "annotations/layers/ann1/doc-missing.json"),
        "annotations/layers/ann1/doc-missing.json",
        "orphan-annotation",
        "raw/ has no such document",
    ),
    BadInput(
        "unsafe doc id in a file",
        set_at(META, "/doc_id", "../x"),
        META,
        "schema-pattern",
        "'../x' does not match",
    ),
    BadInput(
        "unsafe doc id as a file name",
        copy(TEXT, "raw/Doc Alpha.txt"),
        "raw/Doc Alpha.txt",
        "unsafe-id",
        "is not a safe document id",
    ),
    BadInput(
        "unsafe annotator directory",
        copy(LAYER, "annotations/layers/Ann 1/doc-alpha.json"),
        "annotations/layers/Ann 1",
        "unsafe-id",
        "safe annotator id",
    ),
    BadInput(
        "doc_id differs from the file name",
        set_at(GOLD, "/doc_id", "doc-beta"),
        GOLD,
        "doc-id-mismatch",
        "differs from the file name's 'doc-alpha'",
    ),
    BadInput(
        "split straddling a story cluster",
        set_at("raw/doc-beta.meta.json", "/split", "test"),
        "raw/doc-alpha.meta.json",
        "split-straddle",
        "story cluster 'cluster-one' straddles splits",
    ),
    BadInput(
        "raw text without provenance",
        copy(TEXT, "raw/doc-delta.txt"),
        "raw/doc-delta.meta.json",
        "missing-meta",
        "has no provenance file",
    ),
    BadInput(
        "provenance without raw text",
        copy(META, "raw/doc-delta.meta.json"),
        "raw/doc-delta.txt",
        "missing-text",
        "raw text is missing",
    ),
    BadInput(
        "stray file in raw/",
        copy(TEXT, "raw/notes.md"),
        "raw/notes.md",
        "unexpected-file",
        "raw/ holds only",
    ),
    BadInput(
        "raw text linked to a file outside the corpus, with a matching hash",
        linked_outside(TEXT),
        TEXT,
        "outside-corpus",
        "outside the corpus",
    ),
    BadInput(
        "layer directory linked outside the corpus",
        linked_outside("annotations/layers/ann1"),
        "annotations/layers/ann1",
        "outside-corpus",
        "outside the corpus",
    ),
    BadInput(
        "metadata file that is a FIFO",
        fifo(META),
        META,
        "unexpected-file",
        "raw/ holds only",
    ),
    # acceptances decided (issue 22, item 6; GUIDELINES.md, D16-D21)
    BadInput(
        "span ending inside a flag (between its two regional indicators)",
        set_at(GOLD, f"{ENTITIES}/5", _entity("E6", "CARDINAL", 158, 159, "\U0001f1fa")),
        GOLD,
        "span-grapheme",
        "end 159 falls inside the character '\U0001f1fa\U0001f1f8' at [158, 160)",
    ),
    BadInput(
        "span ending between a letter and its combining accent",
        appended("Cafe\u0301 Nero\n", _entity("E6", "ORG", 0, 4, "Cafe") | {"ref": "org:cafe"}),
        GOLD,
        "span-grapheme",
        "end 221 falls inside the character 'e\u0301' at [220, 222) (U+0065 + U+0301",
    ),
    BadInput(
        "span ending with a zero-width space",
        appended(
            "Huawei\u200b\n", _entity("E6", "ORG", 0, 7, "Huawei\u200b") | {"ref": "org:huawei"}
        ),
        GOLD,
        "span-invisible",
        "(U+200B ZERO WIDTH SPACE), which is no part of what it marks; trim it to [217, 223)",
    ),
    BadInput(
        "span beginning with a bidi override",
        appended(
            "\u202eHuawei\n", _entity("E6", "ORG", 0, 7, "\u202eHuawei") | {"ref": "org:huawei"}
        ),
        GOLD,
        "span-invisible",
        "U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    BadInput(
        "norm that matches the pattern but is no date",
        set_at(GOLD, f"{ENTITIES}/2/norm", "9999-99-99T99:99:99"),
        GOLD,
        "norm-value",
        "norm '9999-99-99T99:99:99' of E3 (DATE) is no real date or time",
    ),
    BadInput(
        "norm naming a day February lacks",
        set_at(GOLD, f"{ENTITIES}/2/norm", "2023-02-29"),
        GOLD,
        "norm-value",
        "'2023-02-29' is not a date of the calendar (day is out of range for month)",
    ),
    BadInput(
        "norm range ending before it starts",
        set_at(GOLD, f"{ENTITIES}/2/norm", "2024-01-09/2024-01-02"),
        GOLD,
        "norm-value",
        "the range ends (2024-01-02) before it starts (2024-01-09)",
    ),
    BadInput(
        "quote whose cue lies inside its content",
        both(
            set_at(GOLD, f"{QUOTES}/1/content/0/end", 156),
            set_at(GOLD, f"{QUOTES}/1/content/0/text", "“We will act fast,” she added"),
            set_at(GOLD, f"{QUOTES}/1/source", None),
        ),
        GOLD,
        "quote-part-overlap",
        "the cue [151, 156) 'added' overlaps content 0 [127, 156)",
    ),
    BadInput(
        "quote whose source lies inside its content",
        set_at(GOLD, f"{QUOTES}/0/source", {"start": 15, "end": 25, "text": "Washington"}),
        GOLD,
        "quote-part-overlap",
        "the source [15, 25) 'Washington' overlaps content 0",
    ),
    BadInput(
        "quote content span listed twice",
        set_at(
            GOLD, f"{QUOTES}/1/content/1", {"start": 127, "end": 146, "text": "“We will act fast,”"}
        ),
        GOLD,
        "quote-content-repeated",
        "content 1 [127, 146) '“We will act fast,”' repeats content 0 of Q2",
    ),
    BadInput(
        "measure whose actor mention is also its target",
        set_at(GOLD, f"{MEASURES}/0/target_ids", ["E1"]),
        GOLD,
        "actor-is-target",
        "E1 ('Washington') is both an actor and a target of M1",
    ),
    BadInput(
        "ref on a DATE",
        set_at(GOLD, f"{ENTITIES}/2/ref", "date:tuesday"),
        GOLD,
        "attribute-label",
        "ref belongs only on EVENT, FAC, GPE, LANGUAGE, LAW, LOC, NORP, ORG, PERSON, PRODUCT or "
        "WORK_OF_ART entities; E3 is DATE: remove ref",
    ),
    BadInput(
        "ref on a PERCENT",
        set_at(GOLD, f"{ENTITIES}/3/ref", "percent:13"),
        GOLD,
        "attribute-label",
        "E4 is PERCENT: remove ref",
    ),
]
