"""The datasheet's generated statistics, agreement included."""

from tsr_news.corpus.loader import Corpus
from tsr_news.release.datasheet import Statistics
from tsr_news.release.layers import release_layer


def test_datasheet_reports_agreement_once_two_humans_annotated_a_document(corpus):
    layer = corpus / "annotations" / "layers" / "ann1" / "doc-alpha.json"
    second = corpus / "annotations" / "layers" / "ann2" / "doc-alpha.json"
    second.parent.mkdir()
    second.write_text(layer.read_text(encoding="utf-8").replace('"ann1"', '"ann2"'))

    def block(root):
        statistics = Statistics()
        for loaded in Corpus(root).documents():
            statistics.add(loaded, release_layer(loaded, ()))
        return statistics.render()

    text = block(corpus)
    assert "1 of 3 document(s) have two or more human annotation layers" in text
    assert "| ann1 / ann2 | entities | 1 | 1.000 | 1.000 |" in text
    second.unlink()
    assert "No document has more than one human annotation layer (annotators: ann1)" in block(
        corpus
    )
