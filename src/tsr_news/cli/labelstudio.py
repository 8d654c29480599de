"""`tsr-news ls ...`: the Label Studio commands, a thin layer over the labelstudio package.

Exit codes as everywhere: 0 done, 1 invalid data (problems reported), 2 usage or environment
(bad arguments, no API key, server unreachable).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
from pathlib import Path

from tsr_news.checks.jsonfile import read_json
from tsr_news.cli.arguments import root_of
from tsr_news.common.exits import EXIT_INVALID, EXIT_OK, UsageError
from tsr_news.labelstudio.project import DEFAULT_OVERLAP

DEFAULT_PROJECT = "tsr-news"


def add_commands(commands) -> None:
    ls = commands.add_parser(
        "ls",
        help="Label Studio: config, tasks, import, push, pull, serve",
        description="Annotate in Label Studio: generate its config and tasks from the corpus, "
        "push them to a server, and pull or import the annotations back as validated layers.",
    )
    sub = ls.add_subparsers(dest="ls_command", required=True, metavar="COMMAND")

    config = sub.add_parser("config", help="print the labelling config XML")
    config.set_defaults(run=_config)

    tasks = sub.add_parser("tasks", help="print the tasks JSON of the corpus's documents")
    _root_option(tasks)
    tasks.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="only these documents")
    _predictions_option(tasks)
    tasks.set_defaults(run=_tasks)

    imp = sub.add_parser("import", help="import a full JSON export as annotation layers")
    imp.add_argument("export", type=Path, metavar="EXPORT.json")
    imp.add_argument(
        "--users",
        type=Path,
        metavar="USERS.json",
        help="the server's /api/users list: the export names annotators only by number",
    )
    _root_option(imp)
    imp.set_defaults(run=_import)

    for name, run, what in (
        ("push", _push, "create/update the project and its config; add missing tasks"),
        ("pull", _pull, "export the project and import its annotations like `ls import`"),
    ):
        command = sub.add_parser(
            name, help=what, description=f"{what}. The API key is read from $LABEL_STUDIO_API_KEY."
        )
        command.add_argument("--url", required=True, help="e.g. http://127.0.0.1:8080")
        command.add_argument("--project", default=DEFAULT_PROJECT, help="project title or number")
        _root_option(command)
        if name == "push":
            command.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="only these")
            _predictions_option(command)
            _overlap_option(command)
        command.set_defaults(run=run)

    serve = sub.add_parser(
        "serve",
        help="start a local Label Studio on 127.0.0.1 with the project and tasks",
        description="Start Label Studio (installed by `make labelstudio`) on 127.0.0.1, "
        "create or update the project, push the tasks, print where to log in; Ctrl-C stops it.",
    )
    _root_option(serve)
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--email",
        default="annotator@example.org",
        help="login (its local part becomes the annotator id of your layers)",
    )
    serve.add_argument("--data-dir", type=Path, help="default: <corpus>/.labelstudio")
    serve.add_argument("--project", default=DEFAULT_PROJECT)
    serve.add_argument("--label-studio", type=Path, help="the label-studio executable")
    _predictions_option(serve)
    _overlap_option(serve)
    serve.set_defaults(run=_serve)


def _root_option(parser) -> None:
    parser.add_argument("--root", type=Path, help="corpus root (default: found from .)")


def _predictions_option(parser) -> None:
    parser.add_argument(
        "--predictions",
        metavar="LAYER",
        help="pre-annotate from this layer: 'gold' or an annotator id",
    )


def _overlap_option(parser) -> None:
    parser.add_argument(
        "--overlap",
        type=_overlap,
        default=DEFAULT_OVERLAP,
        metavar="N",
        help="annotators per task (Label Studio's 'annotations per task'; default 2)",
    )


def _overlap(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 20:
        raise argparse.ArgumentTypeError(f"not a number of annotators from 1 to 20: {value!r}")
    return int(value)


def _config(args) -> int:
    from tsr_news.labelstudio.config import label_config

    print(label_config())
    return EXIT_OK


def _tasks(args) -> int:
    tasks = _build_tasks(args, args.doc_ids)
    if tasks is None:
        return EXIT_INVALID
    json.dump(tasks, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def _build_tasks(args, doc_ids) -> list | None:
    from tsr_news.labelstudio.tasks import build_tasks

    try:
        tasks, problems = build_tasks(
            root_of(args), only=doc_ids or None, predictions=args.predictions
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    for problem in problems:
        print(problem.as_text(), file=sys.stderr)
    if problems:
        print("tsr-news ls: the corpus is not valid; no tasks made", file=sys.stderr)
        return None
    return tasks


def _import(args) -> int:
    from tsr_news.labelstudio.importer import import_tasks, read_export

    if not args.export.is_file():
        raise UsageError(f"no such file: {args.export}")
    users = {}
    if args.users is not None:
        try:
            listed = read_json(str(args.users), args.users.read_bytes(), list, False)
            users = {u["id"]: u["email"] for u in listed}
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise UsageError(f"{args.users}: not a Label Studio users list ({error})") from None
    try:
        tasks = read_export(args.export)
    except ValueError as error:
        print(f"tsr-news ls import: {error}", file=sys.stderr)
        return EXIT_INVALID
    return _report(import_tasks(tasks, root_of(args), users))


def _report(report) -> int:
    """What was skipped, left in draft, wrong and withheld (stdout); what was written (stderr)."""
    for line in [*report.skipped, *report.drafts]:
        print(line)
    for problem in report.problems:
        print(problem.as_text())
    for line in report.withheld:
        print(line)
    for path in report.written:
        print(f"wrote {path}", file=sys.stderr)
    verdict = f"{len(report.problems)} problem(s)" if report.problems else "no problems"
    print(
        f"tsr-news ls: {len(report.written)} layer file(s) written, {len(report.unchanged)} "
        f"unchanged, {len(report.withheld)} withheld; {len(report.skipped)} skipped task(s), "
        f"{len(report.drafts)} unsubmitted draft(s); {verdict}",
        file=sys.stderr,
    )
    return EXIT_INVALID if report.problems else EXIT_OK


def _sdk_client(command: str):
    """The client module; a usage error naming the extra if the SDK is not installed."""
    try:
        from tsr_news.labelstudio import client
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in ("label_studio_sdk", "httpx"):
            raise
        raise UsageError(
            f"`tsr-news ls {command}` talks to Label Studio through its SDK, which is not "
            "installed: pip install 'tsr-news[labelstudio]'"
        ) from None
    return client


def _connect(client, url: str, key: str | None = None):
    key = key or os.environ.get(client.API_KEY_VARIABLE)
    if not key:
        raise UsageError(
            f"set {client.API_KEY_VARIABLE} to your Label Studio token; " + client.token_help(url)
        )
    try:
        return client.LabelStudio(url, key)
    except client.ClientError as error:
        raise UsageError(str(error)) from None


def _push(args) -> int:
    client = _sdk_client("push")
    tasks = _build_tasks(args, args.doc_ids)
    if tasks is None:
        return EXIT_INVALID
    try:
        report = _connect(client, args.url).push(args.project, tasks, args.overlap)
    except client.ClientError as error:
        raise UsageError(str(error)) from None
    except client.RefusedPush as error:
        print(f"tsr-news ls push: {error}", file=sys.stderr)
        return EXIT_INVALID
    print(
        f"project {report.project}{' (created)' if report.created else ''}: "
        f"{len(report.added)} task(s) added, {len(report.present)} already there; "
        f"{args.overlap} annotator(s) per task",
        file=sys.stderr,
    )
    return EXIT_OK


def _pull(args) -> int:
    client = _sdk_client("pull")
    try:
        report = _connect(client, args.url).pull(args.project, root_of(args))
    except client.ClientError as error:
        raise UsageError(str(error)) from None
    return _report(report)


def _serve(args) -> int:
    from tsr_news.labelstudio import server

    client = _sdk_client("serve")
    key = os.environ.get(client.API_KEY_VARIABLE)
    if not key or len(key) < 20:
        raise UsageError(
            f"set {client.API_KEY_VARIABLE} to a secret of at least 20 characters: it becomes "
            "the server's access token at its first start, and `ls pull` uses it"
        )
    root = root_of(args)
    tasks = _build_tasks(args, [])
    if tasks is None:
        return EXIT_INVALID
    data_dir = args.data_dir or root / ".labelstudio"
    fresh = not any(data_dir.glob("*.sqlite3"))
    # Label Studio sets the password only when it creates the account, at the first start.
    password = os.environ.get("LABEL_STUDIO_PASSWORD") or secrets.token_urlsafe(12)
    try:
        running = server.start(
            args.label_studio or _find_label_studio(root),
            data_dir,
            username=args.email,
            password=password,
            token=key,
            port=args.port,
        )
    except server.ServerError as error:
        raise UsageError(str(error)) from None
    except KeyboardInterrupt:  # `start` has stopped the half-started server
        return EXIT_OK
    try:
        api = _connect(client, running.url, key)
        report = api.push(args.project, tasks, args.overlap)
        invite = api.invite_url()
        login = f"password {password}" if fresh else "the password given at its first start"
        print(
            f"Label Studio is running at {running.url}/projects/{report.project}\n"
            f"Log in as {args.email} with {login}.\n"
            f"Tasks: {len(report.added)} added, {len(report.present)} already there; "
            f"{args.overlap} annotator(s) per task.\n"
            f"Annotators sign up at {invite or running.url + '/organization'} with their email.\n"
            f"Pull with: tsr-news ls pull --url {running.url} --project {args.project!r}\n"
            f"Ctrl-C stops the server; the annotations stay in {data_dir}.",
            flush=True,
        )
        running.process.wait()
    except (client.ClientError, UsageError) as error:
        raise UsageError(f"{error} (was {data_dir} created with another access token?)") from None
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return EXIT_OK


def _find_label_studio(root: Path) -> Path:
    local = root / ".venv-ls" / "bin" / "label-studio"
    found = shutil.which("label-studio")
    return local if local.is_file() or found is None else Path(found)
