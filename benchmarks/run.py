"""Speed and memory of `tsr-news validate` and `tsr-news build` on synthetic corpora.

    python benchmarks/run.py [--sizes 2000,20000,100000] [--jobs 2] [--repeats 3]
                             [--work build/bench] [--json OUT] [--markdown] [--cjs-sample 2000]

For each size N it generates (or reuses, see generate.is_cached) a valid corpus and an invalid
one (5% of the documents with one injected error each) under WORK/nN/, then runs every measured
command as a subprocess: wall-clock seconds, and the peak memory of the whole process tree (the
process and all its descendants, e.g. multiprocessing workers), sampled every 100 ms as the
sum of Pss from /proc/<pid>/smaps_rollup (Rss where Pss is unavailable), so pages shared by
forked workers are counted once. Sampling is not free: the kernel walks each process's page
tables to give its Pss, about 10 ms of CPU for a build's four processes, which at one sample
every 20 ms took a quarter of a core from the command being timed (a build at N = 20,000 took
19.0 s sampled, 16.2 s not). Each figure is the median over --repeats runs. It prints one row per
measurement, the ratios the project aims at with PASS/MISS, and the machine. It reports; it
asserts nothing (a missed target does not change the exit code; a command that fails does, and
so does a rebuild after one changed annotation whose release is not byte for byte that of a
full build of the changed corpus).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from tsr_news.scheme.schemas import taxonomy

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

BIN = Path(sys.executable).parent
TSR_NEWS = str(BIN / "tsr-news")
CHECK_JSONSCHEMA = str(BIN / "check-jsonschema")
SCHEMA_DIR = REPO / "schema"
SEED = 0
INVALID_RATE = 0.05
SAMPLE_SECONDS = 0.1
CJS_BATCH = 5000  # files per check-jsonschema call (the command line has a length limit)
LINE = re.compile(r"^(?P<path>[^:\n]+?)(?::\d+)?: .* \[(?P<code>[A-Za-z0-9-]+)\]$")


# -- measuring one command ------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def _memory_kb(pid: int) -> int:
    """Pss of one process in kB (Rss if the kernel gives no Pss); 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            rollup = f.read()
    except OSError:
        rollup = ""
    for key in ("Pss:", "Rss:"):
        match = re.search(rf"^{key}\s+(\d+) kB", rollup, re.MULTILINE)
        if match:
            return int(match.group(1))
    try:
        with open(f"/proc/{pid}/status") as f:
            match = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.MULTILINE)
        return int(match.group(1)) if match else 0
    except OSError:
        return 0


def tree_memory_kb(root: int) -> int:
    """The memory of a process and all its descendants, in kB."""
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _memory_kb(pid)
        pending += _children(pid)
    return total


