"""Agreement: matching rules and statistics, on hand-made layers worked out by hand here."""

import itertools
import json
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsr_news.annotators.agreement import (
    AgreementError,
    agreement_summary,
    cohen_kappa,
    compare,
    krippendorff_alpha,
    match,
    select_annotators,
)
from tsr_news.corpus.loader import Corpus

from handmade import Text

T = Text(
    "Beijing said Xi Jinping met Joe Biden in Washington on Monday. "
    "“We will respond,” he said. Biden said that tariffs would stay. "
    "Tokyo announced export controls and chip subsidies."
)


def two_annotators():
    a = {
        "entities": [
            T.entity("E1", "GPE", "Beijing", gpe_role="GOV"),
            T.entity("E2", "PERSON", "Xi Jinping"),
            T.entity("E3", "PERSON", "Joe Biden"),
            T.entity("E4", "GPE", "Washington", gpe_role="LOC"),
            T.entity("E5", "DATE", "Monday"),
        ],
        "quotes": [
            T.quote("Q1", "direct", "“We will respond,”", "said", ["E2"], source="he"),
            T.quote("Q2", "indirect", "that tariffs would stay", "Biden said", ["E3"]),
        ],
        "measures": [
            T.measure("M1", "EXPORT_CONTROL", "export controls", "announced", ["semiconductors"]),
            T.measure("M2", "PUBLIC_FUNDING", "chip subsidies", "announced", ["semiconductors"]),
        ],
    }
    b = {
        "entities": [
            T.entity("E1", "GPE", "Beijing", gpe_role="LOC"),  # role differs
            T.entity("E2", "PERSON", "Jinping", ref="per:xi"),  # overlaps, unequal
            T.entity("E3", "ORG", "Joe Biden"),  # label differs
            T.entity("E4", "GPE", "Washington", gpe_role="LOC"),
            # Monday: missing
            T.entity("E5", "GPE", "Tokyo", gpe_role="GOV"),  # extra
        ],
        "quotes": [
            # speaker E2 = "Jinping", which overlaps A's "Xi Jinping": the same speaker
            T.quote("Q1", "direct", "“We will respond,”", "said", ["E2"], source="he"),
            # speaker E2 again, where A linked "Joe Biden": a different speaker
            T.quote("Q2", "mixed", "that tariffs would stay", "Biden said", ["E2"]),
        ],
        "measures": [
            T.measure(
                "M1", "EXPORT_CONTROL", "export controls", "announced", ["semiconductors", "ai"]
            ),
            T.measure("M2", "PUBLIC_FUNDING", "subsidies", "proposed", ["semiconductors"]),
        ],
    }
    return T.document("doc-two", {"a": a, "b": b})


@pytest.fixture
def two():
    return compare([two_annotators()], ["a", "b"])


def test_entity_spans_exact_and_overlap_precision_recall_f1(two):
    (pair,) = two["kinds"]["entities"]["pairs"]
    # |A| = 5, |B| = 5. Exact: Beijing, Joe Biden, Washington = 3 -> P = R = F1 = 3/5.
    assert pair["exact"] == {"matched": 3, "precision": 0.6, "recall": 0.6, "f1": 0.6}
    # Overlap adds Xi Jinping ~ Jinping = 4 -> 4/5.
    assert pair["overlap"] == {"matched": 4, "precision": 0.8, "recall": 0.8, "f1": 0.8}


def test_items_only_one_annotator_made_are_counted(two):
    entities = two["kinds"]["entities"]
    # units: Beijing, Xi, Biden, Washington (shared); Monday (a only); Tokyo (b only)
    assert (entities["units"], entities["shared_units"]) == (6, 4)
    assert entities["only_one"] == {"a": 1, "b": 1}


def test_entity_label_kappa_on_matched_items(two):
    label = two["kinds"]["entities"]["attributes"]["label"]
    # pairs: (GPE,GPE) (PERSON,PERSON) (PERSON,ORG) (GPE,GPE): po = 3/4
    # a: GPE 2, PERSON 2; b: GPE 2, PERSON 1, ORG 1; pe = (2*2 + 2*1) / 4^2 = 6/16
    # kappa = (3/4 - 6/16) / (1 - 6/16) = (6/16) / (10/16) = 0.6
    assert label["statistic"] == "cohen_kappa"
    assert label["units"] == 4
    assert label["value"] == pytest.approx(0.6)
    assert label["observed"] == pytest.approx(0.75)


