"""Telling the kernel which corpus files will be read soon, so the disk works ahead.

Validating and building read each document's files one after another, in doc_id order, a
few kilobytes at a time, and check each before reading the next. When the files are not in
the page cache (a corpus larger than the cache, or the first run after a reboot), every read
waits for the disk in turn, and the disk, not the checks, sets the pace. `Prefetcher` passes
on the names of the files a chunk of documents is about to need (`posix_fadvise` WILLNEED):
the kernel reads them all at once, while earlier chunks are being checked. Measured on
20,000 documents with an empty page cache: `validate` 8.4-9.1 s -> 4.2-4.3 s; on 100,000,
46.9 s -> 22.2 s. Files read together are mostly cached together (a corpus read moments ago,
or one not read for a while; or one of its directories read, and not the other), so when the
first and the last file of a call (a chunk's first text, its last annotation file) are in the
cache already, the others are not asked for: asking for cached files took validate's parent
0.6 s on 20,000 documents (profiled), time taken from the workers on a two-core machine.
Where the platform lacks the calls (macOS, Windows) it does nothing.

The two calls on the kernel, the residency probe (`resident`) and the advice (`will_need`),
are parameters of `Prefetcher`: what the page cache holds differs between machines and
moments, so the tests give controlled answers and check the decisions made on them, and the
benefit itself is a benchmark figure (benchmarks/README.md), not a test.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from tsr_news.common.files import open_regular

T = TypeVar("T")
R = TypeVar("R")
SUPPORTED = hasattr(os, "posix_fadvise") and os.open in os.supports_dir_fd
NOWAIT = getattr(os, "RWF_NOWAIT", None)  # Linux: a read that fails rather than wait


def resident(fd: int) -> bool:
    """Whether the start of the open file is in the page cache: a read that may not wait for
    the disk succeeds (as it does at once on an empty file). False where such reads are not
    supported."""
    if NOWAIT is None:
        return False
    try:
        os.preadv(fd, [bytearray(1)], 0, NOWAIT)
    except OSError:  # BlockingIOError: not cached
        return False
    return True


def will_need(fd: int) -> None:
    """Ask the kernel to start reading the whole open file into the page cache."""
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)


class Prefetcher:
    """Ask for files under `root` to be read ahead; `close` when done (a context manager).

    `probe` says whether an open file is cached and `advise` asks for one to be read; both
    take a file descriptor, and default to the kernel's answers (`resident`, `will_need`)."""

    def __init__(
        self,
        root: Path,
        probe: Callable[[int], bool] = resident,
        advise: Callable[[int], None] = will_need,
    ):
        self._dir = os.open(root, os.O_RDONLY | os.O_DIRECTORY) if SUPPORTED else None
        self._probe, self._advise = probe, advise

    def __call__(self, names: Iterable[str]) -> None:
        """Start reading these files (relative to the root), unless the first and the last
        are cached; a file that cannot be opened is left for its reader to report."""
        if self._dir is None:
            return
        names = list(names)
        ends = dict.fromkeys(names[:1] + names[-1:])  # the first, then the last (if another)
        if not names or all(self._on_file(name, self._probe) for name in ends):
            return
        for name in names:
            self._on_file(name, self._advise)

    def _on_file(self, name: str, call: Callable[[int], R]) -> R | None:
        """`call(fd)` on the file opened read-only; None if it cannot be opened."""
        try:
            fd = open_regular(name, dir_fd=self._dir)  # never a FIFO: opening one would wait
        except OSError:
            return None
        try:
            return call(fd)
        finally:
            os.close(fd)

    def ahead(
        self, items: Iterable[T], name: Callable[[T], str], distance: int = 256
    ) -> Iterator[T]:
        """`items` in order, the file `name(item)` of each asked for `distance` items before
        the item is yielded: for a caller that reads the files one by one as it goes."""
        waiting: deque[T] = deque()
        for item in items:
            self((name(item),))
            waiting.append(item)
            if len(waiting) > distance:
                yield waiting.popleft()
        yield from waiting

    def close(self) -> None:
        if self._dir is not None:
            os.close(self._dir)
            self._dir = None

    def __enter__(self) -> Prefetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
