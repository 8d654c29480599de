"""Each document's release layer, and `layer`/`origin` on every row: a release publishes the
best annotations each document has, and says whose they are."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml

from tsr_news.release.build import build
from tsr_news.release.features import features
from tsr_news.release.layers import release_layer
from tsr_news.release.settings import BadSettings, read_settings

from conftest import FIXTURE_CORPUS, REPO

datasets.disable_progress_bars()

ANNOTATION_CONFIGS = ("entities", "quotes", "measures", "ner")
DRAFT = "assistant-draft"
REPO_DOCS = sorted(p.name.removesuffix(".txt") for p in (REPO / "raw").glob("*.txt"))


def card(release: Path) -> tuple[dict, str]:
    _, front, prose = release.joinpath("README.md").read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), prose


def load(release: Path, config: str) -> datasets.Dataset:
    return datasets.load_dataset(str(release), config, split="train")


def named(dataset: datasets.Dataset, column: str) -> list:
    names = dataset.features[column]
    return [None if v is None else names.int2str(v) for v in dataset[column]]


def repo_copy(root: Path) -> Path:
    """The repository's corpus (raw/, annotations/, its settings and datasheet) at `root`."""
    for name in ("raw", "annotations"):
        shutil.copytree(REPO / name, root / name)
    for name in ("pyproject.toml", "DATASHEET.md"):
        shutil.copy(REPO / name, root / name)
    return root


def add_gold(root: Path, doc_id: str, adjudicator: str = "lead") -> None:
    """Make the draft of `doc_id` its gold, as if people had reviewed it (test data only)."""
    draft = json.loads((root / "annotations/layers" / DRAFT / f"{doc_id}.json").read_text())
    for layer in draft["layers"].values():
        layer.update(annotator=adjudicator, origin="human")
        del layer["model"]
    (root / "annotations" / f"{doc_id}.json").write_text(json.dumps(draft, indent=2))


@pytest.fixture(scope="module")
def gold_pair(tmp_path_factory) -> tuple[Path, Path]:
    """Releases of the repository's corpus before and after gold lands for its third document."""
    root = repo_copy(tmp_path_factory.mktemp("corpus"))
    before = build(root, tmp_path_factory.mktemp("before")).path
    add_gold(root, REPO_DOCS[2])
    return before, build(root, tmp_path_factory.mktemp("after")).path


@pytest.mark.parametrize("config", (*ANNOTATION_CONFIGS, "documents", "layers"))
def test_every_config_of_the_repo_release_has_all_five_articles_each_row_saying_the_draft(
    repo_release, config
):
    rows = load(repo_release, config)
    assert sorted(set(rows["doc_id"])) == REPO_DOCS
    assert set(rows["layer"]) == {DRAFT}
    assert set(named(rows, "origin")) == {"prediction"}


def test_the_repo_release_carries_the_whole_draft(repo_release):
    counts = {config: load(repo_release, config).num_rows for config in ANNOTATION_CONFIGS[:3]}
    assert counts == {"entities": 222, "quotes": 26, "measures": 44}
    documents = load(repo_release, "documents")
    assert sum(len(noise) for noise in documents["noise"]) == 11


def test_filtering_to_human_work_is_one_expression(repo_release, tmp_path):
    entities = load(repo_release, "entities")
    origin = entities.features["origin"]
    assert entities.filter(lambda row: origin.int2str(row["origin"]) == "human").num_rows == 0
    gold = load(build(FIXTURE_CORPUS, tmp_path).path, "entities")
    origin = gold.features["origin"]
    human = gold.filter(lambda row: origin.int2str(row["origin"]) == "human")
    assert human.num_rows == gold.num_rows > 0


def test_the_card_opens_with_what_the_labels_are(repo_release):
    front, prose = card(repo_release)
    first = prose.strip().splitlines()[2]
    assert first.startswith("**What the labels are.** 0 of 5 documents have human gold")
    assert f"5 of 5 carry the machine-made layer `{DRAFT}`" in first
    assert "origin: prediction" in first
    assert front["annotations_creators"] == ["machine-generated"]
    assert front["task_categories"] == ["token-classification"]
    configs = [c["config_name"] for c in front["configs"]]
    assert set(configs) == {"documents", "layers", *ANNOTATION_CONFIGS}


