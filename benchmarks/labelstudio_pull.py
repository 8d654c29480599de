"""How long `tsr-news ls pull` takes on a large project: a real Label Studio on 127.0.0.1.

    python benchmarks/labelstudio_pull.py --docs 3000 [--label-studio .venv-ls/bin/label-studio]

Generates a synthetic corpus (benchmarks/generate.py), starts Label Studio with a fresh data
directory, imports one task per document with its gold as one submitted annotation (so the
export carries every region, attribute and relation), then times `tsr-news ls pull` as a
user runs it and checks that every layer was written. Needs `tsr-news[labelstudio]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from label_studio_sdk import LabelStudio as Sdk

from tsr_news.labelstudio import server
from tsr_news.labelstudio.convert import to_results
from tsr_news.labelstudio.project import project_settings
from tsr_news.labelstudio.tasks import build_tasks
from tsr_news.scheme.model import AnnotationFile

sys.path.insert(0, str(Path(__file__).parent))
import generate  # the benchmark corpus generator, beside this file

TOKEN = "benchmark-token-0123456789abcdef"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--label-studio", type=Path, default=Path(".venv-ls/bin/label-studio"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tsr-news-ls-bench-"))
    root = work / "corpus"
    generate.main([str(root), "--docs", str(args.docs)])
    tasks, problems = build_tasks(root)
    assert not problems, problems[:3]
    for task in tasks:
        doc_id = task["data"]["doc_id"]
        gold = json.loads((root / "annotations" / f"{doc_id}.json").read_text("utf-8"))
        task["annotations"] = [{"result": to_results(AnnotationFile.from_json(gold))}]
    running = server.start(
        args.label_studio, work / "ls", username="bench@example.org", password="bench", token=TOKEN
    )
    try:
        sdk = Sdk(base_url=running.url, api_key=TOKEN, timeout=600)
        project = sdk.projects.create(title="tsr-news benchmark", **project_settings())
        started = time.monotonic()
        for first in range(0, len(tasks), 500):
            sdk.projects.import_tasks(project.id, request=tasks[first : first + 500])
        imported = time.monotonic() - started
        env = {**os.environ, "LABEL_STUDIO_API_KEY": TOKEN}
        command = [sys.executable, "-m", "tsr_news", "ls", "pull", "--url", running.url]
        command += ["--project", "tsr-news benchmark", "--root", str(root)]
        started = time.monotonic()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        pulled = time.monotonic() - started
    finally:
        running.stop()
    written = len(list((root / "annotations" / "layers" / "bench").glob("*.json")))
    print(
        f"{args.docs} tasks imported in {imported:.0f} s; pull: exit {done.returncode}, "
        f"{pulled:.1f} s, {written} layer files written"
    )
    print(done.stderr.splitlines()[-1] if done.stderr else "")
    return 0 if done.returncode == 0 and written == args.docs else 1


if __name__ == "__main__":
    sys.exit(main())
