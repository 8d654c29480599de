"""Text rights: a release without the copyrighted text (`build --withhold-text`), and
`rehydrate`, which restores it from the user's own raw files through build's writer.

Each corpus is built twice per session (full, withheld) into one directory; the tests read
those and write anything else into their own temporary directories.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import datasets
import pytest

from tsr_news.release.build import build, release_name
from tsr_news.release.manifest import MANIFEST, SHA256SUMS
from tsr_news.release.rehydrate import rehydrate
from tsr_news.release.rows import CONFIGS

from conftest import FIXTURE_CORPUS, REPO

datasets.disable_progress_bars()

CORPORA = {"repo": REPO, "fixture": FIXTURE_CORPUS}
TEXT_KEYS = ("text", "tokens")  # the only columns that copy the article text
# Kept on purpose: a headline identifies the article a user must obtain to rehydrate.
# Kept by decision: the short strings annotators write (names of speakers, actors, targets).
KEPT_STRINGS = ("title", "speaker_text", "actor_text", "target_text")
LONG = 20  # characters: longer than any name; a longer string found in a text is a copy of it


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones included) -> its sha256."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@dataclass(frozen=True)
class Pair:
    """One corpus built both ways, side by side."""

    root: Path
    full: Path
    withheld: Path


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Pair]:
    out = {}
    for name, root in CORPORA.items():
        directory = tmp_path_factory.mktemp(f"text-rights-{name}")
        out[name] = Pair(
            root,
            build(root, directory).path,
            build(root, directory, withhold_text=True).path,
        )
    return out


@pytest.fixture(scope="session", params=sorted(CORPORA))
def pair(request, built) -> Pair:
    return built[request.param]


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """The user's own copies of the fixture corpus's texts, free to break."""
    raw = tmp_path / "my-texts"
    raw.mkdir()
    for text in (FIXTURE_CORPUS / "raw").glob("*.txt"):
        shutil.copy(text, raw / text.name)
    return raw


def load_all(release: Path) -> dict[str, list[dict]]:
    """Every config present, loaded offline with `datasets`: config -> rows of every split."""
    present = sorted({p.parent.name for p in release.glob("data/*/*.parquet")})
    return {
        config: [
            row for split in datasets.load_dataset(str(release), config).values() for row in split
        ]
        for config in present
    }


def strings(value, key=None):
    """(key, string) for every string nested anywhere in a row; `key` is its column or field."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, inner in value.items():
            yield from strings(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from strings(inner, key)


def test_rehydrating_the_withheld_release_gives_the_full_build_byte_for_byte(pair, tmp_path):
    corpus_root = REPO if pair.full.parent.name.startswith("text-rights-repo") else FIXTURE_CORPUS

    rehydrated = rehydrate(pair.withheld, corpus_root / "raw", tmp_path).path

    assert rehydrated.name == pair.full.name == release_name()
    assert (rehydrated / SHA256SUMS).read_bytes() == (pair.full / SHA256SUMS).read_bytes()
    assert tree(rehydrated) == tree(pair.full)


def test_the_withheld_release_is_named_flagged_and_explained_as_such(pair):
    withheld, full = pair.withheld, pair.full
    assert withheld.name == release_name(withheld=True) == f"{full.name}-withheld"
    assert json.loads((withheld / MANIFEST).read_text())["text_withheld"] is True
    assert json.loads((full / MANIFEST).read_text())["text_withheld"] is False
    card = (withheld / "README.md").read_text(encoding="utf-8")
    assert "**Text withheld.**" in card and "tsr-news rehydrate" in card
    assert "Text withheld" not in (full / "README.md").read_text(encoding="utf-8")


def test_the_withheld_release_carries_the_full_releases_content_digest(pair):
    full, withheld = (json.loads((r / MANIFEST).read_text()) for r in (pair.full, pair.withheld))
    assert withheld["content_digest"] == full["content_digest"]


def test_the_withheld_release_loads_offline_with_text_fields_empty_and_all_else_equal(pair):
    """Offsets, text hashes, labels, ids: everything but the text equals the full release."""
    full, withheld = load_all(pair.full), load_all(pair.withheld)
    assert withheld.keys() == full.keys()
    blanked = 0
    for config in full:
        assert len(withheld[config]) == len(full[config])
        for full_row, withheld_row in zip(full[config], withheld[config], strict=True):
            expected = blank(full_row)
            assert withheld_row == expected
            blanked += expected != full_row
    assert blanked == sum(len(rows) for rows in full.values())  # every row had text to blank


def blank(value, key=None):
    """`value` with the strings under TEXT_KEYS emptied: what withholding must give."""
    if isinstance(value, str):
        return "" if key in TEXT_KEYS else value
    if isinstance(value, dict):
        return {name: blank(inner, name) for name, inner in value.items()}
    if isinstance(value, list):
        return [blank(inner, key) for inner in value]
    return value


def test_no_string_column_of_the_withheld_release_holds_article_text(pair):
    texts = [row["text"] for row in load_all(pair.full)["documents"]]
    withheld = load_all(pair.withheld)
    scanned = 0
    for config, rows in withheld.items():
        for row in rows:
            for key, value in strings(row):
                scanned += 1
                if key in TEXT_KEYS:
                    assert value == "", (config, row["doc_id"], key)
                elif key not in KEPT_STRINGS and len(value) >= LONG:
                    assert not any(value in text for text in texts), (config, key, value)
    assert scanned


def test_the_withheld_ner_config_keeps_one_empty_token_per_tag(built):
    withheld = load_all(built["fixture"].withheld)
    assert withheld["ner"] and set(CONFIGS) == withheld.keys()
    for row in withheld["ner"]:
        assert row["tokens"] == [""] * len(row["ner_tags"])


def test_withheld_builds_are_reproducible_and_pass_sha256sum(pair, tmp_path):
    run = subprocess.run(
        ["sha256sum", "--check", "--strict", SHA256SUMS],
        cwd=pair.withheld,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    again = build(pair.root, tmp_path, withhold_text=True).path
    assert tree(again) == tree(pair.withheld)


def test_a_tampered_raw_text_is_refused_naming_both_hashes_and_nothing_is_written(
    built, raw_copy, cli, tmp_path
):
    withheld = built["fixture"].withheld
    tampered = raw_copy / "doc-beta.txt"
    expected = hashlib.sha256(tampered.read_bytes()).hexdigest()
    tampered.write_bytes(tampered.read_bytes().replace(b" ", b"  ", 1))
    actual = hashlib.sha256(tampered.read_bytes()).hexdigest()
    out = tmp_path / "out"

    run = cli("rehydrate", withheld, "--raw", raw_copy, "--out", out)

    assert run.exit_code == 1
    assert run.out == (
        f"{tampered}: doc-beta: sha256 {actual}, expected {expected} "
        "(not the text the release was annotated on)\n"
    )
    assert "nothing written" in run.err
    assert not out.exists()


def test_a_missing_raw_text_is_refused_by_name_and_nothing_is_written(
    built, raw_copy, cli, tmp_path
):
    (raw_copy / "doc-gamma.txt").unlink()
    (raw_copy / "doc-alpha.txt").write_text("not the article", encoding="utf-8")
    out = tmp_path / "out"

    run = cli("rehydrate", built["fixture"].withheld, "--raw", raw_copy, "--out", out)

    assert run.exit_code == 1
    lines = run.out.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["doc-alpha", "doc-gamma"]
    assert lines[1].startswith(f"{raw_copy / 'doc-gamma.txt'}: doc-gamma: missing; expected")
    assert not out.exists()


def test_a_withheld_release_whose_documents_were_changed_is_refused_and_nothing_written(
    built, raw_copy, cli, tmp_path
):
    changed = tmp_path / built["fixture"].withheld.name
    shutil.copytree(built["fixture"].withheld, changed)
    manifest = json.loads((changed / MANIFEST).read_text())
    manifest["content_digest"]["sha256"] = "0" * 64
    (changed / MANIFEST).write_text(json.dumps(manifest))
    out = tmp_path / "out"

    run = cli("rehydrate", changed, "--raw", raw_copy, "--out", out)

    assert run.exit_code == 1
    assert "content digest" in run.err and "nothing written" in run.err
    assert not out.exists()  # not even the temporary directory, nor an empty output directory


def test_rehydrate_refuses_a_full_release_or_a_missing_raw_directory_as_usage_errors(
    built, raw_copy, cli, tmp_path
):
    full = cli("rehydrate", built["fixture"].full, "--raw", raw_copy, "--out", tmp_path)
    assert full.exit_code == 2 and "not a text-withheld release" in full.err
    no_raw = cli("rehydrate", built["fixture"].withheld, "--raw", tmp_path / "nope")
    assert no_raw.exit_code == 2 and "not a directory" in no_raw.err
    assert list(tmp_path.iterdir()) == [raw_copy]


def test_build_withhold_text_on_the_command_line_writes_the_withheld_release(cli, tmp_path):
    run = cli("build", "--root", FIXTURE_CORPUS, "--out", tmp_path, "--withhold-text")
    assert run.exit_code == 0, run.err
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == [
        release_name(withheld=True)
    ]


def test_the_withheld_croissant_file_passes_mlcroissant_validation(pair):
    mlcroissant = pytest.importorskip("mlcroissant")
    dataset = mlcroissant.Dataset(jsonld=pair.withheld / "croissant.json")
    present = {p.parent.name for p in pair.withheld.glob("data/*/*.parquet")}
    names = {rs.name for rs in dataset.metadata.record_sets}
    assert present <= names
    for config in present:  # the records read, text emptied
        (record, *_) = dataset.records(config)
        if config == "documents":
            assert record["documents/text"] == b""
