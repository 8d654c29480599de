"""The reference validator, fast enough to explain every rejected file of a large corpus.

`loader.schema_findings` lets jsonschema-rs decide whether a value is valid and jsonschema
(the design card's validator, `schemas.validator`) explain why not. Explaining one rejected
annotation file took jsonschema about 15 ms, so a corpus with 5% of its documents broken
validated at half its usual speed. Two things cost most, and neither shapes an error:

- every visit to a `$ref` resolved it anew (the `referencing` library walks the JSON pointer
  each time, about 100 times per file). The explainer's schema has each `$ref` replaced by its
  target once, when it is compiled: by the target itself where the `$ref` stands alone, by
  `allOf: [target]` in the `$ref`'s place among its sibling keywords where it has some (what
  `$ref` means in draft 2020-12; keywords are applied in order, so the errors come in the
  reference's order too);
- `oneOf` over a taxonomy inventory tried each of up to 18 `const` branches. When the value
  is one of the inventory's strings exactly one branch holds, so the explainer's `oneOf`
  returns at once; any other value goes to jsonschema's own `oneOf`, error and all.

Everything else is jsonschema's own code. tests/test_schema_engines.py proves that the
explainer's findings equal the reference's on every bad-input case and on a generated corpus
with every kind of error.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator, FormatChecker, validators

from tsr_news.jsonpointer import parts
from tsr_news.schemas import load_schema, schemas_by_id


@cache
def explainer(name: str) -> Draft202012Validator:
    """jsonschema for one schema, its `$ref`s inlined, its inventories' `oneOf` short-cut."""
    schema = load_schema(name)
    schema = inlined(schema, schema["$id"], schemas_by_id())
    return _Explainer(schema, format_checker=FormatChecker())


def inlined(
    schema: object, base: str, by_id: dict[str, dict], resolving: tuple[str, ...] = ()
) -> object:
    """`schema` (at URI `base`) with every `$ref` replaced by its target, itself inlined.

    `$ref`s resolve into the schemas of `by_id` (`$id` -> schema). A recursive `$ref` could
    never be inlined and is refused (ValueError), as is one beside an `allOf` (no place keeps
    both in order) or to an unknown schema (KeyError).
    """
    if isinstance(schema, list):
        return [inlined(item, base, by_id, resolving) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" not in schema:
        return {k: inlined(v, base, by_id, resolving) for k, v in schema.items()}
    if "allOf" in schema:
        raise ValueError(f"$ref beside allOf in {base}: it cannot be inlined in order")
    uri = urljoin(base, schema["$ref"])
    if uri in resolving:
        raise ValueError(f"recursive $ref {uri}: it cannot be inlined")
    document, fragment = urldefrag(uri)
    target = by_id[document]
    for token in parts(fragment):
        target = target[int(token) if isinstance(target, list) else token]
    target = inlined(target, document, by_id, (*resolving, uri))
    if len(schema) == 1:
        return target
    return {
        ("allOf" if k == "$ref" else k): (
            [target] if k == "$ref" else inlined(v, base, by_id, resolving)
        )
        for k, v in schema.items()
    }


def _one_of(validator, branches, instance, schema):
    values = _inventory_values(branches)
    if values is not None and isinstance(instance, str) and instance in values:
        return
    yield from _JSONSCHEMA_ONE_OF(validator, branches, instance, schema)


_INVENTORIES: dict[int, tuple[list, frozenset[str] | None]] = {}  # id -> (branches, values)
_ANNOTATIONS = {"description", "title", "$comment"}  # keywords that check nothing


def _inventory_values(branches: list) -> frozenset[str] | None:
    """The values of an inventory's branches, or None if `branches` is not an inventory: each
    branch a `const` string plus annotations only (`x-` keywords are the taxonomy's own)."""
    if id(branches) not in _INVENTORIES:  # the list is kept, so its id is never reused
        inventory = all(
            isinstance(b, dict)
            and isinstance(b.get("const"), str)
            and all(k == "const" or k in _ANNOTATIONS or k.startswith("x-") for k in b)
            for b in branches
        )
        consts = [b["const"] for b in branches] if inventory else []
        distinct = inventory and len(set(consts)) == len(consts)
        _INVENTORIES[id(branches)] = (branches, frozenset(consts) if distinct else None)
    return _INVENTORIES[id(branches)][1]


_JSONSCHEMA_ONE_OF = Draft202012Validator.VALIDATORS["oneOf"]
_Explainer = validators.extend(Draft202012Validator, {"oneOf": _one_of})
