"""A mutation fuzzer: break copies of the fixture corpus at random, run `validate` and `build`.

Every mutated corpus must end in a verdict, never a crash or a lie:

- `validate` and `build` exit 0, 1 or 2 and no exception escapes (a Python traceback reaching
  a user is a bug);
- `validate` writes nothing, and a build that refuses (exit 1 or 2) leaves no output;
- a corpus that validates satisfies the invariants checked here independently of the
  validator (`invariant_violations`: every span's text is the raw text's slice, hashes match,
  ids are unique, references resolve, every JSON file reads one way), and its build publishes
  every document with its text.

The mutations are those a careless edit or a hostile contributor makes: byte flips,
insertions and deletions, truncation; deleting, duplicating or retyping a key's value;
numbers changed (to edges, fractions, huge or negative ones) and strings changed (to empty,
white space, lone surrogates, combining marks, path tricks); offsets swapped or every offset
of a file shifted; array items swapped or duplicated.

Run `i` of seed `s` draws from `random.Random(f"{s}:{i}")`, so a failure is replayed alone with
`--seed s --first i --runs 1`. The test suite runs a few hundred (`tests/test_fuzz.py`);
the longer run is `.venv/bin/python tests/fuzz.py --runs 10000` (figures in the README).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
CORPUS_FILES = sorted(
    p.relative_to(FIXTURE_CORPUS).as_posix() for p in FIXTURE_CORPUS.rglob("*") if p.is_file()
)


# -- JSON kept as written: objects as lists of pairs, so keys can repeat ------------------------


class Obj(list):
    """A JSON object as its (key, value) pairs, in order, duplicates allowed."""


@dataclass(frozen=True)
class Raw:
    """A JSON number written exactly so (`95.0`, `9.5e1`, 30 digits)."""

    literal: str


def parse(data: bytes):
    return json.loads(data, object_pairs_hook=Obj)


def dump(value, indent: int = 0) -> str:
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, Obj):
        if not value:
            return "{}"
        body = ",\n".join(f"{inner}{_string(k)}: {dump(v, indent + 1)}" for k, v in value)
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dump(v, indent + 1) for v in value) + "\n" + pad + "]"
    if isinstance(value, Raw):
        return value.literal
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


def _string(text: str) -> str:
    """A JSON string; a lone surrogate as its escape (it has no UTF-8 form)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(text)
    return json.dumps(text, ensure_ascii=False)


def _places(value, path=()):
    """(container, key or index, path) of every value inside `value`."""
    items = (
        enumerate(v for _, v in value)
        if isinstance(value, Obj)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for i, child in items:
        yield value, i, (*path, i)
        yield from _places(child, (*path, i))


def _get(container, i):
    return container[i][1] if isinstance(container, Obj) else container[i]


def _set(container, i, new) -> None:
    if isinstance(container, Obj):
        container[i] = (container[i][0], new)
    else:
        container[i] = new


# -- mutations -----------------------------------------------------------------------------------

NUMBERS = [-1, 0, 1, 2, 7, 13, 999, 10**6, 2**31, 2**63, Raw("95.0"), Raw("9.5e1"), Raw("1e400")]
NUMBERS += [Raw("1" * 30), Raw("-0"), Raw("0.5"), True, None]
STRINGS = ["", " ", "x", "\ud800", "e\u0301", "\u200b", "\u202e", "👩‍🔬", "🇨🇳", "../../x"]
STRINGS += ["doc-alpha", "E1", "E99", "GPE", "ORG", "human", "prediction", "9999-99-99"]
STRINGS += ["2024-02-30", "test", "x" * 300, "Washington", "\n", "NaN"]
VALUES = [None, True, 0, "", [], Obj(), [None], Obj([("id", "E1")])]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    at = rng.randrange(len(data))
    kind = rng.choice(["flip", "insert", "delete", "truncate"])
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + bytes([rng.randrange(256)]) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + rng.randrange(1, 8) :]
    return data[:at]


