"""Prefetching: the files named are read into the page cache before anyone reads them."""

from __future__ import annotations

import os
import time

import pytest

from tsr_news.corpus.prefetch import SUPPORTED, Prefetcher

SIZE = 1 << 20
GRACE_SECONDS = 2  # far more than reading 1 MB takes on any disk


def _evicted(path) -> int:
    """An open descriptor of `path`, its written pages dropped from the page cache."""
    with open(path, "wb") as file:
        file.write(os.urandom(SIZE))
        file.flush()
        os.fsync(file.fileno())  # clean pages can be dropped
    fd = os.open(path, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    return fd


def _last_page_cached(fd: int) -> bool:
    """Whether the file's last page is in the page cache: a read that may not wait for the
    disk succeeds. (Asked once per file: a read that misses starts reading ahead itself.)"""
    try:
        return os.preadv(fd, [bytearray(4096)], SIZE - 4096, os.RWF_NOWAIT) > 0
    except BlockingIOError:
        return False


@pytest.mark.skipif(not SUPPORTED, reason="posix_fadvise: Linux and other POSIX systems only")
def test_prefetched_files_are_in_the_page_cache_before_they_are_read(tmp_path):
    wanted, control = _evicted(tmp_path / "wanted.txt"), _evicted(tmp_path / "control.txt")
    try:
        with Prefetcher(tmp_path) as prefetch:
            prefetch(["wanted.txt", "missing.txt"])  # a missing file is left to its reader
        time.sleep(GRACE_SECONDS)
        if _last_page_cached(control):
            pytest.skip("this file system keeps files in memory (tmpfs): nothing to observe")
        assert _last_page_cached(wanted)
    finally:
        os.close(wanted)
        os.close(control)


@pytest.mark.skipif(not SUPPORTED, reason="posix_fadvise: Linux and other POSIX systems only")
@pytest.mark.parametrize(
    ("last_cached", "middle_read"),
    [(True, False), (False, True)],
    ids=["first-and-last-cached-nothing-asked", "last-not-cached-all-asked"],
)
def test_files_are_asked_for_unless_the_first_and_last_are_cached(
    tmp_path, last_cached, middle_read
):
    (tmp_path / "first.txt").write_bytes(b"read moments ago")  # in the page cache
    middle, control = _evicted(tmp_path / "middle.txt"), _evicted(tmp_path / "control.txt")
    last = tmp_path / "last.txt"
    if last_cached:
        last.write_bytes(b"read moments ago")
    else:
        os.close(_evicted(last))
    try:
        with Prefetcher(tmp_path) as prefetch:
            prefetch(["first.txt", "middle.txt", "last.txt"])
        time.sleep(GRACE_SECONDS)
        if _last_page_cached(control):
            pytest.skip("this file system keeps files in memory (tmpfs): nothing to observe")
        assert _last_page_cached(middle) == middle_read
    finally:
        os.close(middle)
        os.close(control)


def test_ahead_yields_every_item_in_order_its_file_asked_for_that_many_items_before(tmp_path):
    asked: list[str] = []

    class Recording(Prefetcher):
        def __call__(self, names):
            asked.extend(names)

    items = [f"doc-{i}" for i in range(10)]
    seen = []
    with Recording(tmp_path) as prefetch:
        for item in prefetch.ahead(items, lambda doc: f"raw/{doc}.meta.json", distance=3):
            seen.append(item)
            # when an item comes, the files of the next three have been asked for already
            assert asked == [f"raw/{doc}.meta.json" for doc in items[: len(seen) + 3]]
    assert seen == items
