"""Rehydrate: a text-withheld release plus the user's own raw texts -> the full release.

A withheld release (`build --withhold-text`) can be published because it carries no article
text; a user who holds the texts (`DIR/<doc_id>.txt`, byte for byte as in the corpus's `raw/`)
restores them here. Every file is checked against the release's `text_sha256` before anything
is written: a missing or different file is refused (`RefusedTexts`), since offsets into any
other text would silently point at the wrong characters.

The documents are rebuilt from the withheld `documents` config (metadata), its `layers` config
(every annotation file, with each kind's annotator, origin and model) and the texts (span
texts are `text[start:end]` by the scheme's rule), in the form the corpus files have (through
the typed model, which drops the nulls Parquet gives absent optional keys); each document's
release layer is chosen again by the fallback layers the manifest records; and written by
`build.write_release`, the writer `build` uses, so a rehydrated release is byte-identical to
a full build of the same corpus with the same tools (cut into the same ranges, which the
manifest records). While writing, the content digest is checked against the one the
withheld release carries (the full content's): a difference aborts the write.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
from datasets import Features

from tsr_news import __version__
from tsr_news.checks.jsonfile import Unreadable
from tsr_news.common.atomic import removed_if_left_empty
from tsr_news.common.files import output_dir, output_lock, sha256_file
from tsr_news.corpus.layout import DOC_ID
from tsr_news.corpus.loader import LoadedDocument
from tsr_news.release.build import Release, output_settings, write_release
from tsr_news.release.card import CARD, datasheet_of
from tsr_news.release.digest import ContentDigest
from tsr_news.release.features import with_names
from tsr_news.release.layers import GOLD
from tsr_news.release.manifest import (
    MANIFEST,
    DamagedRelease,
    Provenance,
    read_manifest,
    untrusted,
)
from tsr_news.release.part import OutputSettings, batches, write_range
from tsr_news.release.ranges import RangeOutput, cut
from tsr_news.release.withhold import fill_spans
from tsr_news.scheme.model import (
    ITEM_TYPES,
    AnnotationFile,
    DocumentMeta,
    Layer,
    from_json,
    to_json,
)
from tsr_news.scheme.schemas import META_SCHEMA, load_schema


class NotAWithheldRelease(Exception):
    """RELEASE is not a text-withheld release this version of tsr-news can rehydrate."""


class ContentMismatch(Exception):
    """The rebuilt documents differ from what the withheld release's manifest describes."""


@dataclass(frozen=True)
class TextProblem:
    """One raw text that cannot be used: missing (`actual` None) or not the annotated text."""

    path: Path
    doc_id: str
    expected: str
    actual: str | None

    def __str__(self) -> str:
        if self.actual is None:
            return (
                f"{self.path}: {self.doc_id}: missing; expected a file with sha256 {self.expected}"
            )
        return (
            f"{self.path}: {self.doc_id}: sha256 {self.actual}, expected {self.expected} "
            "(not the text the release was annotated on)"
        )


class RefusedTexts(Exception):
    """Some raw texts are missing or differ from the release's `text_sha256`; nothing written."""

    def __init__(self, problems: list[TextProblem]):
        super().__init__(f"{len(problems)} raw text(s) refused")
        self.problems = problems


def rehydrate(release: Path, raw: Path, out: Path) -> Release:
    """Write the full release `out/tsr-news-X.Y.Z/` from the withheld `release` and `raw/`;
    DamagedRelease if its files are not what `build` writes (`manifest.untrusted`)."""
    with untrusted(release):
        return _rehydrate(release, raw, out)


def _rehydrate(release: Path, raw: Path, out: Path) -> Release:
    manifest = _withheld_manifest(release)
    problems = check_texts(release, raw)
    if problems:
        raise RefusedTexts(problems)
    try:
        datasheet = datasheet_of((release / CARD).read_text(encoding="utf-8"))
    except ValueError as error:
        raise NotAWithheldRelease(f"{release / CARD}: {error}") from None
    fallback = tuple(manifest["release_layers"]["fallback_layers"])
    documents = (
        _document(row, files, _text(raw, row["doc_id"]))
        for row, files in _with_layers(_rows(release, "documents"), _rows(release, "layers"))
    )
    provenance = Provenance(
        manifest["source"],
        datasheet,
        fallback,
        manifest["agreement"],
        manifest["max_shard_bytes"],
        manifest["documents_per_range"],
    )
    settings = output_settings(False, provenance)
    plan = list(cut(_doc_ids(release), provenance.documents_per_range))
    digest = manifest["content_digest"]["sha256"]
    produce = partial(_range_outputs, documents, plan, settings, digest, release)
    with output_lock(output_dir(out)), removed_if_left_empty(out):
        return write_release(produce, provenance, out, withhold_text=False)


def check_texts(release: Path, raw: Path) -> list[TextProblem]:
    """Every document of `release` whose `raw/<doc_id>.txt` is missing or has another sha256."""
    problems = []
    for row in _rows(release, "documents", columns=["doc_id", "text_sha256"]):
        path = _text_path(raw, row["doc_id"])
        actual = sha256_file(path) if path.is_file() else None
        if actual != row["text_sha256"]:
            problems.append(TextProblem(path, row["doc_id"], row["text_sha256"], actual))
    return problems


