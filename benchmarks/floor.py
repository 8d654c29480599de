"""The orjson parse floor: the least any validator of this corpus must do.

    python benchmarks/floor.py CORPUS

Reads every file of the corpus once (raw texts and JSON files, as bytes) and parses the JSON
ones with `orjson.loads`, in one process; nothing else. Prints `<docs> documents <bytes> bytes`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson


def parse_floor(root: Path) -> tuple[int, int]:
    """(documents, bytes read): every .txt read, every .json read and parsed."""
    documents = total = 0
    for top in ("raw", "annotations"):
        for directory, _, names in os.walk(root / top):
            for name in names:
                with open(os.path.join(directory, name), "rb") as f:
                    data = f.read()
                total += len(data)
                if name.endswith(".json"):
                    orjson.loads(data)
                elif name.endswith(".txt"):
                    documents += 1
    return documents, total


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python benchmarks/floor.py CORPUS", file=sys.stderr)
        return 2
    documents, total = parse_floor(Path(args[0]))
    print(f"{documents} documents {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
