"""Generated blocks inside hand-written Markdown, between `<!-- NAME:begin -->` and `:end -->`.

Documents such as the guidelines and the datasheet are prose written by people with tables
that must follow the data; only the text between the markers is ever rewritten.
"""

from __future__ import annotations

from pathlib import Path

from tsr_news.common import atomic


class MissingMarkers(Exception):
    pass


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def empty_block(name: str) -> str:
    """The markers of block `name` with nothing between them, for `replace_block` to fill."""
    begin, end = _markers(name)
    return f"{begin}\n{end}"


def replace_block(text: str, name: str, content: str) -> str:
    """`text` with the block `name` replaced by `content` (markers kept, on lines of their own)."""
    begin, end = _markers(name)
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise MissingMarkers(f"needs exactly one {begin} followed by one {end}")
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{content.rstrip()}\n{end}{tail}"


def replace_blocks(text: str, blocks: dict[str, str]) -> str:
    """`text` with each block `name` of `blocks` replaced by its content."""
    for name, content in blocks.items():
        text = replace_block(text, name, content)
    return text


def is_current(path: Path, blocks: dict[str, str]) -> bool:
    text = path.read_text(encoding="utf-8")
    return replace_blocks(text, blocks) == text


def write_blocks(path: Path, blocks: dict[str, str]) -> bool:
    """Rewrite the blocks in place, atomically; return whether anything changed."""
    text = path.read_text(encoding="utf-8")
    updated = replace_blocks(text, blocks)
    if updated == text:
        return False
    atomic.write_text(path, updated)
    return True
