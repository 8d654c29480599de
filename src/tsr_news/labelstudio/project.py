"""The settings tsr-news gives a Label Studio project: its interface and double annotation.

Label Studio Community's "annotations per task" (`maximum_annotations`) is how many annotators
the label stream gives each task to; with the overlap cohort at 100% it applies to every task.
The label stream shows an annotator only their own annotation of a task, and the history of
other people's changes stays hidden (`show_annotation_history`). What Community cannot do is
keep an annotator out of the Data Manager, where every annotation can be opened and saved: the
import refuses an annotation saved by someone other than its author (see `people`).
"""

from __future__ import annotations

from tsr_news.labelstudio.config import label_config

DEFAULT_OVERLAP = 2


def project_settings(overlap: int = DEFAULT_OVERLAP) -> dict[str, object]:
    """The project fields push and serve set (on a new project, and on an existing one)."""
    return {
        "label_config": label_config(),
        "maximum_annotations": overlap,
        "overlap_cohort_percentage": 100,
        "show_annotation_history": False,
    }