def test_gpe_role_is_compared_only_where_both_say_gpe(two):
    role = two["kinds"]["entities"]["attributes"]["gpe_role"]
    # Beijing (GOV, LOC), Washington (LOC, LOC): po = 1/2; a: GOV 1, LOC 1; b: LOC 2
    # pe = (1*0 + 1*2) / 4 = 1/2 -> kappa = 0
    assert role["units"] == 2
    assert role["value"] == pytest.approx(0.0)


def test_quote_type_and_speaker_through_matched_entities(two):
    quotes = two["kinds"]["quotes"]
    assert quotes["pairs"][0]["exact"]["matched"] == 2
    qtype = quotes["attributes"]["type"]
    # (direct,direct) (indirect,mixed): po = 1/2; pe = (1*1) / 4 = 1/4
    # kappa = (1/2 - 1/4) / (3/4) = 1/3
    assert qtype["value"] == pytest.approx(1 / 3)
    speaker = quotes["attributes"]["speaker"]
    # Q1: a's "Xi Jinping" and b's "Jinping" are one entity unit: agree.
    # Q2: a's "Joe Biden" vs b's "Jinping": disagree. po = 1/2
    # a: {Xi} 1, {Biden} 1; b: {Xi} 2; pe = (1*2) / 4 = 1/2 -> kappa = 0
    assert speaker["observed"] == pytest.approx(0.5)
    assert speaker["value"] == pytest.approx(0.0)


def test_measures_match_on_the_trigger_with_type_status_and_sectors(two):
    measures = two["kinds"]["measures"]
    (pair,) = measures["pairs"]
    # "chip subsidies" vs "subsidies": overlap only
    assert (pair["exact"]["matched"], pair["overlap"]["matched"]) == (1, 2)
    attributes = measures["attributes"]
    # type: (EC,EC) (PF,PF): po = 1, pe = (1*1 + 1*1)/4 = 1/2 -> kappa = 1
    assert attributes["type"]["value"] == pytest.approx(1.0)
    # status: (announced,announced) (announced,proposed): po = 1/2
    # a: announced 2; b: announced 1, proposed 1; pe = 2*1/4 = 1/2 -> kappa = 0
    assert attributes["status"]["value"] == pytest.approx(0.0)
    # sectors: Jaccard({semi}, {semi, ai}) = 1/2, Jaccard({semi}, {semi}) = 1 -> mean 3/4
    assert attributes["sectors"]["value"] == pytest.approx(0.75)
    # sector:ai as a binary choice: (F,T) (F,F): po = 1/2; a: F 2; b: T 1, F 1
    # pe = (2*1)/4 = 1/2 -> kappa = 0
    assert attributes["sector:ai"]["value"] == pytest.approx(0.0)
    # sector:semiconductors: everyone chose it everywhere: chance agreement is 1, undefined
    assert attributes["sector:semiconductors"]["value"] is None
    assert attributes["sector:semiconductors"]["observed"] == 1.0


LINKS = Text(
    "The US said Tokyo and Seoul must curb chip exports to China. "
    "“We will comply,” an official said. Japan said it would review the rules."
)


def linking_annotators():
    """Two annotators who agree on every span and differ in refs, links and flags."""

    def layers(ref_us, targets_m1, actors_m2, flags_q1):
        return {
            "entities": [
                LINKS.entity("E1", "GPE", "US", gpe_role="GOV", ref=ref_us),
                LINKS.entity("E2", "GPE", "Tokyo", gpe_role="GOV"),
                LINKS.entity("E3", "GPE", "Seoul", gpe_role="GOV"),
                LINKS.entity("E4", "GPE", "China", gpe_role="GOV"),
                LINKS.entity("E5", "GPE", "Japan", gpe_role="GOV"),
            ],
            "quotes": [
                LINKS.quote("Q1", "direct", "“We will comply,”", "said", [], flags=flags_q1),
                LINKS.quote("Q2", "indirect", "it would review the rules", "Japan said", ["E5"]),
            ],
            "measures": [
                LINKS.measure("M1", "EXPORT_CONTROL", "curb chip exports", "proposed",
                              actor_ids=["E1"], target_ids=targets_m1),
                LINKS.measure("M2", "REGULATORY_ACTION", "review the rules", "considered",
                              actor_ids=actors_m2),
            ],
        }  # fmt: skip

    a = layers("gpe:united_states", ["E4"], ["E5"], ["speaker_uncertain"])
    b = layers("  GPE:United_States ", ["E2", "E4"], ["E5"], [])
    return LINKS.document("doc-links", {"a": a, "b": b})


