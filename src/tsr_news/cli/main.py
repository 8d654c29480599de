"""The `tsr-news` command: a thin layer of argument parsing over the package's API.

Exit codes: 0 valid / done, 1 invalid data, 2 usage or environment error (every OSError is
one line: `common.files`), 128 + the signal's number when stopped by SIGINT, SIGTERM or
SIGHUP (130 for Ctrl-C), having written nothing half.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from tsr_news import __version__
from tsr_news.checks.problems import FORMATS, render
from tsr_news.cli import arguments
from tsr_news.common.exits import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError
from tsr_news.common.files import describe
from tsr_news.common.interrupt import Interrupted, stop_on_signals
from tsr_news.corpus.layout import NotACorpus
from tsr_news.corpus.loader import InvalidDocuments, UnknownDocument, relax_gc
from tsr_news.corpus.validate import validate as validate_root


def prefer_system_allocator() -> None:
    """Have Arrow allocate with the C library's allocator, in this process and the worker
    processes it starts (they inherit the environment), unless the user chose one.

    Arrow's default allocator (mimalloc) keeps what it frees for reuse; in a build, which
    frees every batch once written, that held about 40 MB in each worker and 70 MB in the
    writer that were never used again (the build's peak memory at N = 20,000: 530 MB rather
    than 600; no slower). Process-wide, so the library leaves it to its caller; Arrow reads
    the setting when pyarrow is imported, which the CLI does only after this."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def main(argv: list[str] | None = None) -> int:
    relax_gc()
    prefer_system_allocator()
    stop_on_signals()
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its usage message
        return exit_.code
    try:
        return args.run(args)
    except KeyboardInterrupt as stop:
        signum = stop.signum if isinstance(stop, Interrupted) else signal.SIGINT
        print(f"tsr-news {args.command}: interrupted", file=sys.stderr)
        return 128 + signum
    except (UsageError, NotACorpus, UnknownDocument) as error:
        print(f"tsr-news: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except InvalidDocuments as error:
        sys.stderr.write(render(error.problems, "text", {}))
        print(
            f"tsr-news {args.command}: the documents are invalid; fix them first "
            "(tsr-news validate)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except OSError as error:  # the environment's: `files` says which, in one line
        print(f"tsr-news {args.command}: error: {describe(error)}", file=sys.stderr)
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
    arguments.add_jobs(validate)
    validate.set_defaults(run=_validate)

    stats = commands.add_parser(
        "stats",
        help="consistency report: counts, surface forms with their labels, names left unannotated",
        description="Counts per document and label; every entity string with the labels it "
        "received across the corpus; annotated strings that occur unannotated elsewhere. "
        "Exit 1 if some documents are invalid (they are left out: run validate).",
    )
    stats.add_argument("--layer", default="gold", help="'gold' or an annotator id (default gold)")
    stats.add_argument("--root", type=Path, help="corpus root (default: found from .)")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(run=_stats)

    guidelines = commands.add_parser(
        "guidelines",
        help="regenerate the label tables of annotations/GUIDELINES.md from the taxonomy",
    )
    guidelines.add_argument("--root", type=Path, help="corpus root (default: found from .)")
    guidelines.add_argument(
        "--check", action="store_true", help="only check; exit 1 if the tables are stale"
    )
    guidelines.set_defaults(run=_guidelines)

    split = commands.add_parser(
        "split",
        help="print the split the rule assigns to a new story cluster",
        description="Print the split for a story cluster entering the corpus "
        "(the rule is in tsr_news.corpus.splits). "
        "A cluster already in the corpus keeps the split its documents record.",
    )
    split.add_argument("story_cluster")
    split.set_defaults(run=_split)

    build = commands.add_parser(
        "build",
        help="compile the corpus into a versioned Hugging Face dataset",
        description="Validate the corpus, then write build/tsr-news-X.Y.Z/ (Parquet shards "
        "per config and split, dataset card, croissant.json, manifest.json, SHA256SUMS) "
        "atomically: the previous release is replaced only when the new one is complete. "
        "Exit 0 built, 1 invalid corpus (nothing written), 2 usage error.",
    )
    build.add_argument("--root", type=Path, help="corpus root (default: found from .)")
    build.add_argument("--out", type=Path, help="output directory (default: ROOT/build)")
    build.add_argument(
        "--withhold-text",
        action="store_true",
        help="leave out the copyrighted article text: empties "
        "documents.text, the text of every span in every config and every ner token; keeps "
        "offsets, text hashes, labels, layer and origin, the metadata with the titles, and the "
        "short strings annotators write (speaker_text, actor_text, target_text, ref, norm); "
        "writes tsr-news-X.Y.Z-withheld/",
    )
    build.add_argument(
        "--max-shard-bytes",
        type=arguments.byte_size,
        default=None,
        metavar="SIZE",
        help="largest Parquet shard, in bytes of Arrow data (uncompressed), e.g. 500MB "
        "(default: the Hugging Face Hub's recommendation, datasets' MAX_SHARD_SIZE, 500MB); "
        "shards hold whole batches of documents, so their bounds do not depend on --jobs",
    )
    build.add_argument(
        "--range-documents",
        type=arguments.positive_int,
        default=None,
        metavar="N",
        help="most documents in a range, the unit a rebuild reuses when its files are "
        "unchanged: each range has its own shards, cut where document ids say, so an edit "
        "rewrites the shards of one range only (default: 1000)",
    )
    arguments.add_jobs(build)
    build.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="where the ranges are checked and written: local worker processes (default), or "
        "--jobs actors of Ray Data (needs the extra: pip install 'tsr-news[ray]'; on more "
        "than one machine, ROOT and OUT must be on a file system every node shares); the "
        "bytes are the same",
    )
    build.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        help="the Ray cluster to join with --engine ray (default, as Ray has it: "
        "$RAY_ADDRESS, else the Ray last started on this machine, else a new local Ray)",
    )
    build.set_defaults(run=_build)

    rehydrate = commands.add_parser(
        "rehydrate",
        help="restore the article text of a text-withheld release from your own raw files",
        description="Check every DIR/<doc_id>.txt against the release's text_sha256, then "
        "write the full release tsr-news-X.Y.Z/ (byte-identical to a build of the same corpus) "
        "atomically. Exit 0 written, 1 a raw text missing or different (each named; nothing "
        "written), 2 usage error (not a withheld release of this version).",
    )
    rehydrate.add_argument("release", type=Path, help="the tsr-news-X.Y.Z-withheld directory")
    rehydrate.add_argument(
        "--raw", type=Path, required=True, metavar="DIR", help="your <doc_id>.txt files"
    )
    rehydrate.add_argument(
        "--out", type=Path, help="output directory (default: the release's parent directory)"
    )
    rehydrate.set_defaults(run=_rehydrate)

    publish = commands.add_parser(
        "publish",
        help="upload a release to the Hugging Face Hub and tag it vX.Y.Z",
        description="Check the release against its SHA256SUMS, then upload its files to the "
        "dataset repository ORG/NAME as one commit and tag it vX.Y.Z (needs the network and a "
        "token: HF_TOKEN, or the token file of `hf auth login`; the token is never printed). "
        "Refuses a full release (it has the copyrighted texts) unless "
        "--i-hold-the-text-rights, and a version whose tag exists with other content. "
        "Exit 0 published (or already), 1 refused (release or tag), 2 usage or environment "
        "error.",
    )
    publish.add_argument("release", type=Path, help="the release directory")
    publish.add_argument("--repo", required=True, metavar="ORG/NAME", help="dataset repository")
    publish.add_argument(
        "--dry-run", action="store_true", help="check and list the files; upload nothing"
    )
    publish.add_argument(
        "--i-hold-the-text-rights",
        dest="holds_text_rights",
        action="store_true",
        help="publish a full release: you state that you may redistribute every article text",
    )
    publish.set_defaults(run=_publish)

    datasheet = commands.add_parser(
        "datasheet",
        help="regenerate the statistics block of DATASHEET.md",
        description="Rewrite the generated statistics between the markers of DATASHEET.md "
        "(atomically). With --check, write nothing and exit 1 if the block is stale.",
    )
    datasheet.add_argument("--root", type=Path, help="corpus root (default: found from .)")
    datasheet.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    datasheet.set_defaults(run=_datasheet)

    diff = commands.add_parser(
        "diff",
        help="compare two releases and check the version bump",
        description="Documents added/removed/changed, split moves, annotation counts per layer "
        "and label, feature changes, and whether the version bump matches them (DESIGN.md's "
        "semver rule). Exit 0 consistent, 1 inconsistent, 2 usage error.",
    )
    diff.add_argument("old", type=Path, help="the earlier release directory")
    diff.add_argument("new", type=Path, help="the later release directory")
    diff.set_defaults(run=_diff)
    agreement = commands.add_parser(
        "agreement",
        help="inter-annotator agreement between two or more layers",
        description="Span-level precision/recall/F1 (exact and overlap matching) per layer kind, "
        "chance-corrected agreement on each categorical attribute of matched items (Cohen's "
        "kappa for two annotators, Krippendorff's alpha for more) and the items only one "
        "annotator made. The matching rules are in tsr_news.annotators.agreement and the README.",
    )
    agreement.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="default: all documents")
    arguments.add_layers(agreement, "annotators to compare, in this order (default: all)")
    agreement.add_argument("--format", choices=("text", "json"), default="text")
    agreement.add_argument("--root", type=Path, help="corpus root (default: found from .)")
    agreement.set_defaults(run=_agreement)

    adjudicate = commands.add_parser(
        "adjudicate",
        help="merge annotators' layers of a document into gold, via a file of conflicts",
        description="Items all annotators agree on go to gold; the others are written to "
        "annotations/adjudication/DOC_ID.json for a person to resolve (set each 'resolution' "
        "to an annotator, 'reject' or an edited item). Rerun to write annotations/DOC_ID.json. "
        "Exit 0 gold written, 1 conflicts to resolve or invalid result (nothing written), "
        "2 usage error.",
    )
    adjudicate.add_argument("doc_id", metavar="DOC_ID")
    arguments.add_layers(adjudicate, "annotators to merge (default: the document's human layers)")
    adjudicate.add_argument(
        "--adjudicator",
        required=True,
        type=arguments.annotator_id,
        metavar="ID",
        help="who adjudicates: the gold layers' annotator",
    )
    adjudicate.add_argument("--force", action="store_true", help="replace an existing gold file")
    adjudicate.add_argument("--root", type=Path, help="corpus root (default: found from .)")
    adjudicate.set_defaults(run=_adjudicate)

    show = commands.add_parser(
        "show",
        help="write a self-contained HTML page showing a document's annotations",
        description="Render a document's text with its annotations (gold by default; "
        "--layers A,B shows annotators side by side with their disagreements marked). "
        "--all --out DIR writes an index page and one page per document.",
    )
    show.add_argument("doc_id", nargs="?", metavar="DOC_ID")
    show.add_argument("--all", action="store_true", help="every document, into --out DIR")
    arguments.add_layers(show, "annotators to show side by side (default: gold, else every layer)")
    show.add_argument("--out", type=Path, help="output file (DIR with --all; default: stdout)")
    show.add_argument("--root", type=Path, help="corpus root (default: found from .)")
    show.set_defaults(run=_show)

    from tsr_news.cli.labelstudio import add_commands

    add_commands(commands)
    return parser


