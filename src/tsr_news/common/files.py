"""The file-system policy, in one place: what the tools read, where they write, and how the
file system's failures reach a user.

- **Regular files only.** `open_regular` opens without waiting (a FIFO opened for reading
  waits for a writer: `validate PATH` hung on one) and refuses anything but a regular file
  before a byte is read: a FIFO, a device, a socket or a directory is `NotARegularFile`.
- **Inside the stated directory.** `inside` says whether a path's real location is within a
  directory's real location; the corpus listing (`corpus.layout`) refuses a symbolic link
  that leaves the corpus, and `output_dir` refuses an output directory whose writes would
  land outside the directory it was stated in (a `build/` linked elsewhere).
- **One writer at a time.** `output_lock` holds an exclusive `flock` on a lock file beside an
  output directory for as long as a command writes into it, so two builds cannot interleave
  (one's release with the other's record of inputs); a second one is refused at once. What
  a writer finds of another's temporaries while holding it was left by a killed process.
- **The environment's failures are one line.** Every `OSError` reaching the command line
  (permission denied, a symbolic link loop, a file that vanished mid-run, a full disk, an
  output path that is a file) is `describe`d in one line and exits 2 (`cli.main`).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tsr_news.common.exits import UsageError


class NotARegularFile(OSError):
    """A path the tools were to read is a FIFO, a device, a socket or a directory."""


class Busy(UsageError):
    """Another process holds the output directory's lock."""


def open_regular(path: str | os.PathLike, dir_fd: int | None = None) -> int:
    """A read-only descriptor of the regular file at `path` (relative to `dir_fd` if given);
    NotARegularFile, without blocking, for anything else."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        mode = os.fstat(fd).st_mode
    except BaseException:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotARegularFile(errno.EINVAL, "not a regular file", os.fspath(path))
    return fd


def read_regular(path: str | os.PathLike) -> bytes:
    """The bytes of the regular file at `path` (`open_regular`)."""
    with os.fdopen(open_regular(path), "rb") as file:
        return file.read()


def inside(root: str | os.PathLike, path: str | os.PathLike) -> bool:
    """Whether `path`, every symbolic link followed, is `root` or within it (also followed)."""
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    return os.path.commonpath([real_root, real]) == real_root


def output_dir(path: Path, base: Path | None = None) -> Path:
    """`path`, an output directory (existing or to be made) whose writes land within `base`
    (default: its parent), the parent made if missing; else a UsageError (exit 2) saying why.
    A directory linked elsewhere would put the files outside the directory they were asked
    for (a `build/` linked out of the repository, say)."""
    base = path.parent if base is None else base
    if not inside(base, path):
        raise UsageError(
            f"{printable(path)} leads to {printable(os.path.realpath(path))}, outside "
            f"{printable(base)}: outputs are written only under the directory they are stated "
            "in; remove the symbolic link or choose another output"
        )
    if path.exists() and not path.is_dir():
        raise UsageError(f"{printable(path)} is not a directory: it cannot hold the output")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock of output directory `out` (`.<name>.lock` in its parent, so that taking
    it creates nothing in `out`) for the block; Busy if another process holds it."""
    lock = out.parent / f".{out.name}.lock"
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(
                f"another process is writing into {printable(out)} (it holds {printable(lock)}); "
                "wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def describe(error: OSError) -> str:
    """One line for an OSError: what failed, on which file, without a traceback."""
    what = error.strerror or str(error) or type(error).__name__
    names = [n for n in (error.filename, error.filename2) if n is not None]
    return f"{what}: {' -> '.join(printable(n) for n in names)}" if names else what


def printable(name: str | bytes | os.PathLike) -> str:
    """A file name as text that any output can carry: bytes that are not UTF-8 (kept by
    Python as lone surrogates) are written as `\\xNN` escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
