"""The build's ranges on Ray Data, beyond one machine: `tsr-news build --engine ray`, with
the extra `tsr-news[ray]` (Ray is imported only here, and only when asked for).

`ray_engine` gives an engine for `Corpus.map_ranges`: each range's `ChunkCorpus` (pickled) is
a row of a Ray dataset, and a pool of `jobs` actors, one range per call, does the range's
work; an actor is a process that stays, so what it compiles and caches (the schemas'
validators) serves every range it is given, as in a local worker process. The results are
consumed as the actors finish them, and handed on in the ranges' order (one finished early
waits for those before it: each is small, the facts of a range's shards). An exception in
the work is raised here, as the local pool raises it; an actor that dies is restarted and
its range done again, up to `RETRIES` times (then the build stops with one line, exit 2),
which is safe, as a range's work writes only its own files under names its documents fix.
The work reads the corpus and writes into the release's temporary directory by path: on more
than one machine, both must be on a file system every node shares.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable, Iterator
from functools import partial
from typing import TypeVar

from tsr_news.common.exits import UsageError
from tsr_news.corpus.loader import Engine, relax_gc

# Times a range is done again when its actor dies (Ray Data's default is forever: a range
# that kills its worker every time, by running it out of memory say, would hang the build).
RETRIES = 2
T = TypeVar("T")
R = TypeVar("R")


def ray_engine(address: str | None = None) -> Engine:
    """The engine on the Ray at `address`, which `ray.init` resolves by its own rules (None:
    $RAY_ADDRESS, else the Ray last started on this machine, else a new local Ray, which
    serves this process until it exits); a Ray this process has initialised already is used
    as it is. UsageError if Ray Data is not installed."""
    try:
        import ray.data  # noqa: F401
    except ImportError:
        raise UsageError("the Ray engine needs Ray Data: pip install 'tsr-news[ray]'") from None
    return partial(ordered_map, address=address)


def ordered_map(
    function: Callable[[T], R], items: list[T], jobs: int, address: str | None = None
) -> Iterator[R]:
    """`function(item)` for each of `items`, on a pool of `jobs` Ray Data actors, in the
    items' order."""
    if not items:
        return
    import ray
    import ray.data

    if not ray.is_initialized():
        ray.init(address=address)  # for the rest of the process: Ray stops it at exit
    rows = [{"index": i, "item": pickle.dumps(item)} for i, item in enumerate(items)]
    with warnings.catch_warnings():
        # Ray 2.60 names no parameter for the retries yet (`ray_remote_args` is the way, and
        # deprecated for 2.64; the extra pins the minor release)
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.simplefilter("ignore", category=DeprecationWarning)
        results = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            _Worker,
            fn_constructor_args=(function,),
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=min(jobs, len(items))),
            max_restarts=RETRIES,
            max_task_retries=RETRIES,
        )
    finished, next_index = {}, 0
    try:
        for row in results.iter_rows():
            finished[row["index"]] = row["result"]
            while next_index in finished:
                failed, value = pickle.loads(finished.pop(next_index))
                if failed:
                    raise value
                yield value
                next_index += 1
    except ray.exceptions.RayError as error:
        raise UsageError(
            f"the Ray engine gave up: a worker died {RETRIES + 1} times over one range "
            f"({type(error).__name__}); see Ray's log above"
        ) from None


class _Worker:
    """One actor of the pool: `function` on each item of a batch; its result, or the
    exception it raised (for the caller to raise: Ray would wrap it in its own)."""

    def __init__(self, function: Callable):
        relax_gc()
        self._function = function

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        results = []
        for item in batch["item"]:
            try:
                results.append((False, self._function(pickle.loads(item))))
            except Exception as error:
                results.append((True, error))
        pickled = np.array([pickle.dumps(result) for result in results], dtype=object)
        return {"index": batch["index"], "result": pickled}
