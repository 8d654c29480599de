"""Stopping cleanly on a signal: Ctrl-C, `kill`, a closed terminal.

Python turns SIGINT into `KeyboardInterrupt`, which unwinds the stack: `finally` blocks remove
temporary files (`atomic`), and leaving a `multiprocessing.Pool` block terminates its workers.
SIGTERM and SIGHUP, by default, kill the process where it stands instead, leaving its
temporary files and its workers behind; and a process started in the background by a
non-interactive shell (a CI script, `cmd &`) inherits SIGINT *ignored*. `stop_on_signals`
makes all three unwind the stack as Ctrl-C does.

Worker processes leave stopping to their parent (`leave_stopping_to_parent`). A terminal sends
Ctrl-C to every process of the foreground job, and each worker would otherwise print its own
traceback; the parent, interrupted, stops them itself (with SIGTERM, left at its default so
that it kills). A pool is started with the signals held (`signals_held`), so that neither a
worker that has not yet set that up, nor the parent before it can stop the pool, is
interrupted: a worker killed so early was replaced by the pool, and the parent, which had no
pool to stop yet, left the replacement running for ever; a parent interrupted while it was
handing a spawned worker its start-up data left the worker to die of the half it got.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A stopping signal arrived; `signum` says which (a command exits with 128 + signum)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_on_signals() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise `Interrupted` in this process (from its main
    thread: only there can Python handle signals; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum, frame):
        raise Interrupted(signum)

    for number in STOPPING_SIGNALS:
        signal.signal(number, stop)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold the stopping signals in the block: the first that arrives is raised again when
    the block ends, to be handled as it would have been then. Processes started in the block
    start with the signals blocked (a worker unblocks them in `leave_stopping_to_parent`).

    Blocking them in this thread is not enough where the process has other threads (a build
    has Arrow's): the kernel hands a signal to a thread that does not block it, and Python
    runs the handler in the main thread all the same; so, for the block, the handler only
    notes the signal. Only the main thread can handle signals: elsewhere, and where signals
    cannot be blocked (not POSIX), nothing changes."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    arrived: list[int] = []

    def note(signum, frame):
        arrived.append(signum)

    handlers = {number: signal.signal(number, note) for number in STOPPING_SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # what is pending is noted now
        for number, handler in handlers.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
    if arrived:
        signal.raise_signal(arrived[0])


def leave_stopping_to_parent() -> None:
    """In a worker process: ignore Ctrl-C and a hang-up, which reach the parent too, and let
    SIGTERM, which the parent's pool sends to stop its workers, kill at once; then release the
    signals the worker was started with held (`signals_held`): any of them that came meanwhile
    is now ignored, or kills."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING_SIGNALS)
