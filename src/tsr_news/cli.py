"""The `tsr-news` command: a thin layer of argument parsing over the package's API.

Exit codes: 0 valid / done, 1 invalid data, 2 usage or environment error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tsr_news import __version__
from tsr_news.layout import NotACorpus, find_root
from tsr_news.problems import FORMATS, render

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, NotACorpus) as error:
        print(f"tsr-news: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tsr-news",
        description="Tech Self-Reliance News: validate and compile the annotated corpus.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check raw articles and annotations against the schemas and the scheme's rules",
        description="Check raw/ and annotations/: JSON Schema, then offsets, span texts, "
        "references, text hashes and splits. Reports every problem; writes nothing. "
        "Exit 0 valid, 1 invalid, 2 usage error.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files of the documents to check (default: the whole corpus)",
    )
    validate.add_argument("--root", type=Path, help="corpus root (default: found from PATH or .)")
    validate.add_argument("--format", choices=FORMATS, default="text", help="report format")
    validate.set_defaults(run=_validate)

    split = commands.add_parser(
        "split",
        help="print the split the rule assigns to a new story cluster",
        description="Print the split for a story cluster entering the corpus "
        "(the rule is in tsr_news.splits). "
        "A cluster already in the corpus keeps the split its documents record.",
    )
    split.add_argument("story_cluster")
    split.set_defaults(run=_split)

    from tsr_news.labelstudio.cli import add_commands

    add_commands(commands)
    return parser


def root_of(args: argparse.Namespace) -> Path:
    """The corpus root: --root, else found from the first PATH argument or the current dir."""
    if args.root is not None:
        return args.root
    paths = getattr(args, "paths", None)
    start = paths[0] if paths else Path.cwd()
    return find_root(start if start.is_dir() else start.parent)


def _validate(args: argparse.Namespace) -> int:
    from tsr_news.validate import validate

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    report = validate(root_of(args), args.paths)
    sys.stdout.write(render(report.problems, args.format, report.summary()))
    if args.format != "json":
        verdict = (
            "valid"
            if report.valid
            else f"{len(report.problems)} problem(s) in {len({p.path for p in report.problems})} "
            "file(s)"
        )
        print(
            f"tsr-news validate: {report.documents} document(s), {report.files} file(s): {verdict}",
            file=sys.stderr,
        )
    return EXIT_OK if report.valid else EXIT_INVALID


def _split(args: argparse.Namespace) -> int:
    from tsr_news.layout import DOC_ID
    from tsr_news.splits import assign_split

    if not DOC_ID.fullmatch(args.story_cluster):
        raise UsageError(f"{args.story_cluster!r} is not a valid story cluster id")
    print(assign_split(args.story_cluster))
    return EXIT_OK
