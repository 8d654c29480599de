"""Property tests: an export of any shape is imported or refused with problems, never a traceback.

An export comes from a server or a saved file: any field may hold any JSON value. The values
are drawn near the real shapes (the keys Label Studio uses, with values of every JSON type),
where a wrong type is most likely to slip past a check.
"""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ui_shapes as ui
from tsr_news.labelstudio.convert import Provenance, from_results
from tsr_news.labelstudio.importer import ImportProblem, import_tasks

from conftest import FIXTURE_CORPUS

SCALARS = st.none() | st.booleans() | st.integers(-3, 80) | st.sampled_from(["", "E1", "GPE"])
JSON = st.recursive(
    SCALARS | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)
NAMES = st.sampled_from(["entity", "quote", "measure", "noise", "ref", "gpe_role", "sectors", 7])


def shaped(keys: dict) -> st.SearchStrategy:
    """Dicts with some of `keys` (each its own strategy, or any JSON)."""
    return st.fixed_dictionaries({}, optional={k: v | JSON for k, v in keys.items()})


VALUES = shaped(
    {
        "start": st.integers(-1, 50),
        "end": st.integers(0, 50),
        "labels": st.lists(st.sampled_from(["GPE", "cue", "trigger", "part"]), max_size=2),
        "choices": st.lists(st.sampled_from(["GOV", "ai"]), max_size=2),
        "text": st.lists(st.text(max_size=5), max_size=2),
    }
)
RESULTS = st.lists(
    shaped(
        {
            "id": st.sampled_from(["r1", "r2", "E1"]),
            "from_name": NAMES,
            "type": st.sampled_from(["labels", "choices", "textarea", "relation"]),
            "value": VALUES,
            "from_id": st.sampled_from(["r1", "r2"]),
            "to_id": st.sampled_from(["r1", "r2"]),
            "labels": st.lists(st.sampled_from(["part", "speaker", "actor"]), max_size=2),
        }
    )
    | JSON,
    max_size=6,
)
ANNOTATIONS = shaped(
    {
        "id": st.integers(1, 9),
        "completed_by": st.sampled_from([2, 3, 99, "ann2@example.org"]),
        "updated_by": st.sampled_from([2, 3, None]),
        "was_cancelled": st.booleans(),
        "result": RESULTS,
    }
)
TASKS = shaped(
    {
        "id": st.integers(1, 9),
        "data": shaped(
            {
                "doc_id": st.sampled_from(["doc-beta", "doc-nope", "../x"]),
                "text": st.just(ui.BETA),
                "text_sha256": st.just(ui.sha256(ui.BETA)),
            }
        ),
        "annotations": st.lists(ANNOTATIONS | JSON, max_size=3),
        "drafts": st.lists(shaped({"user": JSON, "annotation": JSON}) | JSON, max_size=2),
    }
)


@given(RESULTS)
def test_any_result_list_converts_or_names_its_problems(results):
    conversion = from_results(
        results,
        doc_id="doc-beta",
        text=ui.BETA,
        text_sha256=ui.sha256(ui.BETA),
        provenance=Provenance("ann2"),
    )
    assert isinstance(conversion.data, dict)
    assert all(isinstance(p.message, str) for p in conversion.problems)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TASKS, max_size=3))
def test_any_export_imports_or_reports_problems(tmp_path_factory, tasks):
    root = tmp_path_factory.mktemp("odd") / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    report = import_tasks(tasks, root, {2: "ann2@example.org", 3: "ann3@example.org"})
    assert all(isinstance(p, ImportProblem) and p.as_text() for p in report.problems)
    assert all(isinstance(line, str) for line in report.withheld + report.skipped + report.drafts)
