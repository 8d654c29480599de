"""Grapheme cluster boundaries at an offset: the local reading agrees with reading the whole
text with `\\X`, on texts made of the characters that join (UAX #29)."""

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from tsr_news.checks.graphemes import cluster_at

# letters, CR LF, a combining accent, ZWJ and emoji, regional indicators, Hangul jamo, a
# Devanagari consonant and virama (a conjunct), an Arabic prepend mark, a spacing mark, ZWSP
JOINERS = st.sampled_from(
    [*"a \r\n\u0301\u200d", "👩", "💻", "🇺", "🇸", *"中\u1100\u1161\u0915\u094d\u0600\u0903\u200b"]
)


def clusters_from_the_start(text: str) -> list[tuple[int, int] | None]:
    """What cluster_at must say at each offset, read the slow way."""
    starts = [m.start() for m in regex.finditer(r"\X", text, flags=regex.DOTALL)] + [len(text)]
    out: list[tuple[int, int] | None] = []
    for at in range(len(text) + 1):
        if at in starts:
            out.append(None)
        else:
            out.append((max(s for s in starts if s < at), min(s for s in starts if s > at)))
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=JOINERS, max_size=40))
def test_cluster_at_agrees_with_reading_the_whole_text(text):
    assert [cluster_at(text, at) for at in range(len(text) + 1)] == clusters_from_the_start(text)


def test_a_run_of_flags_longer_than_the_look_back_is_still_read_in_pairs():
    # 500 flags and a lone indicator after "a": the pairs are counted from the run's start, so
    # the boundaries are the odd offsets, however far from a safe offset
    text = "a" + "🇺" * 1001 + "b"
    assert cluster_at(text, 2) == (1, 3)
    assert cluster_at(text, 601) is None
    assert cluster_at(text, 600) == (599, 601)
    assert [cluster_at(text, at) for at in range(len(text) + 1)] == clusters_from_the_start(text)


def test_flags_accents_and_zwj_sequences_are_one_character():
    assert cluster_at("x🇺🇸y", 2) == (1, 3)
    assert cluster_at("Cafe\u0301", 4) == (3, 5)
    assert cluster_at("👩\u200d💻!", 1) == (0, 3)
    assert cluster_at("👩\u200d💻!", 2) == (0, 3)
    assert cluster_at("👩\u200d💻!", 3) is None
    assert cluster_at("a\r\nb", 2) == (1, 3)
