"""Label Studio tasks for the corpus's documents (`tsr-news ls tasks`).

A task carries the raw text, the document id and the sha256 of the text it shows, so that an
import can tell whether the annotations were made on the current raw text. Title, publisher and
date are shown above the text. Optionally a named layer (`gold`, or an annotator's or model's
layer) is attached as a prediction whose `model_version` says where it came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from tsr_news.checks.problems import Problem
from tsr_news.corpus.loader import Corpus
from tsr_news.labelstudio.convert import to_results

GOLD = "gold"


def build_tasks(
    root: Path, *, only: Iterable[str] | None = None, predictions: str | None = None
) -> tuple[list[dict], list[Problem]]:
    """One task per valid document; the problems of the corpus if it is not valid.

    ValueError if a document or the predictions' layer does not exist (a usage error).

    Tasks are only made from a valid corpus: pre-annotating from a broken layer would hand
    annotators errors to accept. `predictions` names the layer to pre-annotate from.
    """
    corpus = Corpus(root)
    unknown = sorted(set(only or ()) - set(corpus.inventory.doc_ids))
    if unknown:
        raise ValueError(f"no such document(s) in {root}: {', '.join(unknown)}")
    if predictions not in (None, GOLD, *corpus.inventory.layers):
        known = ", ".join([GOLD, *sorted(corpus.inventory.layers)])
        raise ValueError(f"no layer {predictions!r} to pre-annotate from; there are: {known}")
    tasks, problems = [], []
    for loaded in corpus.documents(only):
        problems.extend(loaded.problems)
        if loaded.document is not None:
            tasks.append(document_task(loaded.document, predictions))
    problems.extend(corpus.corpus_problems(only))
    return ([] if problems else tasks), problems


def document_task(document, predictions: str | None = None) -> dict:
    meta = document.meta
    task = {
        "data": {
            "text": document.text,
            "doc_id": meta.doc_id,
            "text_sha256": meta.text_sha256,
            "title": meta.title,
            "byline": f"{meta.publisher} · {meta.published} · {meta.doc_id}",
        }
    }
    if predictions is not None:
        annotation = document.gold if predictions == GOLD else document.layers.get(predictions)
        if annotation is not None:
            task["predictions"] = [
                {
                    "model_version": _origin(predictions, annotation),
                    "result": to_results(annotation),
                }
            ]
    return task


def _origin(name: str, annotation) -> str:
    """Where a prediction came from: the layer's name, who made it, and how."""
    layers = list(annotation.layers.values())
    makers = sorted({layer.model or layer.annotator for layer in layers})
    origins = sorted({layer.origin for layer in layers})
    return f"tsr-news {name} layer ({'/'.join(origins)}: {', '.join(makers)})"


def text_mismatch(data: object, doc_id: str, text: str, text_sha256: str) -> str | None:
    """Why a task's data does not show raw/<doc_id>.txt as the corpus has it (None if it does).

    The task's own text is compared, not only the hash it carries: a text edited on the server
    keeps its old `text_sha256`. The message names the two hashes, the corpus's and the task's.
    """
    shown = data.get("text") if isinstance(data, dict) else None
    if not isinstance(shown, str):
        return f"the task has no text to compare with raw/{doc_id}.txt"
    if shown != text:
        found = hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()
        return (
            f"the task shows another text than raw/{doc_id}.txt: expected sha256 {text_sha256} "
            f"(the corpus), found {found} (the task's text)"
        )
    if data.get("text_sha256") != text_sha256:
        return (
            f"the task's text_sha256 is {data.get('text_sha256')!r}, but its text (the same as "
            f"raw/{doc_id}.txt) has sha256 {text_sha256}"
        )
    return None