def test_the_manifest_records_the_fallback_layers(repo_release):
    manifest = json.loads((repo_release / "manifest.json").read_text())
    assert manifest["release_layers"]["fallback_layers"] == [DRAFT]
    assert "gold file" in manifest["release_layers"]["rule"]


def test_gold_wins_over_every_layer_and_the_layers_config_keeps_them_all(tmp_path):
    release = build(FIXTURE_CORPUS, tmp_path).path
    entities = load(release, "entities")
    alpha = [
        layer
        for doc, layer in zip(entities["doc_id"], entities["layer"], strict=True)
        if doc == "doc-alpha"
    ]
    assert set(alpha) == {"gold"}
    layers = load(release, "layers")
    rows = [
        (layer, origin, released)
        for doc, layer, origin, released in zip(
            layers["doc_id"],
            layers["layer"],
            named(layers, "origin"),
            layers["released"],
            strict=True,
        )
        if doc == "doc-alpha"
    ]
    assert rows == [
        ("gold", "human", True),
        ("ann1", "human", False),
        ("tagger-x", "prediction", False),
    ]
    tagger = layers.filter(lambda row: row["layer"] == "tagger-x")[0]
    (source,) = tagger["layer_sources"]
    assert source["kind"] == "entities" and source["annotator"] == "tagger-x"
    assert source["model"]


def test_without_gold_the_single_human_layer_is_released_not_the_prediction(corpus, tmp_path):
    (corpus / "annotations" / "doc-alpha.json").unlink()
    release = build(corpus, tmp_path).path
    entities = load(release, "entities")
    assert set(entities["layer"]) == {"ann1"} and set(named(entities, "origin")) == {"human"}
    assert "quotes" not in {c["config_name"] for c in card(release)[0]["configs"]}  # ann1 has none


def test_two_human_layers_and_no_fallback_leave_a_document_unannotated(corpus, tmp_path):
    (corpus / "annotations" / "doc-alpha.json").unlink()
    second = corpus / "annotations" / "layers" / "ann2" / "doc-alpha.json"
    second.parent.mkdir()
    ann1 = corpus / "annotations" / "layers" / "ann1" / "doc-alpha.json"
    second.write_text(ann1.read_text().replace('"ann1"', '"ann2"'))
    release = build(corpus, tmp_path).path
    documents = load(release, "documents")
    assert documents["layer"] == [None] * documents.num_rows
    _, prose = card(release)
    assert "3 of 3 have no annotations" in prose
    assert {c["config_name"] for c in card(release)[0]["configs"]} == {"documents", "layers"}


def test_the_first_fallback_layer_present_is_released(corpus, tmp_path):
    (corpus / "annotations" / "doc-alpha.json").unlink()
    shutil.rmtree(corpus / "annotations" / "layers" / "ann1")
    (corpus / "pyproject.toml").write_text(
        '[tool.tsr-news.release]\nfallback-layers = ["nobody", "tagger-x"]\n'
    )
    entities = load(build(corpus, tmp_path).path, "entities")
    assert set(entities["layer"]) == {"tagger-x"}
    assert set(named(entities, "origin")) == {"prediction"}


def test_adding_gold_for_one_document_changes_exactly_its_rows(gold_pair):
    before, after = gold_pair
    changed = REPO_DOCS[2]
    for config in ("documents", *ANNOTATION_CONFIGS):
        old, new = (load(r, config).to_list() for r in (before, after))
        assert [r for r in old if r["doc_id"] != changed] == [
            r for r in new if r["doc_id"] != changed
        ], config
        new_rows = [r for r in new if r["doc_id"] == changed]
        assert new_rows and {r["layer"] for r in new_rows} == {"gold"}, config
        assert {r["origin"] for r in new_rows} == {0}, config  # human, the first origin name
    layers = load(after, "layers")
    assert [
        layer
        for doc, layer in zip(layers["doc_id"], layers["layer"], strict=True)
        if doc == changed
    ] == [
        "gold",
        DRAFT,
    ]


def test_adding_gold_changes_the_cards_counts_and_creators(gold_pair):
    before, after = gold_pair
    (front_before, prose_before), (front_after, prose_after) = card(before), card(after)
    assert "0 of 5 documents have human gold" in prose_before
    assert "1 of 5 documents have human gold" in prose_after
    assert f"4 of 5 carry the machine-made layer `{DRAFT}`" in prose_after
    assert front_before["annotations_creators"] == ["machine-generated"]
    assert front_after["annotations_creators"] == ["expert-generated", "machine-generated"]


