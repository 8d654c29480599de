"""The mutation fuzzer (`tests/fuzz.py`) on a few hundred mutated corpora, seeded: every one
ends in a verdict (exit 0, 1 or 2, no traceback, nothing written on refusal) and none that
breaks the corpus's invariants is accepted."""

from __future__ import annotations

import json
import shutil

from fuzz import FIXTURE_CORPUS, fuzz, invariant_violations

RUNS = 200


def test_every_mutated_corpus_gets_a_clean_verdict_and_no_invalid_one_is_accepted():
    summary = fuzz("ci", RUNS)
    assert summary.failures == []
    assert summary.runs == RUNS
    # both verdicts were exercised: some mutations keep the corpus valid, most break it
    assert 0 < summary.valid < RUNS


def test_the_invariants_hold_on_the_fixture_and_catch_a_span_the_validator_let_through(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    assert invariant_violations(root) == []

    path = root / "annotations" / "doc-alpha.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    gold["layers"]["entities"]["items"][0]["start"] += 1
    gold["layers"]["quotes"]["items"][0]["speaker_ids"] = ["E99"]
    path.write_text(json.dumps(gold), encoding="utf-8")
    wrong = invariant_violations(root)
    assert any("is not the raw text's" in w for w in wrong), wrong
    assert any("references to no entity: ['E99']" in w for w in wrong), wrong