def _corpus(args: argparse.Namespace):
    from tsr_news.corpus.loader import Corpus

    return Corpus(arguments.root_of(args))


def _validate(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    report = validate_root(arguments.root_of(args), args.paths, args.jobs)
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


def _stats(args: argparse.Namespace) -> int:
    import json

    from tsr_news.annotators.stats import consistency_report, render_text
    from tsr_news.corpus.loader import Corpus

    invalid = []

    def valid_documents():
        for loaded in Corpus(arguments.root_of(args)).documents():
            if loaded.document is None:
                invalid.append(loaded.doc_id)
            else:
                yield loaded.document

    report = consistency_report(valid_documents(), args.layer)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(report))
    if invalid:
        print(
            f"tsr-news stats: left out {len(invalid)} invalid document(s): {', '.join(invalid)}; "
            "run tsr-news validate",
            file=sys.stderr,
        )
    return EXIT_INVALID if invalid else EXIT_OK


def _guidelines(args: argparse.Namespace) -> int:
    from tsr_news.annotators import guidelines
    from tsr_news.scheme.schemas import taxonomy

    path = arguments.root_of(args) / "annotations" / "GUIDELINES.md"
    tables = guidelines.label_tables(taxonomy())
    return _regenerate_blocks(path, {guidelines.BLOCK: tables}, args.check, "guidelines")


