"""Withholding the article text from release rows, and putting it back.

The article texts are copyrighted (DATASHEET.md, Distribution), so a release meant for
publication can leave them out: `withhold` blanks every string that is a copy of the text
(the `documents` row's `text`, the `text` of every span record in every config, the `ner`
tokens) and keeps everything else, offsets and `text_sha256` included. A user holding the
raw texts can then restore every blanked string from offsets alone (`fill_spans`): the span
texts are `text[start:end]` by the scheme's rule, and the tokens are the tokenizer's output.

The NER tokens are replaced by as many empty strings, not dropped, so `len(tokens) ==
len(ner_tags)` holds in both kinds of release.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SPAN_KEYS = frozenset({"start", "end", "text"})
# what `withhold` empties, in words (for `build --help`, the README and the card)
WITHHELD_FIELDS = (
    "`documents.text` and `layers`' and `documents`' nested span texts, the `text` of every "
    "span in every config (noise, entities, quote content, cue, source and channel, measure "
    "trigger and scope) and every `ner` token, each set to an empty string"
)


def withhold(row: dict, config: str) -> dict:
    """A copy of `row` (of `config`) with the article text and every copy of it set to ""."""
    row = _set_span_texts(row, lambda span: "")
    if config == "documents":
        row["text"] = ""
    elif config == "ner":
        row["tokens"] = [""] * len(row["tokens"])
    return row


def fill_spans(value: Any, text: str) -> Any:
    """A copy of `value` with the `text` of every span record, nested anywhere in it, set to
    `text[start:end]`: what `withhold` blanked."""
    return _set_span_texts(value, lambda span: text[span["start"] : span["end"]])


def _set_span_texts(value: Any, text_of: Callable[[dict], str]) -> Any:
    if isinstance(value, list):
        return [_set_span_texts(item, text_of) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _set_span_texts(item, text_of) for key, item in value.items()}
    if out.keys() >= SPAN_KEYS:
        out["text"] = text_of(out)
    return out
