"""How the labels look and which keys pick them: colours and hotkeys, planned once.

Colours. Each entity label has its own colour, in the taxonomy's order. The 18 colours were
chosen (greedily, from a grid of light colours fit for highlighting black text) to stay at
least 10 CIE76 ΔE apart from each other and from the other groups' colours, in normal vision
and under simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009);
tests/test_labelstudio_interface.py checks that on every change. Noise, quote parts and
measure parts keep one colour per group: what matters there is the group.

Hotkeys. Label Studio gives every label or choice without a hotkey the next free key of
AUTOMATIC_KEYS, so unplanned keys land wherever the tree puts them (noise kinds took 1-8).
The plan gives those keys to the labels by a rule (`hotkeys`), so a new label still needs no
edit here: entity labels get a letter of their name, quote and measure parts the digits 1-6
(the parts of one quote or measure are drawn one after the other), noise kinds what is left.
Of the 33 keys the 32 labels take all but one, which Label Studio gives to the first attribute
choice it meets; no other choice gets a key. Label Studio's own keys stay free: `r`, `u` and
`h` are not among them, and its other shortcuts use Ctrl, Alt or Shift (Alt+R: a relation).
"""

from __future__ import annotations

from functools import cache

from tsr_news.labelstudio.scheme import ENTITY, MEASURE, NOISE, QUOTE

RELATION_KEY = "Alt+R"  # Label Studio 1.23's "region:relation" shortcut (Hotkeys/defaults.js)

ENTITY_COLOURS = (
    "#ee7733",
    "#dd55ff",
    "#66ff00",
    "#5599bb",
    "#cc8866",
    "#77ccff",
    "#779988",
    "#9988dd",
    "#aaeeee",
    "#dddd55",
    "#55cc55",
    "#ee9900",
    "#ff5588",
    "#77bbcc",
    "#00eeff",
    "#ccddcc",
    "#ddaa88",
    "#aa99aa",
)
GROUP_COLOURS = {NOISE: "#bdbdbd", QUOTE: "#ffcc80", MEASURE: "#a5d6a7"}

# The keys Label Studio hands out itself, in its order (Hotkey.makeComb in Label Studio 1.23).
AUTOMATIC_KEYS = "1234567890qwetasdfgzxcvbyiopjklnm"
PART_KEYS = "123456"  # quote parts, then measure parts


@cache
def hotkeys(labels: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[tuple[str, str], str]:
    """(Labels control, label) -> key, for `labels` as (control, its labels) pairs.

    An entity label gets the first letter of its name still free (else the first free letter
    in Label Studio's order); quote and measure parts
    get PART_KEYS in order; noise kinds the free keys left, in Label Studio's order.
    """
    keys: dict[tuple[str, str], str] = {}
    free = [k for k in AUTOMATIC_KEYS if k not in PART_KEYS]
    by_control = dict(labels)
    for label in by_control[ENTITY]:
        mnemonic = [k for k in label.lower() if k in free]
        key = mnemonic[0] if mnemonic else next(k for k in free if k.isalpha())
        keys[ENTITY, label] = key
        free.remove(key)
    parts = [(QUOTE, p) for p in by_control[QUOTE]] + [(MEASURE, p) for p in by_control[MEASURE]]
    keys.update(zip(parts, PART_KEYS, strict=True))
    keys.update(zip([(NOISE, kind) for kind in by_control[NOISE]], free, strict=False))
    return keys


def colour(control: str, label: str, labels: tuple[str, ...]) -> str:
    """The highlight colour of `label`, one of the `labels` of Labels control `control`."""
    if control == ENTITY:
        return ENTITY_COLOURS[labels.index(label)]
    return GROUP_COLOURS[control]
