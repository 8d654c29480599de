"""Stopped by a signal, a command stops cleanly: one line, exit 128 + signal, nothing half
written, no worker left behind.

Each test starts a real `tsr-news` with two worker processes on a generated corpus, and
freezes the whole process group (SIGSTOP) once the workers exist, so that the signal
certainly arrives while they work, however fast the machine; then it signals as a terminal
(Ctrl-C: SIGINT to every process of the group) or `kill` (SIGTERM to the command alone)
would, and lets the group run on (SIGCONT).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, TSR_NEWS

sys.path.insert(0, str(REPO / "benchmarks"))

import generate


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """Enough documents that validating them takes two workers a while."""
    root = tmp_path_factory.mktemp("interrupt") / "corpus"
    generate.generate(root, 3000, seed=11, jobs=2)
    return root


def workers_of(pid: int) -> list[int]:
    """The worker processes under `pid` (not multiprocessing's resource tracker)."""
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        for task in os.listdir(f"/proc/{parent}/task"):
            with open(f"/proc/{parent}/task/{task}/children") as f:
                children = [int(c) for c in f.read().split()]
            found += children
            pending += children
    return [child for child in found if b"resource_tracker" not in cmdline(child)]


def cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def signalled_while_working(args: list[str], signum: int, whole_group: bool):
    """Run `tsr-news ARGS` in a new process group; once it has two workers, freeze the group,
    send `signum` (to the group, or to the command alone) and let it go on. The finished
    process, its stderr, and the ids of the workers it had."""
    process = subprocess.Popen(
        [str(TSR_NEWS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(workers_of(process.pid)) < 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no worker processes started"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGSTOP)
    workers = workers_of(process.pid)
    assert len(workers) >= 2  # still at work: frozen before it could finish
    if whole_group:
        os.killpg(process.pid, signum)
    else:
        os.kill(process.pid, signum)
    os.killpg(process.pid, signal.SIGCONT)
    _, stderr = process.communicate(timeout=60)
    return process, stderr, workers


def all_gone(pids: list[int]) -> bool:
    """Whether the processes have all ended (within a few seconds: an orphan is reaped by
    init, not at once)."""
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return not f.read().rsplit(") ", 1)[-1].startswith("Z")  # a zombie has ended
    except FileNotFoundError:
        return False


def test_ctrl_c_stops_a_parallel_validate_with_one_line_and_exit_130(big_corpus):
    process, stderr, workers = signalled_while_working(
        ["validate", "--root", str(big_corpus), "--jobs", "2"], signal.SIGINT, whole_group=True
    )
    assert process.returncode == 128 + signal.SIGINT
    assert stderr == "tsr-news validate: interrupted\n"  # and no worker's traceback
    assert all_gone(workers)


def test_a_killed_build_leaves_no_release_no_temporary_file_and_no_worker(big_corpus, tmp_path):
    out = tmp_path / "out"
    process, stderr, workers = signalled_while_working(
        ["build", "--root", str(big_corpus), "--out", str(out), "--jobs", "2"],
        signal.SIGTERM,
        whole_group=False,
    )
    assert process.returncode == 128 + signal.SIGTERM
    assert stderr == "tsr-news build: interrupted\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == []
    assert all_gone(workers)


def test_workers_leave_ctrl_c_to_their_parent_and_die_of_sigterm(big_corpus):
    process = subprocess.Popen(
        [str(TSR_NEWS), "validate", "--root", str(big_corpus), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    stopping = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    try:
        while True:  # until each worker has released the signals it started with held
            workers = workers_of(process.pid)
            masks = [signal_masks(pid) for pid in workers]
            if len(workers) >= 2 and not any(blocked & stopping for _, blocked in masks):
                break
            assert process.poll() is None, "validate ended before its workers were set up"
            time.sleep(0.002)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for ignored, _ in masks:
        assert {signal.SIGINT, signal.SIGHUP} <= ignored
        assert signal.SIGTERM not in ignored


def signal_masks(pid: int) -> tuple[set[int], set[int]]:
    """The signals a process ignores, and those it blocks (from /proc/PID/status)."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":\t", 1) for line in f if line.startswith("Sig"))
    except FileNotFoundError:
        pass

    def numbers(name: str) -> set[int]:
        bits = int(fields.get(name, "0"), 16)
        return {n + 1 for n in range(64) if bits >> n & 1}

    return numbers("SigIgn"), numbers("SigBlk")
