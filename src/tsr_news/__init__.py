"""Tech Self-Reliance News: an annotated news corpus, its validator and its release builder.

The folders follow the data: a corpus is read and checked, then written out.

    common/       shared helpers (atomic writes, signals, generated blocks, exit codes)
    scheme/       the JSON Schemas, the taxonomy and the typed model
    checks/       semantic checks, schema-error explanations, JSON Pointers, problems
    corpus/       reading the corpus: layout, loader, splits, fingerprints, validate
    annotators/   agreement, adjudication, statistics, review pages, guidelines
    release/      the Hugging Face release, its card, Croissant file and datasheet
    labelstudio/  the Label Studio config, tasks and the conversion both ways
    cli/          the `tsr-news` command

A module imports from its own folder and from the folders before it in this list (`LAYERS`),
never from one after it; `release/` and `labelstudio/` do not import each other.
`tests/test_layering.py` fails on an import that breaks this order and on an import cycle.
"""

__version__ = "1.0.0"

LAYERS = ("common", "scheme", "checks", "corpus", "annotators", "release", "labelstudio", "cli")