def test_measure_actors_and_targets_are_compared_through_the_entities():
    measures = compare([linking_annotators()], ["a", "b"])["kinds"]["measures"]["attributes"]
    # actors: M1 {US} {US}, M2 {Japan} {Japan}: all agree; two distinct values
    # po = 1; a: {US} 1, {Japan} 1; b the same; pe = (1*1 + 1*1)/4 = 1/2 -> kappa = 1
    assert measures["actors"]["value"] == pytest.approx(1.0)
    # targets: M1 {China} vs {Tokyo, China}: disagree; M2 {} {}: agree. po = 1/2
    # a: {China} 1, {} 1; b: {Tokyo, China} 1, {} 1; pe = (0 + 1*1)/4 = 1/4
    # kappa = (1/2 - 1/4) / (3/4) = 1/3
    assert measures["targets"]["observed"] == pytest.approx(0.5)
    assert measures["targets"]["value"] == pytest.approx(1 / 3)


def test_entity_refs_agree_when_equal_after_normalisation():
    entities = compare([linking_annotators()], ["a", "b"])["kinds"]["entities"]["attributes"]
    # every GPE's ref agrees (the US's differs only in case and outer white space): po = 1
    ref = entities["ref"]
    assert (ref["units"], ref["observed"], ref["value"]) == (5, 1.0, pytest.approx(1.0))


def test_quote_flags_are_compared_as_sets_and_flag_by_flag():
    quotes = compare([linking_annotators()], ["a", "b"])["kinds"]["quotes"]["attributes"]
    # Q1: {speaker_uncertain} vs {}: Jaccard 0; Q2: {} vs {}: 1 -> mean 1/2
    assert quotes["flags"]["value"] == pytest.approx(0.5)
    # flag:speaker_uncertain: (T,F) (F,F): po = 1/2; a: T 1, F 1; b: F 2; pe = 2/4 -> kappa 0
    assert quotes["flag:speaker_uncertain"]["value"] == pytest.approx(0.0)
    assert quotes["flag:speaker_uncertain"]["observed"] == pytest.approx(0.5)


def test_kinds_not_annotated_by_every_annotator_are_left_out(two):
    assert "noise" not in two["kinds"]  # no one has a noise layer


def three_annotators():
    a = [
        T.entity("E1", "GPE", "Beijing", gpe_role="GOV"),
        T.entity("E2", "PERSON", "Xi Jinping"),
        T.entity("E3", "PERSON", "Joe Biden"),
        T.entity("E4", "GPE", "Washington", gpe_role="LOC"),
    ]
    b = [
        T.entity("E1", "GPE", "Beijing", gpe_role="GOV"),
        T.entity("E2", "PERSON", "Xi Jinping"),
        T.entity("E3", "ORG", "Joe Biden"),
        T.entity("E4", "DATE", "Monday"),
    ]
    c = [
        T.entity("E7", "GPE", "Beijing", gpe_role="GOV"),
        T.entity("E8", "PERSON", "Jinping"),
        T.entity("E9", "LOC", "Washington"),
    ]
    layers = {name: {"entities": items} for name, items in zip("abc", (a, b, c), strict=True)}
    return T.document("doc-three", layers)


