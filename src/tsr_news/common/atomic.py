"""Atomic file writes: a reader (or a crash) never sees a half-written file."""

from __future__ import annotations

import glob
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A new file beside `path`, to write in the block: fsynced and renamed to `path` when the
    block ends, removed if it raises. For a file written piece by piece (`write_bytes` writes
    one in one go)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}.{os.getpid()}-"  # whose it is, for `remove_abandoned`
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private; give it the usual mode
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_abandoned(path: Path) -> None:
    """Remove the temporary files that processes killed while writing `path` left beside it."""
    start = len(f".{path.name}.")
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*-*.tmp"):
        pid = temp.name[start:].split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            temp.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process `pid` exists (ours or not)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, then rename it into place."""
    with replacing(path) as out:
        out.write(data)


def write_text(path: Path, text: str) -> None:
    """Write `text` as UTF-8, newlines as given, atomically (see `write_bytes`)."""
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: object) -> None:
    """Write JSON as the corpus files are written: two-space indent, UTF-8, final newline."""
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