def _withheld_manifest(release: Path) -> dict:
    path = release / MANIFEST
    if not path.is_file():
        raise NotAWithheldRelease(f"{release}: not a release directory (no {MANIFEST})")
    try:
        manifest = read_manifest(path)
    except Unreadable as refused:
        raise NotAWithheldRelease(f"{release}: not a release: {refused}") from None
    if manifest.get("text_withheld") is not True:
        raise NotAWithheldRelease(
            f"{path}: not a text-withheld release (text_withheld is not true); it has the text"
        )
    if manifest["version"] != __version__:
        raise NotAWithheldRelease(
            f"{path}: release {manifest['version']} needs tsr-news {manifest['version']} to "
            f"rehydrate it (the writer defines its bytes); this is tsr-news {__version__}"
        )
    return manifest


def _text_path(raw: Path, doc_id: str) -> Path:
    """`raw/<doc_id>.txt`, for a doc id as the corpus allows them: a release's id is not
    trusted to name a path (`../../x` would read outside `raw`)."""
    if not isinstance(doc_id, str) or not DOC_ID.fullmatch(doc_id):
        raise DamagedRelease(
            f"document id {doc_id!r} is not a corpus document id (3-64 of a-z 0-9 _ -): the "
            "release was changed after it was built"
        )
    return raw / f"{doc_id}.txt"


def _text(raw: Path, doc_id: str) -> str:
    """The text, decoded as the loader decodes it (its sha256 was checked: it is valid UTF-8)."""
    return _text_path(raw, doc_id).read_bytes().decode("utf-8")


def _rows(release: Path, config: str, columns: list[str] | None = None) -> Iterator[dict]:
    """The release's rows of `config`, labels as names, in doc_id order across split files
    (each file is in doc_id order: the order `build` feeds documents to the writer; a
    document's rows are in one file, so merging keeps their order)."""
    files = sorted(release.glob(f"data/{config}/*.parquet"))
    return heapq.merge(*(_file_rows(p, columns) for p in files), key=lambda row: row["doc_id"])


def _with_layers(
    documents: Iterator[dict], layers: Iterator[dict]
) -> Iterator[tuple[dict, list[dict]]]:
    """Each `documents` row with its `layers` rows (both in doc_id order)."""
    grouped = itertools.groupby(layers, key=lambda row: row["doc_id"])
    pending = next(grouped, None)
    for row in documents:
        files = []
        if pending is not None and pending[0] == row["doc_id"]:
            files = list(pending[1])
            pending = next(grouped, None)
        yield row, files
    if pending is not None:
        raise NotAWithheldRelease(f"layers of {pending[0]!r} belong to no document of the release")


def _file_rows(path: Path, columns: list[str] | None) -> Iterator[dict]:
    parquet = pq.ParquetFile(path)
    features = Features.from_arrow_schema(parquet.schema_arrow)
    for batch in parquet.iter_batches(columns=columns):
        for row in batch.to_pylist():
            yield {name: with_names(features[name], value) for name, value in row.items()}


def _document(row: dict, files: list[dict], text: str) -> LoadedDocument:
    """The document a withheld `documents` row, its `layers` rows and its verified text stand
    for."""
    meta = from_json(DocumentMeta, {**row, "schema_version": _meta_schema_version()})
    annotations = {file["layer"]: _annotation_file(fill_spans(file, text), row) for file in files}
    gold = annotations.pop(GOLD, None)
    return LoadedDocument(
        row["doc_id"], [], 0, meta=to_json(meta), text=text, gold=gold, layers=annotations
    )


def _annotation_file(file: dict, row: dict) -> dict:
    """The annotation file (JSON, as in the corpus) that a `layers` row holds."""
    layers = {
        source["kind"]: Layer(
            annotator=source["annotator"],
            origin=source["origin"],
            model=source["model"],
            items=tuple(
                from_json(ITEM_TYPES[source["kind"]], item) for item in file[source["kind"]]
            ),
        )
        for source in file["layer_sources"]
    }
    return AnnotationFile(row["doc_id"], row["text_sha256"], layers).to_json()


def _meta_schema_version() -> int:
    """The metadata files' schema version: the release drops it, and the schema allows one."""
    return load_schema(META_SCHEMA)["properties"]["schema_version"]["const"]


def _doc_ids(release: Path) -> list[str]:
    """The release's document ids, in doc_id order."""
    return [row["doc_id"] for row in _rows(release, "documents", columns=["doc_id"])]


def _range_outputs(
    documents: Iterator[LoadedDocument],
    plan: list[list[str]],
    settings: OutputSettings,
    expected: str,
    release: Path,
    directory: Path,
) -> list[RangeOutput]:
    """The ranges of `documents` (cut as `plan`, the release's), written into the temporary
    release `directory` as `build` writes them; ContentMismatch (which aborts the write)
    unless their content digest is `expected`."""
    outputs = []
    digest = ContentDigest()
    for doc_ids in plan:
        in_range = itertools.islice(documents, len(doc_ids))
        output = write_range(batches(in_range, settings), directory, settings)
        if output.doc_ids != doc_ids:
            raise NotAWithheldRelease(f"{release}: its documents and their ids disagree")
        digest.add(output.digests)
        outputs.append(output)
    if digest.hexdigest() != expected:
        raise ContentMismatch(
            f"{release}: the documents rebuilt from its files have content digest "
            f"{digest.hexdigest()}, its {MANIFEST} says {expected}: the release was changed "
            "after it was built"
        )
    return outputs
