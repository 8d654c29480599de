"""Property tests: the span checks accept exactly the spans the scheme allows, on any text."""

from hypothesis import given
from hypothesis import strategies as st

from tsr_news.checks.graphemes import cluster_at
from tsr_news.checks.semantic import check_annotations
from tsr_news.scheme.model import AnnotationFile, Entity, Layer
from tsr_news.scheme.schemas import taxonomy

# letters, white space (incl. no-break space), and characters outside the BMP
# (U+1D400 is MATHEMATICAL BOLD CAPITAL A; 🇺🇸 is two regional indicators)
ALPHABET = st.sampled_from([*"ab Z\n\t\u00a0,“”", "🚀", "🇺", "🇸", "\U0001d400"])
TEXTS = st.text(alphabet=ALPHABET, min_size=1, max_size=30)


def findings_for(text: str, start: int, end: int, span_text: str) -> list[str]:
    entity = Entity(id="E1", label="CARDINAL", start=start, end=end, text=span_text)
    ann = AnnotationFile(
        doc_id="doc",
        text_sha256="0" * 64,
        layers={"entities": Layer(annotator="a1", origin="human", items=(entity,))},
    )
    found = check_annotations(
        ann.to_json(),
        doc_id="doc",
        text=text,
        text_sha256="0" * 64,
        taxonomy=taxonomy(),
        annotator=None,
    )
    return [f.code for f in found]


@given(TEXTS, st.integers(-2, 35), st.integers(-2, 35))
def test_a_span_sliced_from_the_text_is_valid_iff_in_bounds_ordered_and_trimmed(text, start, end):
    sliced = text[start:end] if 0 <= start < end <= len(text) else "x"
    codes = findings_for(text, start, end, sliced)
    in_bounds = 0 <= start < end <= len(text)
    trimmed = in_bounds and not (sliced[0].isspace() or sliced[-1].isspace())
    # the flag's two regional indicators are one character: no span boundary between them
    whole = in_bounds and cluster_at(text, start) is None and cluster_at(text, end) is None
    assert (codes == []) == (in_bounds and trimmed and whole)
    if start >= end:
        assert codes == ["span-order"]
    elif in_bounds and not trimmed:
        assert codes == ["span-whitespace"]
    elif in_bounds and not whole:
        assert set(codes) == {"span-grapheme"}


@given(TEXTS, st.data())
def test_a_span_whose_text_differs_from_the_slice_is_always_reported(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    wrong = data.draw(st.text(alphabet=ALPHABET, min_size=1).filter(lambda t: t != text[start:end]))
    assert findings_for(text, start, end, wrong) == ["span-text"]