def _regenerate_blocks(path: Path, blocks: dict[str, str], check: bool, command: str) -> int:
    """Rewrite (or, with `check`, compare) the generated blocks of a Markdown file."""
    from tsr_news.common import markers

    if not path.is_file():
        raise UsageError(f"{path} does not exist")
    try:
        if check:
            stale = [
                name for name, text in blocks.items() if not markers.is_current(path, {name: text})
            ]
            if not stale:
                return EXIT_OK
            print(
                f"{path}: the generated block(s) {', '.join(stale)} are stale (they no longer "
                f"say what the corpus holds); run tsr-news {command}",
                file=sys.stderr,
            )
            return EXIT_INVALID
        changed = markers.write_blocks(path, blocks)
    except markers.MissingMarkers as error:
        raise UsageError(f"{path}: {error}") from None
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{path}: not valid UTF-8 (byte offset {error.start}: {error.reason}); it must be "
            "UTF-8 text"
        ) from None
    print(f"{path}: {'updated' if changed else 'already current'}", file=sys.stderr)
    return EXIT_OK


def _agreement(args: argparse.Namespace) -> int:
    import json

    from tsr_news.annotators import agreement

    documents = _corpus(args).valid_documents(args.doc_ids or None)
    try:
        annotators = agreement.select_annotators(documents, args.layers)
    except agreement.AgreementError as error:
        raise UsageError(str(error)) from None
    report = agreement.compare(documents, annotators)
    if args.layers is None:
        report["predictions_left_out"] = agreement.unselected_predictions(documents, annotators)
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(agreement.render_text(report))
    return EXIT_OK