def measure(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `cmd`, timing it and sampling its process tree's memory every `SAMPLE_SECONDS`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_memory_kb(proc.pid))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = proc.wait()
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            peak / 1024,
            returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


# -- what is measured ------------------------------------------------------------------------------
@dataclass
class Row:
    n: int
    what: str
    docs: int
    mb: float  # input megabytes (1e6 bytes) the command reads
    seconds: float
    peak_mb: float
    runs: list[float] = field(default_factory=list)
    note: str = ""
    identical: bool | None = None  # output byte for byte that of a full build (where compared)

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else float("inf")

    @property
    def mb_per_s(self) -> float:
        return self.mb / self.seconds if self.seconds else float("inf")

    def as_dict(self) -> dict:
        return {**asdict(self), "docs_per_s": self.docs_per_s, "mb_per_s": self.mb_per_s}


class CommandFailed(Exception):
    pass


def _check(run: Run, expected: int, what: str) -> None:
    if run.returncode != expected:
        raise CommandFailed(
            f"{what}: exit {run.returncode}, expected {expected}\n{run.stderr[-3000:]}"
            f"{run.stdout[-2000:]}"
        )


def supports_jobs(command: str) -> bool:
    """Whether `tsr-news COMMAND --help` offers --jobs (it is being added)."""
    result = subprocess.run(
        [TSR_NEWS, command, "--help"], capture_output=True, text=True, check=False
    )
    return "--jobs" in result.stdout


def corpus_files(root: Path) -> Iterator[str]:
    """The paths of the corpus proper: everything under raw/ and annotations/."""
    for part in ("raw", "annotations"):
        for directory, _, names in os.walk(root / part):
            for name in names:
                yield os.path.join(directory, name)


def corpus_bytes(root: Path) -> tuple[int, int]:
    """(bytes, files) of the corpus proper."""
    sizes = [os.path.getsize(path) for path in corpus_files(root)]
    return sum(sizes), len(sizes)


def warm(input_: Path) -> None:
    """Read a command's input once, untimed, so that its run reads from the page cache where
    the cache can hold it (a corpus directory, or one file): the figures then compare the
    programs, not the disk, and do not depend on what ran before."""
    for path in corpus_files(input_) if input_.is_dir() else [str(input_)]:
        with open(path, "rb") as file:
            while file.read(1 << 20):
                pass


def ensure_corpus(path: Path, docs: int, rate: float, jobs: int) -> None:
    if generate.is_cached(path, docs, SEED, rate):
        print(f"  reusing {path}", file=sys.stderr)
        return
    started = time.perf_counter()
    generate.generate(path, docs, SEED, rate, jobs=jobs)
    print(
        f"  generated {path} ({docs} documents) in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


@contextmanager
def one_annotation_changed(corpus: Path, doc_id: str) -> Iterator[None]:
    """In the block, `corpus` with one valid change to one file: in the gold annotation of
    `doc_id`, the first measure's specificity is the taxonomy's next value. Afterwards the file
    holds its original bytes again (the corpus reuse check, generate.is_cached, reads only the
    stamp, not the files' times). Meanwhile the stamp says the corpus is incomplete, so that a
    run killed in the block leaves a corpus the next run generates again, not one it reuses
    changed."""
    path = corpus / "annotations" / f"{doc_id}.json"
    stamp = corpus / generate.STAMP
    original, stamp_bytes = path.read_bytes(), stamp.read_bytes()
    gold = json.loads(original)
    measure = gold["layers"]["measures"]["items"][0]
    values = taxonomy()["measure_specificity"].values
    measure["specificity"] = values[(values.index(measure["specificity"]) + 1) % len(values)]
    stamp.write_text(json.dumps({"complete": False}) + "\n", encoding="utf-8")
    try:
        path.write_bytes(generate.dump(gold))
        yield
    finally:
        path.write_bytes(original)
        stamp.write_bytes(stamp_bytes)


def release_files(out: Path) -> set[str]:
    """Every file of the releases in a build's `out`, relative to it: the entries of `out` but
    the hidden ones (`.tsr-news-X.Y.Z.inputs`, the record of the stat of every file read, which
    differs by build and lies outside the release)."""
    return {
        path
        for directory, _, names in os.walk(out)
        for name in names
        if not (path := os.path.relpath(os.path.join(directory, name), out)).startswith(".")
    }


def release_differences(a: Path, b: Path) -> list[str]:
    """The files in which the releases of two build outputs differ: in one only, or not byte
    for byte the same."""
    files_a, files_b = release_files(a), release_files(b)
    return sorted(
        (files_a ^ files_b)
        | {f for f in files_a & files_b if not filecmp.cmp(a / f, b / f, shallow=False)}
    )


def missed_errors(corpus: Path, output: str) -> tuple[int, int]:
    """(injected, missed): injected errors whose file and code the validator's report lacks."""
    reported = set()
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            reported.add((match.group("path"), match.group("code")))
    injected = json.loads((corpus / generate.ERRORS).read_text(encoding="utf-8"))
    missed = [e for e in injected if (e["path"], e["code"]) not in reported]
    return len(injected), len(missed)


def repeat(times: int, once) -> tuple[float, float, list[float]]:
    """Median seconds and median peak MB of `once()` (which returns a Run) over `times` runs."""
    runs = [once() for _ in range(times)]
    return (
        statistics.median(r.seconds for r in runs),
        statistics.median(r.peak_mb for r in runs),
        [round(r.seconds, 4) for r in runs],
    )


def bench_size(n: int, args, jobs_flags: dict[str, bool]) -> list[Row]:
    work = args.work / f"n{n}"
    valid, invalid = work / "valid", work / "invalid"
    print(f"N = {n}", file=sys.stderr)
    ensure_corpus(valid, n, 0.0, args.jobs)
    ensure_corpus(invalid, n, INVALID_RATE, args.jobs)
    valid_bytes, _ = corpus_bytes(valid)
    invalid_bytes, _ = corpus_bytes(invalid)
    mb, invalid_mb = valid_bytes / 1e6, invalid_bytes / 1e6
    rows: list[Row] = []

    def jobs(command: str, count: int) -> list[str]:
        return ["--jobs", str(count)] if jobs_flags[command] else []

    def validate(corpus: Path, count: int, expected: int, what: str):
        def once() -> Run:
            warm(corpus)
            run = measure([TSR_NEWS, "validate", "--root", str(corpus), *jobs("validate", count)])
            _check(run, expected, what)
            once.last = run
            return run

        return once

    flag = "" if jobs_flags["validate"] else " (no --jobs: sequential)"
    once = validate(valid, args.jobs, 0, "validate")
    rows.append(
        Row(n, f"validate --jobs {args.jobs}", n, mb, *repeat(args.repeats, once), note=flag)
    )
    once = validate(valid, 1, 0, "validate --jobs 1")
    rows.append(Row(n, "validate --jobs 1", n, mb, *repeat(args.repeats, once), note=flag))
    once = validate(invalid, args.jobs, 1, "validate (invalid corpus)")
    seconds, peak, runs = repeat(args.repeats, once)
    injected, missed = missed_errors(invalid, once.last.stdout)
    rows.append(
        Row(
            n,
            "validate, invalid corpus",
            n,
            invalid_mb,
            seconds,
            peak,
            runs,
            note=f"{injected} injected errors, {missed} missed",
        )
    )

    def build(out: Path, what: str) -> Run:
        warm(valid)
        run = measure(
            [TSR_NEWS, "build", "--root", str(valid), "--out", str(out), *jobs("build", args.jobs)]
        )
        _check(run, 0, what)
        return run

    # the release a build writes (out), the same build onto it unchanged, then onto it after one
    # annotation changed, compared with a full build of the changed corpus (full, untimed)
    out, full = work / "build-out", work / "build-out-full"
    changed = generate.doc_id_of(n // 2)
    first, second, incremental, differences = [], [], [], set()
    for _ in range(args.repeats):
        shutil.rmtree(out, ignore_errors=True)
        first.append(build(out, "build"))
        second.append(build(out, "build (rebuild)"))
        with one_annotation_changed(valid, changed):
            incremental.append(build(out, f"build (after changing {changed})"))
            shutil.rmtree(full, ignore_errors=True)
            build(full, "build (full, of the changed corpus)")
        differences.update(release_differences(out, full))
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(full, ignore_errors=True)
    if differences:
        print(
            f"  NOT IDENTICAL: after {changed} changed, the rebuild and a full build differ in "
            + ", ".join(sorted(differences)),
            file=sys.stderr,
        )
    bflag = "" if jobs_flags["build"] else " (no --jobs: sequential)"
    compared = (
        f"NOT IDENTICAL to a full build: {len(differences)} file(s) differ"
        if differences
        else "identical to a full build"
    )
    for what, runs_, note, identical in (
        (f"build --jobs {args.jobs}", first, bflag, None),
        ("build again, same out", second, bflag, None),
        (INCREMENTAL, incremental, f"{changed} changed; {compared}{bflag}", not differences),
    ):
        rows.append(
            Row(
                n,
                what,
                n,
                mb,
                statistics.median(r.seconds for r in runs_),
                statistics.median(r.peak_mb for r in runs_),
                [round(r.seconds, 4) for r in runs_],
                note=note,
                identical=identical,
            )
        )

    def floor() -> Run:
        warm(valid)
        run = measure([sys.executable, str(HERE / "floor.py"), str(valid)])
        _check(run, 0, "orjson floor")
        return run

    rows.append(Row(n, "orjson parse floor", n, mb, *repeat(args.repeats, floor)))

    sample = n if not args.cjs_sample else min(n, args.cjs_sample)
    if n < 20_000:
        sample = n
    ids = [generate.doc_id_of(i) for i in range(sample)]
    annotation_files = [f"annotations/{d}.json" for d in ids]
    meta_files = [f"raw/{d}.meta.json" for d in ids]
    cjs_bytes = sum((valid / f).stat().st_size for f in annotation_files + meta_files)

    def cjs() -> Run:
        warm(valid)
        total, peak = 0.0, 0.0
        for schema, files in (
            ("annotation.schema.json", annotation_files),
            ("meta.schema.json", meta_files),
        ):
            for i in range(0, len(files), CJS_BATCH):
                run = measure(
                    [
                        CHECK_JSONSCHEMA,
                        "--schemafile",
                        str(SCHEMA_DIR / schema),
                        "--base-uri",
                        (SCHEMA_DIR / schema).as_uri(),
                        *files[i : i + CJS_BATCH],
                    ],
                    cwd=valid,
                )
                _check(run, 0, f"check-jsonschema {schema}")
                total += run.seconds
                peak = max(peak, run.peak_mb)
        return Run(total, peak, 0, "", "")

    cjs_note = "annotation + meta JSON only"
    if sample < n:
        cjs_note = f"SAMPLE: first {sample} of {n} documents; " + cjs_note
    rows.append(
        Row(
            n,
            "check-jsonschema",
            sample,
            cjs_bytes / 1e6,
            *repeat(args.repeats, cjs),
            note=cjs_note,
        )
    )

    jsonl = work / "documents.jsonl"
    stamp = work / "documents.jsonl.stamp"
    key = (valid / generate.STAMP).read_text(encoding="utf-8")
    if not (jsonl.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key):
        subprocess.run(
            [sys.executable, str(HERE / "datasets_reference.py"), "prep", str(valid), str(jsonl)],
            check=True,
            capture_output=True,
        )
        stamp.write_text(key, encoding="utf-8")

    def reference() -> Run:
        with tempfile.TemporaryDirectory(prefix="bench-hf-") as home:
            env = _fresh_hf_env(home)
            target = Path(home) / "documents.parquet"
            warm(jsonl)
            run = measure(
                [
                    sys.executable,
                    str(HERE / "datasets_reference.py"),
                    "run",
                    str(jsonl),
                    str(target),
                ],
                env=env,
            )
            _check(run, 0, "datasets reference")
            return run

    rows.append(
        Row(
            n,
            "datasets from_json.to_parquet",
            n,
            jsonl.stat().st_size / 1e6,
            *repeat(args.repeats, reference),
            note="documents table only; MB of its JSONL",
        )
    )
    if n <= args.peers_max_n:
        for validator in PEER_VALIDATORS:
            rows.append(_peer_row(n, mb, valid, validator, args.repeats))
    return rows


PEER_VALIDATORS = ("jsonschema-rs", "jsonschema")


def _fresh_hf_env(home: str) -> dict[str, str]:
    """The environment with `datasets`' home and cache in `home` (fresh), offline."""
    return {
        **os.environ,
        "HF_HOME": home,
        "HF_DATASETS_CACHE": str(Path(home) / "datasets"),
        "HF_HUB_OFFLINE": "1",
    }


# issue 24's targets: build throughput against the datasets floor, by N, and against the peers;
# the seconds of a rebuild after one annotation changed against a full build's, by N
BUILD_VS_FLOOR = {20_000: 0.4, 100_000: 0.33}
BUILD_VS_PEER = {"jsonschema-rs": 6, "jsonschema": 15}
BUILD_VS_FLOOR_RSS = {100_000: 0.5}  # the build's peak memory against the datasets floor's
INCREMENTAL = "build, one annotation changed"
INCREMENTAL_VS_FULL = {100_000: 0.10}


def _peer_row(n: int, mb: float, valid: Path, validator: str, repeats: int) -> Row:
    """The peer a user would write (benchmarks/peer.py), every config, with `validator`."""

    def peer() -> Run:
        with tempfile.TemporaryDirectory(prefix="bench-peer-") as home:
            env = _fresh_hf_env(home)
            warm(valid)
            out = Path(home) / "release"
            cmd = [sys.executable, str(HERE / "peer.py"), str(valid), str(out)]
            run = measure([*cmd, "--validator", validator], env=env)
            _check(run, 0, f"peer ({validator})")
            return run

    return Row(
        n,
        f"peer ({validator})",
        n,
        mb,
        *repeat(repeats, peer),
        note="json + schema per file + datasets from_generator per config and split",
    )


# -- ratios ----------------------------------------------------------------------------------------
@dataclass
class Ratio:
    name: str
    value: float | None
    target: str
    passed: bool | None

    def as_dict(self) -> dict:
        return asdict(self)


def _find(rows: list[Row], n: int, prefix: str) -> Row | None:
    return next((r for r in rows if r.n == n and r.what.startswith(prefix)), None)


def incremental_ratio(rows: list[Row], n: int, jobs: int) -> Ratio:
    """The seconds of the rebuild after one annotation changed over a full build's: against
    the target at the sizes that have one, information at the others; a miss at any size if
    the rebuild's release was not that of a full build."""
    incremental, full = _find(rows, n, INCREMENTAL), _find(rows, n, f"build --jobs {jobs}")
    name = f"N={n} incremental rebuild / full build (seconds)"
    value = incremental.seconds / full.seconds
    bound = INCREMENTAL_VS_FULL.get(n)
    target = "information" if bound is None else f"<= {bound:g}"
    if not incremental.identical:
        return Ratio(name, value, f"{target}; output NOT IDENTICAL", False)
    return Ratio(name, value, target, None if bound is None else value <= bound)


def ratios(rows: list[Row], sizes: list[int], jobs: int) -> list[Ratio]:
    out: list[Ratio] = []

    def add(name: str, value: float | None, op: str, bound: float) -> None:
        passed = None if value is None else (value >= bound if op == ">=" else value <= bound)
        out.append(Ratio(name, value, f"{op} {bound:g}", passed))

    for n in sizes:
        validate = _find(rows, n, f"validate --jobs {jobs}")
        single = _find(rows, n, "validate --jobs 1")
        broken = _find(rows, n, "validate, invalid")
        build = _find(rows, n, f"build --jobs {jobs}")
        floor = _find(rows, n, "orjson")
        cjs = _find(rows, n, "check-jsonschema")
        reference = _find(rows, n, "datasets")
        peers = {v: _find(rows, n, f"peer ({v})") for v in PEER_VALIDATORS}
        add(
            f"N={n} validate / check-jsonschema (docs/s)",
            validate.docs_per_s / cjs.docs_per_s,
            ">=",
            50,
        )
        add(
            f"N={n} orjson floor / validate (docs/s)",
            floor.docs_per_s / validate.docs_per_s,
            "<=",
            2.5,
        )
        build_vs_floor = build.docs_per_s / reference.docs_per_s
        if n in BUILD_VS_FLOOR:
            add(
                f"N={n} build / datasets reference (docs/s)",
                build_vs_floor,
                ">=",
                BUILD_VS_FLOOR[n],
            )
        else:
            out.append(
                Ratio(
                    f"N={n} build / datasets reference (docs/s)",
                    build_vs_floor,
                    "information",
                    None,
                )
            )
        for validator, peer in peers.items():
            if peer is None:
                continue
            name = f"N={n} build / peer ({validator}) (docs/s)"
            value = build.docs_per_s / peer.docs_per_s
            if n == 20_000:
                add(name, value, ">=", BUILD_VS_PEER[validator])
            else:
                out.append(Ratio(name, value, "information", None))
        out.append(incremental_ratio(rows, n, jobs))
        name = f"N={n} build / datasets reference (peak RSS)"
        if n in BUILD_VS_FLOOR_RSS:
            add(name, build.peak_mb / reference.peak_mb, "<=", BUILD_VS_FLOOR_RSS[n])
        else:
            out.append(Ratio(name, build.peak_mb / reference.peak_mb, "information", None))
        add(
            f"N={n} validate invalid / valid corpus (docs/s)",
            broken.docs_per_s / validate.docs_per_s,
            ">=",
            0.8,
        )
        out.append(
            Ratio(
                f"N={n} validate --jobs {jobs} / --jobs 1 (docs/s)",
                validate.docs_per_s / single.docs_per_s,
                "information",
                None,
            )
        )
    ordered = sorted(sizes)
    if len(ordered) >= 2:
        small, large = ordered[-2], ordered[-1]
        for what in (f"validate --jobs {jobs}", f"build --jobs {jobs}"):
            a, b = _find(rows, large, what), _find(rows, small, what)
            add(
                f"{what.split()[0]} peak RSS N={large} / N={small}",
                a.peak_mb / b.peak_mb,
                "<=",
                1.5,
            )
    peak = max(r.peak_mb for r in rows if r.what.startswith(("validate", "build")))
    add("largest peak RSS of validate and build (MB)", peak, "<=", 2000)
    return out


# -- reporting -------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu
            )
    except OSError:
        pass
    ram = 0
    try:
        with open("/proc/meminfo") as f:
            ram = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1)) // 1024
    except (OSError, AttributeError):
        pass
    versions = {}
    for package in ("tsr-news", "orjson", "jsonschema", "pyarrow", "datasets", "check-jsonschema"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_mb": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def table(rows: list[Row]) -> str:
    header = (
        f"{'N':>7}  {'what':<32} {'docs/s':>10} {'MB/s':>8} {'peak MB':>8} {'seconds':>8}  note"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.n:>7}  {r.what:<32} {r.docs_per_s:>10.0f} {r.mb_per_s:>8.2f} "
            f"{r.peak_mb:>8.0f} {r.seconds:>8.2f}  {r.note}".rstrip()
        )
    return "\n".join(lines)