def mutate_json(value, rng: random.Random, text: str) -> None:
    """One edit of a parsed JSON file, in place (`text`: its document's raw text)."""
    places = list(_places(value))
    spans = [
        v
        for c, i, _ in places
        if isinstance(v := _get(c, i), Obj) and {"start", "end"} <= {k for k, _ in v}
    ]
    kind = rng.choice(
        ["delete", "duplicate", "number", "string", "type", "swap", "shift", "copy_item"]
        + ["respan"] * 3
        + ["reorder"]
    )
    if kind in ("swap", "shift", "respan") and spans:
        if kind == "respan":  # another stretch of the text, with its text: often valid
            span = rng.choice(spans)
            start = rng.randrange(len(text))
            end = min(len(text), start + rng.randrange(1, 20))
            span[:] = [(k, v) for k, v in span if k not in ("start", "end", "text")]
            span += [("start", start), ("end", end), ("text", text[start:end])]
        elif kind == "swap":
            span = rng.choice(spans)
            keys = [k for k, _ in span]
            a, b = keys.index("start"), keys.index("end")
            span[a], span[b] = ("start", span[b][1]), ("end", span[a][1])
        else:
            delta = rng.choice([-2, -1, 1, 2])
            for span in spans:
                for j, (k, v) in enumerate(span):
                    if k in ("start", "end") and isinstance(v, int):
                        span[j] = (k, v + delta)
        return
    objects = [v for c, i, _ in places if isinstance(v := _get(c, i), Obj) and v]
    if isinstance(value, Obj) and value:
        objects.append(value)
    if kind == "reorder" and objects:  # the same meaning: must be read alike
        rng.shuffle(rng.choice(objects))
        return
    if kind in ("delete", "duplicate") and objects:
        obj = rng.choice(objects)
        j = rng.randrange(len(obj))
        if kind == "delete":
            del obj[j]
        else:
            obj.insert(j + 1, (obj[j][0], rng.choice(VALUES + STRINGS + NUMBERS)))
        return
    lists = [v for c, i, _ in places if isinstance(v := _get(c, i), list) and len(v) > 0]
    if kind == "copy_item" and lists:
        items = rng.choice(lists)
        j = rng.randrange(len(items))
        if rng.random() < 0.5 or len(items) < 2:
            items.insert(j, items[j])
        else:
            k = rng.randrange(len(items))
            items[j], items[k] = items[k], items[j]
        return
    if not places:
        return
    container, i, _ = rng.choice(places)
    old = _get(container, i)
    if kind == "number" or (kind == "string" and isinstance(old, int)):
        new = rng.choice(NUMBERS)
        if isinstance(old, int) and not isinstance(old, bool) and rng.random() < 0.5:
            new = old + rng.choice([-1, 1])
    elif kind == "string":
        new = rng.choice(STRINGS)
        if isinstance(old, str) and old and rng.random() < 0.5:
            cut = rng.randrange(len(old))
            new = rng.choice([old[:cut], old[cut:], old + " ", " " + old, old[:cut] + new])
    else:
        new = rng.choice(VALUES)
    _set(container, i, new)


def _parsed(data: bytes):
    """The file's JSON value (pairs kept), or None if an earlier edit left it unreadable."""
    try:
        return parse(data)
    except ValueError:
        return None


def mutate(root: Path, rng: random.Random) -> list[str]:
    """One to three edits of the corpus files under `root`; what was done, for the report."""
    done = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        rel = rng.choice(CORPUS_FILES)
        path = root / rel
        data = path.read_bytes()
        if rel.endswith(".json") and rng.random() < 0.8 and (value := _parsed(data)) is not None:
            doc_id = path.name.removesuffix(".json").removesuffix(".meta")
            mutate_json(value, rng, (root / "raw" / f"{doc_id}.txt").read_text(errors="replace"))
            path.write_bytes((dump(value) + "\n").encode("utf-8"))
            done.append(f"json edit of {rel}")
        else:
            path.write_bytes(mutate_bytes(data, rng))
            done.append(f"byte edit of {rel}")
    return done


# -- what an accepted corpus must satisfy, checked without the validator ------------------------


def _strict(data: bytes):
    """The JSON value, or ValueError if any two readers could read it differently."""

    def pairs(items):
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(items)

    def constant(name):
        raise ValueError(name)

    value = json.loads(
        data.decode("utf-8"),
        object_pairs_hook=pairs,
        parse_constant=constant,
        parse_float=lambda s: constant("fraction " + s),
    )
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # no lone surrogate anywhere
    return value


def _spans(value):
    if isinstance(value, dict):
        if "start" in value and "end" in value:
            yield value
        for child in value.values():
            yield from _spans(child)
    elif isinstance(value, list):
        for child in value:
            yield from _spans(child)


def _references(value):
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "entity_id" or key.endswith("_ids"):
                yield from [child] if isinstance(child, str) else child
            else:
                yield from _references(child)
    elif isinstance(value, list):
        for child in value:
            yield from _references(child)


