"""The consistency report finds mixed labels and names left unannotated."""

import json

from tsr_news.annotators.stats import consistency_report, render_text
from tsr_news.scheme.model import AnnotationFile, Document, DocumentMeta, Entity, Layer, Noise

META = dict(
    schema_version=1,
    title="t",
    publisher="p",
    original_publisher="p",
    url=None,
    published="2024-01-01",
    date_confidence="high",
    language="en",
    text_condition="original",
    story_cluster="c-1",
    split="train",
    rights="r",
    text_sha256="0" * 64,
)


def document(doc_id: str, text: str, entities=(), noise=()) -> Document:
    def entity(i, label, word, nth=0, **attrs):
        start = -1
        for _ in range(nth + 1):
            start = text.index(word, start + 1)
        return Entity(
            id=f"E{i}", label=label, start=start, end=start + len(word), text=word, **attrs
        )

    layers = {
        "entities": Layer(
            "a1", "human", tuple(entity(i + 1, *e[:3], **e[3]) for i, e in enumerate(entities))
        ),
        "noise": Layer("a1", "human", tuple(noise)),
    }
    gold = AnnotationFile(doc_id=doc_id, text_sha256="0" * 64, layers=layers)
    return Document(meta=DocumentMeta(doc_id=doc_id, **META), text=text, gold=gold, layers={})


DOCS = [
    document(
        "doc-one",
        "Beijing said so. In Beijing, Beijingers agreed.",
        [("GPE", "Beijing", 0, {"gpe_role": "GOV", "ref": "gpe:china"})],
    ),
    document(
        "doc-two",
        "Xi met people in Beijing. Reuters: Beijing",
        [
            ("PERSON", "Xi", 0, {"ref": "per:xi_jinping"}),
            ("GPE", "Beijing", 0, {"gpe_role": "LOC", "ref": "gpe:beijing"}),
        ],
        noise=[Noise(id="N1", kind="agency_tag", start=26, end=42, text="Reuters: Beijing")],
    ),
]


def test_a_string_with_two_labels_is_listed_with_both():
    report = consistency_report(DOCS)
    assert dict(report.surface_forms["Beijing"]) == {"GPE:GOV": 1, "GPE:LOC": 1}
    assert list(report.mixed_forms) == ["Beijing"]
    assert "! 'Beijing': GPE:GOV x1, GPE:LOC x1" in render_text(report)


def test_unannotated_whole_word_occurrences_are_found_but_not_inside_noise_or_longer_words():
    report = consistency_report(DOCS)
    found = [(o.doc_id, o.start, o.text) for o in report.unannotated]
    # doc-one: the second "Beijing" (offset 20) is unannotated; "Beijingers" is another word;
    # doc-two: the "Beijing" inside the agency tag is noise.
    assert found == [("doc-one", 20, "Beijing")]
    assert report.unannotated[0].labels == ("GPE:GOV", "GPE:LOC")


def test_counts_per_document_and_totals():
    report = consistency_report(DOCS)
    assert report.counts["doc-two"]["entities"] == {"PERSON": 1, "GPE": 1}
    assert report.totals()["entities"] == {"GPE": 2, "PERSON": 1}
    assert report.totals()["noise"] == {"agency_tag": 1}


def test_stats_command_reports_the_fixture_corpus_as_json(cli, corpus):
    run = cli("stats", "--root", corpus, "--format", "json")
    assert run.exit_code == 0
    body = json.loads(run.out)
    assert body["documents"] == ["doc-alpha"]
    assert body["documents_without_layer"] == ["doc-beta", "doc-gamma"]
    assert body["totals"]["quotes"] == {"direct": 1, "indirect": 1}
    assert body["surface_forms"]["Washington"] == {"GPE:GOV": 1}


def test_stats_leaves_out_invalid_documents_and_exits_1(cli, corpus):
    (corpus / "annotations" / "doc-alpha.json").write_text("{", encoding="utf-8")
    run = cli("stats", "--root", corpus)
    assert run.exit_code == 1
    assert "left out 1 invalid document(s): doc-alpha" in run.err
