"""Options and argument types that several commands share."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from tsr_news.corpus.layout import ANNOTATOR_ID, find_root


def add_layers(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--layers", type=annotator_list, metavar="A,B,...", help=help)


def annotator_id(value: str) -> str:
    if not ANNOTATOR_ID.fullmatch(value):
        raise argparse.ArgumentTypeError(f"not an annotator id: {value!r}")
    return value


def annotator_list(value: str) -> list[str]:
    return [annotator_id(v.strip()) for v in value.split(",")]


def root_of(args: argparse.Namespace) -> Path:
    """The corpus root: --root, else found from the first PATH argument or the current dir."""
    if args.root is not None:
        return args.root
    paths = getattr(args, "paths", None)
    start = paths[0] if paths else Path.cwd()
    return find_root(start if start.is_dir() else start.parent)


def add_jobs(parser: argparse.ArgumentParser) -> None:
    cores = usable_cores()
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=cores,
        metavar="N",
        help=f"worker processes for checking documents (default: the {cores} usable core(s)); "
        "the output is the same for any N",
    )


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return int(value)


BYTE_SIZE = re.compile(r"([0-9]+)\s*([KMGT]?B?)", re.IGNORECASE)
UNITS = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def byte_size(value: str) -> int:
    """A positive size: a number of bytes, or with a decimal unit as the Hub writes them
    (`500MB`, `2GB`, `64K`)."""
    match = BYTE_SIZE.fullmatch(value.strip())
    if match is None or int(match[1]) < 1:
        raise argparse.ArgumentTypeError(f"expected a size such as 500MB or 1000000, got {value!r}")
    return int(match[1]) * UNITS[match[2].upper().rstrip("B")]
