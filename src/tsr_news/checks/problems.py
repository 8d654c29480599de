"""Problems found in the corpus, and the three ways of reporting them.

A problem names the file (relative to the corpus root), the JSON Pointer of the offending
value ('' for the whole file), the line where known, a stable code and a message saying what is
wrong and what would be right.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

FORMATS = ("text", "json", "github")


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str
    line: int | None
    pointer: str
    code: str
    message: str

    def sort_key(self) -> tuple:
        """Reports list problems by file, line and pointer, whatever order they were found in."""
        return (self.path, self.line or 0, self.pointer, self.code, self.message)

    def as_text(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        ptr = self.pointer or "/"
        return f"{where}: {ptr}: {self.message} [{self.code}]"

    def as_github(self) -> str:
        props = f"file={_gh_property(self.path)}"
        if self.line is not None:
            props += f",line={self.line}"
        props += f",title={_gh_property('tsr-news ' + self.code)}"
        return f"::error {props}::{_gh_data((self.pointer or '/') + ': ' + self.message)}"


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def render(problems: list[Problem], fmt: str, summary: dict) -> str:
    """The report of a run in format `fmt` (one of FORMATS); `summary` holds the counts."""
    if fmt == "json":
        body = {**summary, "valid": not problems, "problems": [asdict(p) for p in problems]}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    lines = [p.as_github() if fmt == "github" else p.as_text() for p in problems]
    return "".join(line + "\n" for line in lines)