def test_datasheet_check_fails_once_its_statements_are_false(tmp_path, cli):
    root = repo_copy(tmp_path / "corpus")
    assert cli("datasheet", "--check", "--root", root).exit_code == 0
    add_gold(root, REPO_DOCS[0])
    run = cli("datasheet", "--check", "--root", root)
    assert run.exit_code == 1
    assert "state" in run.err and "stats" in run.err
    assert cli("datasheet", "--root", root).exit_code == 0
    text = (root / "DATASHEET.md").read_text()
    assert "1 of 5 documents have human gold" in text
    assert cli("datasheet", "--check", "--root", root).exit_code == 0


def test_release_layer_rule_is_the_one_documented(corpus):
    from tsr_news.corpus.loader import Corpus

    (alpha,) = [d for d in Corpus(corpus).documents() if d.doc_id == "doc-alpha"]
    assert release_layer(alpha, ("tagger-x",)).name == "gold"
    alpha.gold = None
    assert release_layer(alpha, ("tagger-x",)).name == "ann1"
    del alpha.layers["ann1"]
    assert release_layer(alpha, ()) is None
    assert release_layer(alpha, ("nobody", "tagger-x")).name == "tagger-x"


@pytest.mark.parametrize(
    "settings, message",
    [
        ("[tool.tsr-news.release]\nfallback-layers = 'assistant-draft'\n", "must be a list"),
        ("[tool.tsr-news.release]\nfallback-layers = ['Bad Id']\n", "annotator ids"),
        ("[tool.tsr-news.release]\nfallback-layers = ['a1', 'a1']\n", "twice"),
        ("[tool.tsr-news.release]\nfallbacks = []\n", "unknown setting(s) fallbacks"),
        ("[tool.tsr-news\n", "cannot be read as TOML"),
        ("[tool]\ntsr-news = 3\n", "must be a table"),
    ],
)
def test_bad_release_settings_are_refused_in_one_line_with_exit_2(corpus, cli, settings, message):
    (corpus / "pyproject.toml").write_text(settings)
    with pytest.raises(BadSettings, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_settings(corpus)
    run = cli("build", "--root", corpus, "--out", corpus / "out")
    assert run.exit_code == 2
    assert run.err.count("\n") == 1 and message in run.err
    assert not (corpus / "out").exists()


def test_the_withheld_layers_config_keeps_provenance_and_blanks_span_texts(tmp_path):
    release = build(REPO, tmp_path, withhold_text=True).path
    table = pq.read_table(next((release / "data" / "layers").glob("*.parquet"))).to_pylist()
    assert {row["layer"] for row in table} == {DRAFT}
    assert all(entity["text"] == "" for row in table for entity in row["entities"])
    assert all(source["model"] for row in table for source in row["layer_sources"])


def expected_rows(root: Path, documents: datasets.Dataset, config: str) -> list[dict]:
    """The rows of `config` worked out from the corpus files: each document's release layer
    (as `documents` names it) file, its items of the kind, refs joined, labels as ids."""
    config_features = features(config)
    joins = {"speaker_ids": "speaker_refs", "actor_ids": "actor_refs", "target_ids": "target_refs"}
    out = []
    for doc_id, layer in zip(documents["doc_id"], documents["layer"], strict=True):
        if layer is None:
            continue
        name = f"{doc_id}.json" if layer == "gold" else f"layers/{layer}/{doc_id}.json"
        file = json.loads((root / "annotations" / name).read_text(encoding="utf-8"))["layers"]
        if config not in file:
            continue
        refs = {e["id"]: e.get("ref") for e in file.get("entities", {"items": []})["items"]}
        for item in file[config]["items"]:
            row = {"doc_id": doc_id, "layer": layer, "origin": file[config]["origin"], **item}
            row.update(
                {ref: [refs[i] for i in item[ids]] for ids, ref in joins.items() if ids in item}
            )
            out.append(config_features.encode_example({k: row.get(k) for k in config_features}))
    return out


@pytest.mark.parametrize("corpus_root", [REPO, FIXTURE_CORPUS], ids=["repo", "fixture"])
@pytest.mark.parametrize("config", ["entities", "quotes", "measures"])
def test_per_annotation_rows_equal_the_release_layers_items(tmp_path, corpus_root, config):
    release = build(corpus_root, tmp_path).path
    documents = load(release, "documents")
    assert load(release, config).to_list() == expected_rows(corpus_root, documents, config)
