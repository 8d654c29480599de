"""Atomic writes: a reader (or a crash) never sees a half-written file or directory.

A file is written to a temporary sibling, fsynced and renamed into place (`replacing`,
`write_bytes`). A directory tree (a release) is written to a hidden temporary sibling
(`.<name>.tmp-<pid>`), every file and directory fsynced, then swapped in by rename
(`replace_directory`). An existing target is first renamed aside to `.<name>.old-<pid>` and
removed after the swap; the two renames are the only window in which the target name is
absent, and a build killed inside it leaves the previous release under the `.old` name, which
the next build puts back before doing anything else. Release directories are written holding
the output directory's lock (`files.output_lock`), so every temporary found there then is a
killed writer's, and is removed: whether a process of its number still lives says nothing
(numbers are reused, by processes that are not builds).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
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
    prefix = f".{path.name}.{os.getpid()}-"  # for `remove_abandoned` to find
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
    """Remove the temporary files that processes killed while writing `path` left beside it;
    call holding the lock of its directory (`files.output_lock`), which no other writer then
    holds."""
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*-*.tmp"):
        temp.unlink(missing_ok=True)


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


def recover(target: Path) -> None:
    """Undo what killed builds left next to `target`: restore a release, drop temp dirs. Call
    holding the lock of its directory (`files.output_lock`)."""
    for old in sorted(target.parent.glob(f".{glob.escape(target.name)}.old-*")):
        if not target.exists():
            old.rename(target)
        else:
            shutil.rmtree(old)
    for tmp in sorted(target.parent.glob(f".{glob.escape(target.name)}.tmp-*")):
        shutil.rmtree(tmp)


@contextmanager
def removed_if_left_empty(directory: Path) -> Iterator[None]:
    """Remove `directory` if the block, which may create it, fails and leaves it empty: a
    failed build leaves no empty `build/`."""
    existed = directory.exists()
    try:
        yield
    except BaseException:
        if not existed and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
        raise


def fsync_tree(root: Path) -> None:
    """fsync every file and directory under `root` (directories after their entries)."""
    for dirpath, _, filenames in os.walk(root, topdown=False):
        for name in filenames:
            _fsync(Path(dirpath) / name)
        _fsync(Path(dirpath))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replace_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory; on success, make it `target`; on error, drop it.
    Call holding the lock of `target.parent` (`files.output_lock`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    tmp.mkdir()
    try:
        yield tmp
        fsync_tree(tmp)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        _fsync(target.parent)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        if old.exists() and not target.exists():
            old.rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