def invariant_violations(root: Path) -> list[str]:
    """What is wrong with a corpus the validator accepted (nothing, unless it lied)."""
    wrong = []
    texts = {}
    for meta_path in sorted((root / "raw").glob("*.meta.json")):
        doc_id = meta_path.name.removesuffix(".meta.json")
        raw = (root / "raw" / f"{doc_id}.txt").read_bytes()
        texts[doc_id] = raw.decode("utf-8")
        meta = _strict(meta_path.read_bytes())
        if not isinstance(meta, dict) or meta.get("doc_id") != doc_id:
            wrong.append(f"{meta_path.name}: doc_id is not {doc_id}")
        elif meta.get("text_sha256") != hashlib.sha256(raw).hexdigest():
            wrong.append(f"{meta_path.name}: text_sha256 is not the text's")
    for path in sorted((root / "annotations").rglob("*.json")):
        doc_id = path.stem
        value = _strict(path.read_bytes())
        where = path.relative_to(root).as_posix()
        if not isinstance(value, dict) or value.get("doc_id") != doc_id or doc_id not in texts:
            wrong.append(f"{where}: not an annotation file of document {doc_id}")
            continue
        text = texts[doc_id]
        if value.get("text_sha256") != hashlib.sha256(text.encode("utf-8")).hexdigest():
            wrong.append(f"{where}: text_sha256 is not the text's")
        for span in _spans(value):
            start, end = span["start"], span["end"]
            if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
                wrong.append(f"{where}: span [{start!r}, {end!r}) out of bounds")
            elif span.get("text") != text[start:end]:
                wrong.append(f"{where}: span text {span.get('text')!r} is not the raw text's")
        layers = value.get("layers", {})
        entities = layers.get("entities", {}).get("items", [])
        entity_ids = [e.get("id") for e in entities]
        for kind, layer in layers.items():
            ids = [item.get("id") for item in layer.get("items", [])]
            if len(set(ids)) != len(ids):
                wrong.append(f"{where}: ids of {kind} repeat")
        dangling = set(_references(layers)) - set(entity_ids)
        if dangling:
            wrong.append(f"{where}: references to no entity: {sorted(dangling)}")
    return wrong


def release_violations(release: Path, root: Path) -> list[str]:
    """What a successful build lost: every document, with its text, is in the release."""
    import pyarrow.parquet as pq

    expected = {
        p.name.removesuffix(".txt"): p.read_text(encoding="utf-8")
        for p in (root / "raw").glob("*.txt")
    }
    rows = {}
    for path in sorted((release / "data" / "documents").glob("*.parquet")):
        table = pq.read_table(path, columns=["doc_id", "text"])
        rows.update(zip(table["doc_id"].to_pylist(), table["text"].to_pylist(), strict=True))
    return [] if rows == expected else [f"release documents {sorted(rows)} lost or changed text"]


# -- one run -------------------------------------------------------------------------------------


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _cli(*args) -> tuple[int | None, str]:
    """`tsr-news ARGS` in this process: its exit code (None if an exception escaped) and its
    standard error (with the traceback, if any)."""
    from tsr_news.cli.main import main

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except BaseException:  # whatever escapes is the finding
            return None, err.getvalue() + traceback.format_exc()
    return code, err.getvalue()


def run_one(seed: str, index: int, work: Path) -> tuple[bool, list[str]]:
    """Mutate a fresh copy of the fixture corpus and check both commands' verdicts on it;
    (whether the corpus was valid, what went wrong)."""
    rng = random.Random(f"{seed}:{index}")
    root, out = work / f"corpus-{index}", work / f"out-{index}"
    shutil.copytree(FIXTURE_CORPUS, root)
    try:
        done = mutate(root, rng)
        before = _tree(root)
        label = f"run {index} ({'; '.join(done)})"
        failures = []
        code, err = _cli("validate", "--root", root, "--jobs", "1")
        if code not in (0, 1, 2) or "Traceback" in err:
            failures.append(f"{label}: validate exit {code}\n{err}")
        if code == 0:
            failures += [f"{label}: accepted, yet {v}" for v in invariant_violations(root)]
        build, err = _cli("build", "--root", root, "--out", out, "--jobs", "1")
        if build not in (0, 1, 2) or "Traceback" in err:
            failures.append(f"{label}: build exit {build}\n{err}")
        elif build != 0 and out.exists():
            failures.append(f"{label}: build refused (exit {build}) but wrote {out}")
        elif build == 0:
            if code != 0:
                failures.append(f"{label}: build accepted what validate refused (exit {code})")
            (release,) = [p for p in out.iterdir() if not p.name.startswith(".")]
            failures += [f"{label}: {v}" for v in release_violations(release, root)]
        if _tree(root) != before:
            failures.append(f"{label}: the corpus was modified")
        return code == 0, failures
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


@dataclass
class Summary:
    runs: int = 0
    valid: int = 0
    failures: list[str] = None
    seconds: float = 0.0


def fuzz(seed: str, runs: int, first: int = 0) -> Summary:
    summary = Summary(failures=[])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tsr-news-fuzz-") as work:
        for index in range(first, first + runs):
            valid, failures = run_one(seed, index, Path(work))
            summary.runs += 1
            summary.valid += valid
            summary.failures += failures
    summary.seconds = time.perf_counter() - started
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", default="0")
    parser.add_argument("--first", type=int, default=0, help="index of the first run")
    args = parser.parse_args(argv)
    summary = fuzz(args.seed, args.runs, args.first)
    for failure in summary.failures:
        print(failure, file=sys.stderr)
    crashes = sum(1 for f in summary.failures if "Traceback" in f or " exit None" in f)
    print(
        f"{summary.runs} mutated corpora (seed {args.seed}), {summary.valid} still valid: "
        f"{len(summary.failures)} failure(s), {crashes} traceback(s), in {summary.seconds:.0f} s"
    )
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