def _adjudicate(args: argparse.Namespace) -> int:
    from tsr_news.annotators.adjudicate import AdjudicationError, adjudicate

    corpus = _corpus(args)
    try:
        outcome = adjudicate(
            corpus,
            args.doc_id,
            adjudicator=args.adjudicator,
            annotators=args.layers,
            force=args.force,
        )
    except AdjudicationError as error:
        print(f"tsr-news adjudicate: {error}", file=sys.stderr)
        for detail in error.details:
            print(f"  {detail}", file=sys.stderr)
        return EXIT_INVALID
    where = corpus.layout.relative(outcome.path)
    if outcome.gold_written:
        print(f"wrote {where} ({outcome.conflicts} conflict(s) resolved)")
        return EXIT_OK
    print(
        f"wrote {where}: {outcome.conflicts} conflict(s) to resolve; set each 'resolution' to an "
        "annotator, 'reject' or an edited item, then rerun"
    )
    return EXIT_INVALID


def _show(args: argparse.Namespace) -> int:
    from tsr_news.annotators import show

    if args.all == (args.doc_id is not None):
        raise UsageError("show takes either DOC_ID or --all")
    if args.all:
        if args.out is None or args.layers is not None:
            raise UsageError("show --all needs --out DIR and takes no --layers")
        if args.out.exists() and not args.out.is_dir():
            raise UsageError(f"{args.out} exists and is not a directory")
        written = show.write_all(_corpus(args).valid_documents(), args.out)
        print(f"wrote {len(written)} page(s) to {args.out}", file=sys.stderr)
        return EXIT_OK
    (doc,) = _corpus(args).valid_documents([args.doc_id])
    try:
        page = show.render_document(doc, args.layers)
    except show.ShowError as error:
        raise UsageError(str(error)) from None
    if args.out is None:
        sys.stdout.write(page)
    else:
        from tsr_news.common.atomic import write_text

        write_text(args.out, page)
    return EXIT_OK


