"""Prefetching: which files are asked for, given what the page cache holds.

What the kernel's page cache holds differs between machines and moments, so these tests give
the prefetcher controlled answers to its residency probe and record its advice, on real files
opened by the real code; the one test on the kernel's own calls asserts only what holds
whatever is cached. The benefit of prefetching is a benchmark figure (benchmarks/README.md).
"""

from __future__ import annotations

import os

import pytest

from tsr_news.corpus import prefetch as prefetch_module
from tsr_news.corpus.prefetch import SUPPORTED, Prefetcher, resident, will_need

needs_fadvise = pytest.mark.skipif(
    not SUPPORTED, reason="posix_fadvise: Linux and other POSIX systems only"
)
NAMES = ["first.txt", "middle.txt", "last.txt"]


class Kernel:
    """Controlled answers to the residency probe, and a record of what was probed and asked
    for; each file is told by its content, which is its name."""

    def __init__(self, cached: set[str]):
        self.cached, self.probed, self.advised = cached, [], []

    @staticmethod
    def _name(fd: int) -> str:
        return os.pread(fd, 256, 0).decode()

    def probe(self, fd: int) -> bool:
        self.probed.append(self._name(fd))
        return self.probed[-1] in self.cached

    def advise(self, fd: int) -> None:
        self.advised.append(self._name(fd))


def _files(root, names=NAMES):
    for name in names:
        (root / name).write_text(name)


def _asked(root, names, cached) -> Kernel:
    kernel = Kernel(cached)
    with Prefetcher(root, probe=kernel.probe, advise=kernel.advise) as prefetch:
        prefetch(names)
    return kernel


@needs_fadvise
@pytest.mark.parametrize(
    ("cached", "probed", "advised"),
    [
        ({"first.txt", "last.txt"}, ["first.txt", "last.txt"], []),
        (set(NAMES), ["first.txt", "last.txt"], []),
        ({"first.txt"}, ["first.txt", "last.txt"], NAMES),
        ({"last.txt"}, ["first.txt"], NAMES),
        ({"middle.txt"}, ["first.txt"], NAMES),
        (set(), ["first.txt"], NAMES),
    ],
    ids=[
        "first-and-last-cached-nothing-asked",
        "all-cached-nothing-asked",
        "last-not-cached-all-asked",
        "first-not-cached-all-asked",
        "only-middle-cached-all-asked",
        "none-cached-all-asked",
    ],
)
def test_files_are_asked_for_in_order_unless_the_first_and_last_are_cached(
    tmp_path, cached, probed, advised
):
    """The first file is probed, then the last if the first is cached; the middle never."""
    _files(tmp_path)
    kernel = _asked(tmp_path, NAMES, cached)
    assert kernel.probed == probed
    assert kernel.advised == advised


@needs_fadvise
def test_a_missing_file_is_left_to_its_reader_and_counts_as_not_cached(tmp_path):
    _files(tmp_path, ["first.txt", "middle.txt"])
    kernel = _asked(tmp_path, NAMES, {"first.txt", "last.txt"})  # last.txt does not exist
    assert kernel.probed == ["first.txt"]
    assert kernel.advised == ["first.txt", "middle.txt"]


@needs_fadvise
def test_one_file_is_probed_once_and_an_empty_call_probes_nothing(tmp_path):
    _files(tmp_path, ["first.txt"])
    one = _asked(tmp_path, ["first.txt"], set())
    assert (one.probed, one.advised) == (["first.txt"], ["first.txt"])
    nothing = _asked(tmp_path, [], set())
    assert (nothing.probed, nothing.advised) == ([], [])


def test_where_the_platform_lacks_the_calls_nothing_is_probed_or_asked(tmp_path, monkeypatch):
    monkeypatch.setattr(prefetch_module, "SUPPORTED", False)
    _files(tmp_path)
    kernel = _asked(tmp_path, NAMES, set())
    assert (kernel.probed, kernel.advised) == ([], [])


@needs_fadvise
def test_the_kernels_calls_take_real_files_and_the_decision_follows_their_answers(tmp_path):
    """The default probe and advice, on real files: whatever the page cache holds, the probe
    answers a bool, the advice is accepted, and the files are asked for exactly when the
    first or the last was found not cached (a missing file always counts as not cached)."""
    _files(tmp_path)
    answers: list[bool] = []
    advised: list[str] = []

    def probe(fd: int) -> bool:
        answers.append(resident(fd))
        return answers[-1]

    def advise(fd: int) -> None:
        will_need(fd)
        advised.append(Kernel._name(fd))

    with Prefetcher(tmp_path, probe=probe, advise=advise) as prefetch:
        prefetch([*NAMES, "missing.txt"])
        assert advised == NAMES
        answers.clear()
        advised.clear()
        prefetch(NAMES)
    assert answers and all(isinstance(answer, bool) for answer in answers)
    assert advised == ([] if len(answers) == 2 and all(answers) else NAMES)


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
