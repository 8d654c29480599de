"""The guidelines' label tables follow the taxonomy; generated blocks leave the prose alone."""

import shutil

import pytest

from tsr_news.common.markers import MissingMarkers, replace_block
from tsr_news.scheme.schemas import taxonomy

from conftest import REPO


def test_guidelines_tables_are_current_on_the_repository(cli):
    run = cli("guidelines", "--root", REPO, "--check")
    assert run.exit_code == 0, run.err


def test_every_annotator_facing_value_has_a_row_in_the_guidelines():
    text = (REPO / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")
    for name in ("entity_label", "measure_type", "sector", "noise_kind", "quote_flag"):
        for value, definition in taxonomy()[name].definitions.items():
            assert f"| `{value}` | {definition} |" in text


def test_a_stale_table_fails_the_check_and_regenerating_fixes_it(cli, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(REPO / "raw", root / "raw")
    shutil.copytree(REPO / "annotations", root / "annotations")
    path = root / "annotations" / "GUIDELINES.md"
    prose = path.read_text(encoding="utf-8").replace("| `SANCTION` |", "| `SANCTIONS` |")
    path.write_text(prose, encoding="utf-8")
    assert cli("guidelines", "--root", root, "--check").exit_code == 1
    assert cli("guidelines", "--root", root).exit_code == 0
    assert cli("guidelines", "--root", root, "--check").exit_code == 0
    assert path.read_text(encoding="utf-8") == (REPO / "annotations" / "GUIDELINES.md").read_text(
        encoding="utf-8"
    )


def test_replace_block_rewrites_only_between_the_markers():
    text = "intro\n<!-- t:begin -->\nold\n<!-- t:end -->\noutro\n"
    assert (
        replace_block(text, "t", "new\n") == "intro\n<!-- t:begin -->\nnew\n<!-- t:end -->\noutro\n"
    )
    with pytest.raises(MissingMarkers):
        replace_block("no markers here", "t", "x")
