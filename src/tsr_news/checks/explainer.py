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

Even so, jsonschema walked all of a rejected file to find its one bad item: about 3 ms for an
annotation file of ~50 entities, quotes and measures, where checking a valid one takes 0.3 ms.
`explain` is told where the fast engine found errors, and does not descend into array items
that none of them lies in (`_items`). That is sound where the fast engine reports an item's
errors inside the item: the item's schema is reached from the root through `properties`,
`patternProperties`, `additionalProperties`, `items` and `allOf` only (`prunable_schemas`).
Under `oneOf`, `anyOf`, `not` or `if`, a failing item is reported at the combinator, the
item's place is unknown, and every item is explained. Were the engines ever to disagree on an
item of a rejected file, that item's error would go unexplained (and if it were the only one,
`loader.schema_findings` would report the fast engine's message instead).

Everything else is jsonschema's own code. tests/test_schema_engines.py proves that `explain`
gives exactly the reference's errors on every bad-input case, on a generated corpus with every
kind of error, and on files with several errors in several items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from tsr_news.checks.jsonpointer import parts
from tsr_news.scheme.schemas import load_schema, schemas_by_id


@cache
def explainer(name: str) -> Draft202012Validator:
    """jsonschema for one schema, its `$ref`s inlined, its inventories' `oneOf` short-cut."""
    schema = load_schema(name)
    schema = inlined(schema, schema["$id"], schemas_by_id())
    return _Explainer(schema, format_checker=FormatChecker())


def explain(
    name: str, value: object, located: Iterable[Sequence[str | int]]
) -> list[ValidationError]:
    """The reference's errors about `value`, which the fast engine rejected with errors at the
    instance paths `located`, in the reference's order: its errors on the items of arrays no
    path leads into are not looked for, since there are none (see the module's docstring)."""
    wanted = _wanted_items(value, located)
    pruning = None if wanted is None else _Pruning(_prunable(name), wanted)
    token = _PRUNING.set(pruning)
    try:
        return list(explainer(name).iter_errors(value))
    finally:
        _PRUNING.reset(token)


@dataclass(frozen=True)
class _Pruning:
    schemas: frozenset[int]  # ids of the subschemas whose `items` may be pruned
    items: dict[int, set[int]]  # id of an array -> the indices of the items to explain


_PRUNING: ContextVar[_Pruning | None] = ContextVar("pruning", default=None)


def _wanted_items(value: object, located: Iterable[Sequence[str | int]]) -> dict | None:
    """For each array that a path of `located` leads through, the indices it takes there
    (arrays by id); None if a path does not lead anywhere in `value`, which prunes nothing."""
    wanted: dict[int, set[int]] = {}
    for path in located:
        node = value
        for token in path:
            if isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node):
                wanted.setdefault(id(node), set()).add(token)
            elif not (isinstance(node, dict) and token in node):
                return None
            node = node[token]
    return wanted


@cache
def _prunable(name: str) -> frozenset[int]:
    return prunable_schemas(explainer(name).schema)


def prunable_schemas(schema: object) -> frozenset[int]:
    """The ids of the subschemas of `schema` with an `items` schema whose failing items the
    fast engine reports inside the item: those reached from the root through keywords that
    report their subschemas' errors as they are, never through a combinator."""
    found = set()

    def visit(schema: object) -> None:
        if not isinstance(schema, dict):
            return
        if isinstance(schema.get("items"), dict) and "prefixItems" not in schema:
            found.add(id(schema))
        for key in ("properties", "patternProperties"):
            for subschema in schema.get(key, {}).values():
                visit(subschema)
        for key in ("additionalProperties", "items"):
            visit(schema.get(key))
        for subschema in schema.get("allOf", []):
            visit(subschema)

    visit(schema)
    return frozenset(found)


def _items(validator, items, instance, schema):
    pruning = _PRUNING.get()
    if pruning is None or id(schema) not in pruning.schemas:
        yield from _JSONSCHEMA_ITEMS(validator, items, instance, schema)
        return
    if validator.is_type(instance, "array"):
        for index in sorted(pruning.items.get(id(instance), ())):
            yield from validator.descend(instance[index], items, path=index)


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
_JSONSCHEMA_ITEMS = Draft202012Validator.VALIDATORS["items"]
_Explainer = validators.extend(Draft202012Validator, {"oneOf": _one_of, "items": _items})
