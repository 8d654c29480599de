# ruff: noqa: RUF001 -- curly quotes and apostrophes are what these texts are about
"""The sentence segmenter on the corpus's own hard cases, on its five articles, and its
invariants on generated texts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from tsr_news.release.abbreviations import abbreviations
from tsr_news.release.sentences import _LINE_BREAK, sentences

ROOT = Path(__file__).parent.parent

# (text, its sentences): the cases the articles and news text in general have
HARD_CASES = [
    # abbreviations and initials keep the sentence going; a decimal point is no end
    (
        "Nvidia Inc. said on Jan. 5 that sales rose 13.5 per cent. Analysts were surprised.",
        ["Nvidia Inc. said on Jan. 5 that sales rose 13.5 per cent.", "Analysts were surprised."],
    ),
    (
        "Among his concerns are U.S. restrictions. J. R. Smith, a lawyer, disagreed.",
        ["Among his concerns are U.S. restrictions.", "J. R. Smith, a lawyer, disagreed."],
    ),
    ("The U.S., after years of targeting Huawei, acted.", None),
    (
        "Mr. Xi met Dr. Yellen at 3 p.m. on Friday. They talked.",
        ["Mr. Xi met Dr. Yellen at 3 p.m. on Friday.", "They talked."],
    ),
    (
        "Revenue was $1,000.50 in 2023. It cost approx. 300 tonnes.",
        ["Revenue was $1,000.50 in 2023.", "It cost approx. 300 tonnes."],
    ),
    # a name ending a sentence is no abbreviation (sentencex joins these two)
    (
        "the likes of Alibaba founder Jack Ma. Dr Ilaria Carrozza, senior researcher, said so.",
        [
            "the likes of Alibaba founder Jack Ma.",
            "Dr Ilaria Carrozza, senior researcher, said so.",
        ],
    ),
    # quotations: the closing mark belongs to the sentence it closes
    (
        "describing it as “just a start.” The United States disagreed.",
        ["describing it as “just a start.”", "The United States disagreed."],
    ),
    (
        "“We will act,” he said. “Soon?” she asked.",
        ["“We will act,” he said.", "“Soon?” she asked."],
    ),
    (
        "high-level technological self-reliance.”\nXi’s demand",
        ["high-level technological self-reliance.”", "Xi’s demand"],
    ),
    # no end before lowercase, a comma, or another terminator
    ("and self-improvement... we urgently need it.", None),
    ("rely on innovation, he said. , according to a state media reading.", None),
    (
        "very difficult to achieve. . Reuters contributed",
        ["very difficult to achieve. .", "Reuters contributed"],
    ),
    # headlines and lines without a full stop end at the line break ...
    (
        "Xi Urges Action for China to Develop Critical\u00a0Technology\n\nOriginal Source Here",
        ["Xi Urges Action for China to Develop Critical\u00a0Technology", "Original Source Here"],
    ),
    # ... unless the line ends with a comma or the next goes on in lowercase
    (
        "In January,\n\nJapan and the Netherlands agreed to comply\n\nwith export restrictions.",
        None,
    ),
]


@pytest.mark.parametrize(("text", "expected"), HARD_CASES)
def test_hard_cases(text, expected):
    assert [text[a:b] for a, b in sentences(text)] == (expected or [text])


def test_an_end_inside_an_entity_merges_the_two_sentences():
    text = "Shares of Yahoo! Japan rose. The National\nPeople’s Congress met."
    assert [text[a:b] for a, b in sentences(text)] == [
        "Shares of Yahoo!",
        "Japan rose.",
        "The National",
        "People’s Congress met.",
    ]
    entities = [span(text, "Yahoo! Japan"), span(text, "National\nPeople’s Congress")]
    assert [text[a:b] for a, b in sentences(text, entities)] == [
        "Shares of Yahoo! Japan rose.",
        "The National\nPeople’s Congress met.",
    ]


def test_noise_is_left_out_and_ends_the_sentences_around_it():
    text = "date 2023-03-06 Chinese President Xi spoke. He left. REUTERS See more on"
    noise = [span(text, "date 2023-03-06"), span(text, "REUTERS"), span(text, "See more on")]
    assert [text[a:b] for a, b in sentences(text, noise=noise)] == [
        "Chinese President Xi spoke.",
        "He left.",
    ]


def test_abbreviations_are_letters_with_their_periods_standing_alone():
    text = "U.S. p.m. J. Inc., Jan. 5; a. Ma. x.com US."
    assert [text[a:b] for a, b in abbreviations(text)] == ["U.S.", "p.m.", "J.", "Inc.", "Jan."]


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def article(doc_id: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """An article's text with the entities and noise of its draft layer (the corpus's only one)."""
    text = (ROOT / "raw" / f"{doc_id}.txt").read_text(encoding="utf-8")
    layer = ROOT / "annotations" / "layers" / "assistant-draft" / f"{doc_id}.json"
    layers = json.loads(layer.read_text(encoding="utf-8"))["layers"]
    spans = {
        kind: [(item["start"], item["end"]) for item in layers.get(kind, {"items": []})["items"]]
        for kind in ("entities", "noise")
    }
    return text, spans["entities"], spans["noise"]


ARTICLES = sorted(path.stem for path in (ROOT / "raw").glob("*.txt"))


@pytest.mark.parametrize("doc_id", ARTICLES)
def test_sentences_of_the_articles_cover_their_text_outside_noise(doc_id):
    text, entities, noise = article(doc_id)
    found = sentences(text, entities, noise)
    check_invariants(text, entities, noise, found)
    assert len(found) >= 10


def test_the_articles_own_cases():
    text, entities, noise = article("002_86e9c5e474bc2ab7")
    found = [text[a:b] for a, b in sentences(text, entities, noise)]
    assert found[0] == "China’s President Xi calls for tech self-reliance amid US tension"
    broken = "In January,\n\nJapan and the Netherlands agreed to comply\n\nwith export"
    assert any(s.startswith(broken) and s.endswith("the media reported.") for s in found)
    assert found[-1].endswith("high-quality talent”.")  # the agency tag after it is noise
    assert "PHOTO: REUTERS" not in " ".join(found)
    text, entities, noise = article("003_0f5644c9d011c526")
    assert [text[a:b] for a, b in sentences(text, entities, noise)] == text.strip().split("\n")


def check_invariants(text, entities, noise, found):
    """Sentences are in order, disjoint, trimmed, hold every non-space character outside noise
    and nothing of the noise, and every entity lies in one."""
    assert found == sorted(found)
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(found))
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in found)
    covered = {i for a, b in found for i in range(a, b)}
    in_noise = {i for a, b in noise for i in range(a, b)}
    assert not covered & in_noise
    assert {i for i, c in enumerate(text) if not c.isspace()} - in_noise <= covered
    for start, end in entities:
        assert any(a <= start and end <= b for a, b in found), text[start:end]


@st.composite
def texts_with_spans(draw):
    pieces = st.sampled_from(["U.S.", "Inc.", "J.", "Xi", "said", "13.5", "”", "’s", "!"])
    separators = st.sampled_from([" ", ". ", "? ", "\n", "\n\n", ", ", ".” ", " \u2028"])
    parts = draw(st.lists(st.tuples(pieces, separators), max_size=30))
    text = "".join(a + b for a, b in parts)
    # disjoint spans over whole pieces, each an entity or noise
    offsets, position = [], 0
    for piece, separator in parts:
        offsets.append((position, position + len(piece)))
        position += len(piece) + len(separator)
    chosen = draw(st.lists(st.sampled_from(offsets), unique=True)) if offsets else []
    entities, noise = [], []
    for i, (start, _) in enumerate(sorted(chosen)):
        # an entity may run on over the next pieces, up to the next chosen span
        limit = sorted(chosen)[i + 1][0] if i + 1 < len(chosen) else len(text)
        ends = [e for s, e in offsets if start <= s and e <= limit]
        end = draw(st.sampled_from(ends))
        (noise if draw(st.booleans()) else entities).append((start, end))
    return text, entities, noise


@given(texts_with_spans())
def test_invariants_on_generated_texts(given_input):
    text, entities, noise = given_input
    check_invariants(text, entities, noise, sentences(text, entities, noise))


# rules 1 and 2 as regular expressions, and the rest of the rule as written: the oracle the
# array implementation is held to
TERMINAL = regex.compile(r"[.!?…]+[\p{Pf}\p{Pe}\"']*(?=\s+[^\s\p{Ll},;:.!?…])")
LINE_END = regex.compile(rf"(?<=[^\s,]\s*)[{_LINE_BREAK}](?=\s*[^\s\p{{Ll}}])")


def by_regex(text, entities, noise):
    abbreviation_ends = {end for _, end in abbreviations(text)}
    ends = [
        match.end()
        for match in TERMINAL.finditer(text)
        if not (match.group() == "." and match.end() in abbreviation_ends)
    ]
    ends += [match.start() for match in LINE_END.finditer(text)]
    ends += [offset for span in noise for offset in span]
    cuts = sorted({0, len(text), *ends})
    cuts = [c for c in cuts if not any(a < c < b for a, b in entities)]
    found = []
    for start, end in itertools.pairwise(cuts):
        piece = text[start:end]
        stripped = piece.lstrip()
        if stripped and not any(a <= start < b for a, b in noise):
            start += len(piece) - len(stripped)
            found.append((start, start + len(stripped.rstrip())))
    return found


# what the rules look at: terminators, closing marks, white space of both kinds (`\s` and
# str.strip's, which differ at U+001C..U+001F), line breaks, lowercase, commas, abbreviations
ODD = [*"aA.!?…”)\"' \n\r\x1c\x1f\u2028\x85,;:é\u00a0\tßΣ\0»", "U.S.", "Inc.", "J.", "Jan."]


@st.composite
def odd_texts_with_spans(draw):
    text = "".join(draw(st.lists(st.sampled_from(ODD), max_size=60)))
    offsets = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10, unique=True)))
    entities, noise = [], []
    for span in zip(offsets[::2], offsets[1::2], strict=False):
        (noise if draw(st.booleans()) else entities).append(span)
    return text, entities, noise


@settings(max_examples=1000)
@given(odd_texts_with_spans())
def test_the_array_implementation_keeps_the_rule(given_input):
    assert sentences(*given_input) == by_regex(*given_input)
