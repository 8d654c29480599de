"""Encoding rows for Arrow: label strings to ClassLabel ids, worked out once per config.

`datasets.Features.encode_example` does this generically, inspecting every value's feature
on every row; on a large corpus that inspection costs more than everything else in the build.
`encoder` walks the features once and returns a function that touches only the fields that
need encoding (ClassLabels, and the lists and records holding them). Absent optional keys are
left absent: Arrow writes them as nulls, as `encode_example` would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datasets import ClassLabel, Features, List

Encode = Callable[[Any], Any]


def encoder(features: Features) -> Encode:
    """A function encoding a row of `features` (label names -> ids); a row needing nothing
    is returned as is."""
    return _encoder(dict(features)) or (lambda row: row)


def _encoder(feature: Any) -> Encode | None:
    """The encoding of one feature, or None when its values are stored as they are."""
    if isinstance(feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.names)}
        return lambda value: None if value is None else ids[value]
    if isinstance(feature, List) and isinstance(feature.feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.feature.names)}  # inlined: long lists
        return lambda value: None if value is None else [ids[v] for v in value]
    if isinstance(feature, List):
        inner = _encoder(feature.feature)
        if inner is None:
            return None
        return lambda value: None if value is None else [inner(v) for v in value]
    if isinstance(feature, dict):
        fields = [(k, e) for k, f in feature.items() if (e := _encoder(f)) is not None]
        if not fields:
            return None

        def encode_record(value: dict | None) -> dict | None:
            if value is None:
                return None
            out = dict(value)
            for key, encode in fields:
                if key in out:
                    out[key] = encode(out[key])
            return out

        return encode_record
    return None