def _split(args: argparse.Namespace) -> int:
    from tsr_news.corpus.layout import DOC_ID
    from tsr_news.corpus.splits import assign_split

    if not DOC_ID.fullmatch(args.story_cluster):
        raise UsageError(f"{args.story_cluster!r} is not a valid story cluster id")
    print(assign_split(args.story_cluster))
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from tsr_news.corpus.ray_engine import ray_engine
    from tsr_news.release.build import InvalidCorpus, build
    from tsr_news.release.settings import BadSettings

    if args.ray_address is not None and args.engine != "ray":
        raise UsageError("--ray-address is for --engine ray")
    engine = ray_engine(args.ray_address) if args.engine == "ray" else None
    root = arguments.root_of(args)
    out = args.out if args.out is not None else root / "build"
    try:
        sizes = {
            name: value
            for name, value in (
                ("max_shard_bytes", args.max_shard_bytes),
                ("documents_per_range", args.range_documents),
            )
            if value is not None
        }
        release = build(
            root, out, withhold_text=args.withhold_text, jobs=args.jobs, engine=engine, **sizes
        )
    except BadSettings as error:
        raise UsageError(str(error)) from None
    except InvalidCorpus as invalid:
        sys.stdout.write(render(invalid.problems, "text", {}))
        print(
            f"tsr-news build: the corpus is invalid ({len(invalid.problems)} problem(s)); "
            "nothing written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if release.current:
        print(
            f"tsr-news build: {release.path} is current (built from these very inputs); "
            "nothing to do",
            file=sys.stderr,
        )
        return EXIT_OK
    reused = (
        f" ({release.reused} of {release.ranges} ranges unchanged, reused)"
        if release.reused
        else ""
    )
    print(
        f"tsr-news build: {release.documents} document(s) -> {release.path}{reused}",
        file=sys.stderr,
    )
    return EXIT_OK


def _rehydrate(args: argparse.Namespace) -> int:
    from tsr_news.release.manifest import DamagedRelease
    from tsr_news.release.rehydrate import (
        ContentMismatch,
        NotAWithheldRelease,
        RefusedTexts,
        rehydrate,
    )

    if not args.raw.is_dir():
        raise UsageError(f"--raw {args.raw}: not a directory")
    out = args.out if args.out is not None else args.release.parent
    try:
        release = rehydrate(args.release, args.raw, out)
    except NotAWithheldRelease as error:
        raise UsageError(str(error)) from None
    except RefusedTexts as refused:
        sys.stdout.write("".join(f"{problem}\n" for problem in refused.problems))
        print(
            f"tsr-news rehydrate: {len(refused.problems)} raw text(s) missing or not the "
            "released text; nothing written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except (ContentMismatch, DamagedRelease) as error:
        print(f"tsr-news rehydrate: {error}; nothing written", file=sys.stderr)
        return EXIT_INVALID
    print(f"tsr-news rehydrate: {release.documents} document(s) -> {release.path}", file=sys.stderr)
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from tsr_news.release.publish import HUB_ERRORS, NotPublishable, Refused, plan, publish

    try:
        planned = plan(args.release, args.repo, args.holds_text_rights)
        if args.dry_run:
            print(
                f"would upload {len(planned.files)} file(s) of {planned.release} to the dataset "
                f"repository {planned.repo} and tag them {planned.tag}:"
            )
            print("\n".join(planned.files))
            return EXIT_OK
        print(f"tsr-news publish: {publish(planned, _hub_api())}", file=sys.stderr)
    except NotPublishable as error:
        raise UsageError(str(error)) from None
    except Refused as refused:
        print(f"tsr-news publish: {refused}; nothing uploaded", file=sys.stderr)
        return EXIT_INVALID
    except HUB_ERRORS as error:
        raise UsageError(f"the Hugging Face Hub: {_one_line(error)}") from None
    return EXIT_OK


def _hub_api():
    """An HfApi with the token from huggingface_hub's standard places (never printed)."""
    from huggingface_hub import HfApi, constants, get_token

    if constants.HF_HUB_OFFLINE:
        raise UsageError("HF_HUB_OFFLINE is set: publishing needs the network")
    token = get_token()
    if token is None:
        raise UsageError(
            "no Hugging Face token: set HF_TOKEN or run `hf auth login` (a token with write "
            "access to the repository)"
        )
    return HfApi(token=token)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _datasheet(args: argparse.Namespace) -> int:
    from tsr_news.corpus.loader import Corpus
    from tsr_news.release.datasheet import DATASHEET, Statistics
    from tsr_news.release.layers import release_layer

    root = arguments.root_of(args)
    fallback = _release_settings(root).fallback_layers
    report = validate_root(root)
    if not report.valid:
        sys.stdout.write(render(report.problems, "text", {}))
        return EXIT_INVALID
    statistics = Statistics()
    for loaded in Corpus(root).documents():
        statistics.add(loaded, release_layer(loaded, fallback))
    return _regenerate_blocks(root / DATASHEET, statistics.blocks(), args.check, "datasheet")


def _release_settings(root: Path):
    from tsr_news.release.settings import BadSettings, read_settings

    try:
        return read_settings(root)
    except BadSettings as error:
        raise UsageError(str(error)) from None


def _diff(args: argparse.Namespace) -> int:
    from tsr_news.release.diff import diff
    from tsr_news.release.manifest import DamagedRelease

    missing = [str(p) for p in (args.old, args.new) if not (p / "manifest.json").is_file()]
    if missing:
        raise UsageError(f"not a release directory (no manifest.json): {', '.join(missing)}")
    try:
        result = diff(args.old, args.new)
    except DamagedRelease as refused:
        print(f"tsr-news diff: {refused}", file=sys.stderr)
        return EXIT_INVALID
    sys.stdout.write(result.render())
    return EXIT_OK if result.consistent else EXIT_INVALID
