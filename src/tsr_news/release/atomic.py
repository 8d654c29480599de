"""Write a directory completely, then rename it into place: readers see all of it or none.

The new tree is written to a hidden temporary sibling (`.<name>.tmp-<pid>`), every file and
directory fsynced, then swapped in by rename. An existing target is first renamed aside to
`.<name>.old-<pid>` and removed after the swap; the two renames are the only window in which
the target name is absent, and a build killed inside it leaves the previous release under the
`.old` name, which the next build puts back before doing anything else. Temporary directories
of builds that were killed (their process is gone) are removed the same way.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tsr_news.atomic import process_alive


def _owner_alive(path: Path) -> bool:
    return process_alive(int(path.name.rsplit("-", 1)[1]))


def recover(target: Path) -> None:
    """Undo what killed builds left next to `target`: restore a release, drop temp dirs."""
    for old in sorted(target.parent.glob(f".{target.name}.old-*")):
        if _owner_alive(old):
            continue
        if not target.exists():
            old.rename(target)
        else:
            shutil.rmtree(old)
    for tmp in sorted(target.parent.glob(f".{target.name}.tmp-*")):
        if not _owner_alive(tmp):
            shutil.rmtree(tmp)


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
    """Yield a fresh temporary directory; on success, make it `target`; on error, drop it."""
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