def ratio_table(items: list[Ratio]) -> str:
    lines = []
    for r in items:
        verdict = "info" if r.passed is None else ("PASS" if r.passed else "MISS")
        value = "n/a" if r.value is None else f"{r.value:.2f}"
        lines.append(f"  {verdict:<4}  {r.name:<52} {value:>9}  (target {r.target})")
    return "\n".join(lines)


def markdown(rows: list[Row], items: list[Ratio], info: dict) -> str:
    out = [
        "| N | what | docs/s | MB/s | peak RSS MB | seconds | note |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        out.append(
            f"| {r.n} | {r.what} | {r.docs_per_s:.0f} | {r.mb_per_s:.2f} | {r.peak_mb:.0f} | "
            f"{r.seconds:.2f} | {r.note} |"
        )
    out += ["", "| ratio | value | target | |", "|---|---:|---|---|"]
    for r in items:
        verdict = "info" if r.passed is None else ("PASS" if r.passed else "MISS")
        value = "n/a" if r.value is None else f"{r.value:.2f}"
        out.append(f"| {r.name} | {value} | {r.target} | {verdict} |")
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    out += [
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_mb']} MB RAM, "
        f"Python {info['python']}; {versions}.",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000,100000", help="comma-separated N")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for validate and build")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument(
        "--cjs-sample",
        type=int,
        default=2000,
        help="at N >= 20000, run check-jsonschema on the first K documents only (0: all)",
    )
    parser.add_argument(
        "--peers-max-n",
        type=int,
        default=20_000,
        help="run the peers (benchmarks/peer.py) at sizes up to this N (the jsonschema peer "
        "takes minutes at 20,000)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1 or args.repeats < 1 or args.jobs < 1:
        parser.error("sizes, --repeats and --jobs must be positive")

    info = machine()
    jobs_flags = {command: supports_jobs(command) for command in ("validate", "build")}
    rows: list[Row] = []
    try:
        for n in sizes:
            rows += bench_size(n, args, jobs_flags)
    except CommandFailed as failure:
        print(f"run: {failure}", file=sys.stderr)
        return 1
    items = ratios(rows, sizes, args.jobs)

    print(table(rows))
    print()
    print("Ratios (targets of issue 24; reported, not enforced):")
    print(ratio_table(items))
    print()
    for command, supported in jobs_flags.items():
        if not supported:
            print(f"note: tsr-news {command} has no --jobs option yet: it ran sequentially")
    print(
        f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_mb']} MB RAM, "
        f"Python {info['python']}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    if args.markdown:
        print()
        print(markdown(rows, items, info))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "machine": info,
            "parameters": {
                "sizes": sizes,
                "jobs": args.jobs,
                "repeats": args.repeats,
                "seed": SEED,
                "invalid_rate": INVALID_RATE,
                "cjs_sample": args.cjs_sample,
                "jobs_supported": jobs_flags,
            },
            "rows": [r.as_dict() for r in rows],
            "ratios": [r.as_dict() for r in items],
        }
        args.json.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    if any(r.identical is False for r in rows):
        print(
            f"run: after one annotation changed, the rebuild wrote another release than a full "
            f"build ({INCREMENTAL}: NOT IDENTICAL)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