def test_three_annotators_pairwise_f1_and_krippendorff_alpha():
    report = compare([three_annotators()], ["a", "b", "c"])
    entities = report["kinds"]["entities"]
    f1 = {(p["reference"], p["candidate"]): p for p in entities["pairs"]}
    # a-b: 4 and 4 items, Beijing, Xi, Biden exact: F1 = 2*3/8
    assert f1["a", "b"]["exact"]["f1"] == pytest.approx(0.75)
    # a-c: 4 and 3: exact Beijing, Washington: 4/7; overlap adds Xi: 6/7
    assert f1["a", "c"]["exact"]["f1"] == pytest.approx(4 / 7)
    assert f1["a", "c"]["overlap"]["f1"] == pytest.approx(6 / 7)
    # b-c: exact Beijing: 2/7; overlap adds Xi: 4/7
    assert f1["b", "c"]["overlap"]["f1"] == pytest.approx(4 / 7)
    # units: Beijing {abc}, Xi {abc}, Biden {ab}, Washington {ac}, Monday {b}
    assert entities["only_one"] == {"a": 0, "b": 1, "c": 0}
    label = entities["attributes"]["label"]
    # values: [GPE GPE GPE] [PER PER PER] [PER ORG] [GPE LOC]
    # coincidences: units of 3 add 6 pairs * 1/2 = 3 to o[GPE,GPE] and o[PER,PER];
    # units of 2 add 1 to o[PER,ORG], o[ORG,PER], o[GPE,LOC], o[LOC,GPE].
    # n_GPE = 4, n_PER = 4, n_ORG = 1, n_LOC = 1, n = 10
    # Do = 4/10; De = (10^2 - (16 + 16 + 1 + 1)) / (10*9) = 66/90
    # alpha = 1 - (4/10) / (66/90) = 1 - 36/66 = 5/11
    assert label["statistic"] == "krippendorff_alpha"
    assert label["units"] == 4
    assert label["value"] == pytest.approx(5 / 11)
    # agreeing pairs: 3 + 3 + 0 + 0 of 3 + 3 + 1 + 1
    assert label["observed"] == pytest.approx(6 / 8)


def test_kappa_and_alpha_on_a_small_table():
    a, b = "xxyy", "xyyy"
    # po = 3/4; pe = (2*1 + 2*3)/16 = 1/2; kappa = (3/4 - 1/2)/(1/2) = 1/2
    assert cohen_kappa(list(zip(a, b, strict=True))) == pytest.approx(0.5)
    # n_x = 3, n_y = 5, n = 8; Do = 2/8; De = 2*3*5/(8*7) = 30/56
    # alpha = 1 - (1/4) / (30/56) = 1 - 14/30 = 16/30
    assert krippendorff_alpha([list(p) for p in zip(a, b, strict=True)]) == pytest.approx(16 / 30)


def test_statistics_are_undefined_without_variation_or_data():
    assert cohen_kappa([]) is None
    assert cohen_kappa([("x", "x"), ("x", "x")]) is None
    assert krippendorff_alpha([["x", "x"], ["y"]]) is None


def test_matching_is_optimal_where_greedy_would_lose_a_pair():
    # A1 overlaps B1 a little (J = 2/10) and B2 a lot (8/12); A2 overlaps only B2 (2/12).
    # Greedy (largest overlap first) takes A1-B2 and matches one pair; the optimum matches two.
    a = [((0, 10),), ((10, 14),)]
    b = [((0, 2),), ((2, 12),)]
    assert match(a, b, "overlap") == [(0, 0), (1, 1)]
    assert match(a, b, "exact") == []


def test_matching_is_one_to_one():
    a = [((0, 5),), ((0, 5),)]
    b = [((0, 5),)]
    assert match(a, b, "exact") == [(0, 0)]


def test_fewer_than_two_layers_is_said_plainly():
    doc = T.document("doc-one", {"a": {"entities": [T.entity("E1", "DATE", "Monday")]}})
    report = compare([doc], select_annotators([doc], None))
    assert report["kinds"] == {}
    assert report["note"] == "agreement needs at least two layers; found 1 (a): nothing to compare"


def test_asking_for_an_absent_annotator_is_an_error():
    with pytest.raises(AgreementError, match="no layer by zz"):
        select_annotators([two_annotators()], ["a", "zz"])


