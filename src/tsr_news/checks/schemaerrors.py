"""JSON Schema errors, rephrased for the people who fix the files.

jsonschema's own messages describe the schema ("... is not valid under any of the given
schemas"); these say what is wrong with the data and what would be right, and point at the
offending member itself (an unknown field's pointer is the field, not its parent).
"""

from __future__ import annotations

from collections.abc import Iterator

from jsonschema import ValidationError
from jsonschema.exceptions import best_match

from tsr_news.checks.jsonpointer import pointer
from tsr_news.checks.semantic import Finding

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def findings(error: ValidationError) -> Iterator[Finding]:
    path = list(error.absolute_path)
    ptr = pointer(path)
    kind = error.validator
    if kind == "required":
        # jsonschema raises one error per missing property, naming it first in the message
        missing = next(p for p in error.validator_value if error.message.startswith(repr(p)))
        yield Finding(ptr, "schema-required", f"missing required field {missing!r}")
    elif kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(allowed)):
            yield Finding(
                pointer([*path, extra]),
                "schema-unknown-field",
                f"unknown field {extra!r}; allowed here: {', '.join(allowed)}",
            )
    elif kind == "oneOf" and all("const" in branch for branch in error.validator_value):
        title = error.schema.get("title", "value").lower()
        values = ", ".join(str(branch["const"]) for branch in error.validator_value)
        yield Finding(
            ptr,
            "schema-unknown-value",
            f"{error.instance!r} is not a known {title}; expected one of: {values}",
        )
    elif kind in ("oneOf", "anyOf") and error.context:
        yield from _branch_findings(error)
    elif kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        got = _JSON_TYPES.get(type(error.instance), type(error.instance).__name__)
        yield Finding(
            ptr, "schema-type", f"expected {expected}, got {got} {_short(error.instance)}"
        )
    elif kind == "const":
        yield Finding(
            ptr, "schema-value", f"expected {error.validator_value!r}, got {_short(error.instance)}"
        )
    elif kind == "pattern":
        hint = error.schema.get("description", "")
        yield Finding(
            ptr,
            "schema-pattern",
            f"{error.instance!r} does not match {error.validator_value}"
            + (f" ({hint})" if hint else ""),
        )
    else:
        yield Finding(ptr, f"schema-{kind}", error.message)


def _branch_findings(error: ValidationError) -> Iterator[Finding]:
    """Explain a failed oneOf/anyOf by the branch meant for this type of value, if one is."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    fitting = [
        errors
        for errors in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in errors)
    ]
    for sub in fitting[0] if len(fitting) == 1 else [best_match(error.context)]:
        yield from findings(sub)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
