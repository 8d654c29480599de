"""The corpus's committed release settings: `[tool.tsr-news.release]` in ROOT/pyproject.toml.

One setting today, `fallback-layers`: the annotator layers a document's release layer falls
back to when it has neither gold nor exactly one human layer (`layers.release_layer`), first
present wins. For this corpus it names the AI-written draft, so the release carries it, each row
saying so. It is a committed setting, not a build option, so that every build of a commit
chooses the same layers; the manifest records it. A corpus without the file or the table has
no fallback: only gold and single human layers are released.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tsr_news.corpus.layout import ANNOTATOR_ID

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SETTINGS_FILE = "pyproject.toml"
TABLE = ("tool", "tsr-news", "release")
KNOWN = {"fallback-layers"}


class BadSettings(Exception):
    """The release settings cannot be used (a usage error: the message says what to fix)."""


@dataclass(frozen=True)
class ReleaseSettings:
    fallback_layers: tuple[str, ...] = ()


def read_settings(root: Path) -> ReleaseSettings:
    """The release settings of the corpus at `root` (defaults if it sets none)."""
    path = root / SETTINGS_FILE
    where = f"{path}: [{'.'.join(TABLE)}]"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadSettings(f"{path}: cannot be read as TOML ({error})") from None
    table = data
    for key in TABLE:
        table = table.get(key, {}) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise BadSettings(f"{where} must be a table")
    unknown = sorted(set(table) - KNOWN)
    if unknown:
        raise BadSettings(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}"
        )
    fallback = table.get("fallback-layers", [])
    if not isinstance(fallback, list) or not all(
        isinstance(name, str) and ANNOTATOR_ID.fullmatch(name) for name in fallback
    ):
        raise BadSettings(
            f"{where}: fallback-layers must be a list of annotator ids "
            f"(lowercase letters, digits, '.', '_', '-'), got {fallback!r}"
        )
    if len(set(fallback)) != len(fallback):
        raise BadSettings(f"{where}: fallback-layers names a layer twice: {fallback!r}")
    return ReleaseSettings(tuple(fallback))
