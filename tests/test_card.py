"""The dataset card: loaded by huggingface_hub as the Hub loads it, true per release kind,
and documenting every field of every config."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from huggingface_hub import DatasetCard, DatasetCardData

from tsr_news.release.build import build
from tsr_news.release.card import CARD
from tsr_news.release.descriptions import Undocumented, describe, walk
from tsr_news.release.features import features
from tsr_news.release.rows import CONFIGS

from conftest import FIXTURE_CORPUS


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("kinds")
    return {
        "full": build(FIXTURE_CORPUS, out).path,
        "withheld": build(FIXTURE_CORPUS, out, withhold_text=True).path,
    }


@pytest.mark.parametrize("kind, licence", [("full", "other"), ("withheld", "cc-by-4.0")])
def test_the_card_loads_with_huggingface_hub_and_states_the_release_s_licence(kinds, kind, licence):
    card = DatasetCard.load(kinds[kind] / CARD)
    assert isinstance(card.data, DatasetCardData)
    assert card.data.license == licence
    assert card.data.license_link.startswith("https://")
    if kind == "full":
        assert "not-redistributable" in card.data.license_name
    else:
        assert "license_name" not in card.data.to_dict()
    assert card.data.task_categories == ["token-classification"]
    assert card.data.task_ids == ["named-entity-recognition"]
    assert card.text.lstrip().splitlines()[2].startswith("**What the labels are.**")


def test_a_release_without_ner_claims_no_task():
    from tsr_news.release.card import tasks

    assert tasks(["documents", "entities", "quotes"]) == {}
    assert tasks(["documents", "ner"])["task_ids"] == ["named-entity-recognition"]


@pytest.mark.parametrize("config", CONFIGS)
def test_every_field_of_every_config_has_a_description_and_is_in_the_card(kinds, config):
    text = (kinds["full"] / CARD).read_text(encoding="utf-8")
    section = text.split(f"### `{config}`", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    for parent, name, _ in walk(features(config), config):
        assert describe(parent, name)
        assert f"`{name}`" in section or f".{name}`" in section, (config, name)
    assert "```json" in section  # an example row


def test_a_field_without_a_description_is_refused():
    with pytest.raises(Undocumented):
        describe("documents", "a_new_column")


def test_the_card_documents_the_ner_rules_and_its_longest_sentence(kinds):
    text = (kinds["full"] / CARD).read_text(encoding="utf-8")
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    longest = max(
        pc.max(pc.list_value_length(pq.read_table(p, columns=["tokens"])["tokens"])).as_py()
        for p in kinds["full"].glob("data/ner/*.parquet")
    )
    assert f"The longest sentence has {longest} tokens." in text
    assert "no entity is split between rows" in text


def _recipe(text: str, after: str, fence: str) -> str:
    return text.split(f"{after}\n\n```{fence}\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("tool", ["pandas", "duckdb", "polars"])
def test_the_card_s_recipes_recover_the_label_names_without_datasets(kinds, tool):
    import pyarrow.parquet as pq

    text = (kinds["full"] / CARD).read_text(encoding="utf-8")
    if tool == "pandas":
        recipe = _recipe(text, "With pyarrow and pandas:", "python")
        recipe += "print(json.dumps(sorted(set(entities['label']))))\n"
    elif tool == "polars":
        recipe = _recipe(text, "With Polars:", "python")
        recipe += "print(json.dumps(sorted(set(entities['label'].to_list()))))\n"
    else:
        query = _recipe(
            text,
            "With DuckDB (the metadata is JSON; its list indexes start at 0, as the ids do):",
            "sql",
        )
        recipe = (
            "import duckdb, json\n"
            f"rows = duckdb.sql({query.strip().rstrip(';')!r}).fetchall()\n"
            "print(json.dumps(sorted({label for _, _, label in rows})))\n"
        )
    run = subprocess.run(
        [sys.executable, "-c", recipe], cwd=kinds["full"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    ids = pq.read_table(kinds["full"] / "data/entities/train-00000-of-00001.parquet")["label"]
    label = features("entities")["label"]
    assert json.loads(run.stdout) == sorted({label.int2str(i) for i in ids.to_pylist()})


def test_the_card_cites_and_names_the_repository(kinds):
    text = (kinds["full"] / CARD).read_text(encoding="utf-8")
    assert "```bibtex\n@misc{" in text
    assert "https://github.com/tsr-news/tsr-news" in text