def test_cli_compares_a_prediction_layer_only_when_it_is_named(cli, corpus):
    run = cli("agreement", "--root", corpus)
    assert run.exit_code == 0
    assert "found 1 (ann1): nothing to compare" in run.out
    assert "prediction layers, compared only when named with --layers: tagger-x" in run.out
    body = json.loads(cli("agreement", "--root", corpus, "--format", "json").out)
    assert body["annotators"] == ["ann1"] and body["predictions_left_out"] == ["tagger-x"]


def test_cli_prints_tables_and_json_for_the_named_layers_of_the_fixture_corpus(cli, corpus):
    run = cli("agreement", "--root", corpus, "--layers", "ann1,tagger-x")
    assert run.exit_code == 0
    assert "== entities (1 document(s); items: ann1 5, tagger-x 2) ==" in run.out
    body = json.loads(
        cli("agreement", "--root", corpus, "--layers", "ann1,tagger-x", "--format", "json").out
    )
    assert body["kinds"]["entities"]["pairs"][0]["exact"]["recall"] == pytest.approx(2 / 5)
    assert "predictions_left_out" not in body


def test_cli_on_a_corpus_without_layers_says_there_is_nothing_to_compare(cli, corpus):
    run = cli("agreement", "--root", corpus, "doc-beta")
    assert run.exit_code == 0
    assert "found 0: nothing to compare" in run.out


def test_cli_usage_errors_and_invalid_documents(cli, corpus):
    assert cli("agreement", "--root", corpus, "--layers", "ann1,nobody").exit_code == 2
    assert cli("agreement", "--root", corpus, "no-such-doc").exit_code == 2
    assert cli("agreement", "--root", corpus, "--layers", "../x").exit_code == 2
    (corpus / "annotations" / "layers" / "ann1" / "doc-alpha.json").write_text("{")
    run = cli("agreement", "--root", corpus)
    assert run.exit_code == 1
    assert "annotations/layers/ann1/doc-alpha.json" in run.err


def test_summary_says_plainly_when_there_is_one_human_layer(corpus):
    summary = agreement_summary(Corpus(corpus))
    assert summary["pairs"] == []
    assert summary["human_annotators"] == ["ann1"]  # tagger-x is a model, not an annotator
    assert summary["statement"] == (
        "No document has more than one human annotation layer (annotators: ann1), "
        "so inter-annotator agreement cannot be measured for this corpus."
    )


def test_summary_compares_each_pair_of_human_annotators(corpus):
    source = corpus / "annotations" / "layers" / "ann1" / "doc-alpha.json"
    target = corpus / "annotations" / "layers" / "ann9" / "doc-alpha.json"
    target.parent.mkdir()
    target.write_text(source.read_text().replace('"ann1"', '"ann9"'))
    summary = agreement_summary(Corpus(corpus))
    (pair,) = summary["pairs"]
    assert (pair["annotators"], pair["documents"]) == (["ann1", "ann9"], 1)
    assert pair["kinds"]["entities"]["pairs"][0]["exact"]["f1"] == 1.0
    assert summary["statement"].startswith("1 of 3 document(s) have two or more human")


def test_summary_of_a_corpus_without_annotations(corpus):
    shutil.rmtree(corpus / "annotations")
    summary = agreement_summary(Corpus(corpus))
    assert (summary["documents"], summary["human_annotators"], summary["pairs"]) == (3, [], [])
    assert summary["statement"].startswith("No document has more than one human annotation layer,")


spans = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 6)).map(lambda p: ((p[0], p[0] + p[1]),)),
    max_size=5,
)


@given(spans, spans)
def test_overlap_matching_finds_as_many_pairs_as_the_best_pairing(a, b):
    def overlapping(x, y):
        return x[0][0] < y[0][1] and y[0][0] < x[0][1]

    # brute force: the largest number of one-to-one overlapping pairs
    best = 0
    for chosen in itertools.permutations(range(len(b)), min(len(a), len(b))):
        best = max(best, sum(overlapping(a[i], b[j]) for i, j in enumerate(chosen)))
    if len(a) > len(b):
        for chosen in itertools.permutations(range(len(a)), len(b)):
            best = max(best, sum(overlapping(a[i], b[j]) for j, i in enumerate(chosen)))
    pairs = match(a, b, "overlap")
    assert len(pairs) == best
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(overlapping(a[i], b[j]) for i, j in pairs)
