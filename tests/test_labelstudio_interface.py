"""The interface's colours and hotkeys: distinct for everyone, planned, and clear of Label
Studio's own shortcuts. (The layout is checked in a real browser, test_labelstudio_server.py.)"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import numpy as np

from tsr_news.labelstudio.appearance import AUTOMATIC_KEYS, ENTITY_COLOURS, GROUP_COLOURS
from tsr_news.labelstudio.config import label_config
from tsr_news.scheme.schemas import taxonomy

# Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB
SIMULATIONS = {
    "normal": np.eye(3),
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}  # fmt: skip
# Label Studio 1.23's own shortcuts in a text project (Hotkeys/defaults.js, annotation and
# regions sections), which a label's key must not take
LABEL_STUDIO_KEYS = {
    "ctrl+enter", "ctrl+space", "ctrl+z", "ctrl+shift+z", "ctrl+backspace", "enter", "alt+r",
    "alt+h", "ctrl+h", "alt+l", "alt+m", "u", "escape", "backspace", "alt+.", "ctrl+d", "delete",
}  # fmt: skip


def _lab(colour: str, simulation) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.asarray(simulation) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x, y, z = (xyz @ linear) / np.array([0.95047, 1.0, 1.08883])
    f = [np.cbrt(v) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def labels_of(control: str) -> list[ET.Element]:
    (found,) = [e for e in ET.fromstring(label_config()).iter("Labels") if e.get("name") == control]
    return list(found.iter("Label"))


def test_every_entity_label_has_its_own_colour_distinct_under_colour_blindness():
    shown = [label.get("background") for label in labels_of("entity")]
    assert len(shown) == len(taxonomy()["entity_label"].values) == len(set(shown))
    assert shown == list(ENTITY_COLOURS[: len(shown)])
    others = list(GROUP_COLOURS.values())
    for name, simulation in SIMULATIONS.items():
        pairs = [*itertools.combinations(shown, 2), *itertools.product(shown, others)]
        closest = min(np.linalg.norm(_lab(a, simulation) - _lab(b, simulation)) for a, b in pairs)
        assert closest >= 10, name


def test_every_label_has_a_planned_key_of_its_own_clear_of_label_studios():
    keys = {
        (control, label.get("value")): label.get("hotkey")
        for control in ("noise", "entity", "quote", "measure")
        for label in labels_of(control)
    }
    assert None not in keys.values()
    assert len(set(keys.values())) == len(keys)
    assert not set(keys.values()) & LABEL_STUDIO_KEYS
    # all but one of the keys Label Studio would hand out: attribute choices get at most one
    assert len(set(AUTOMATIC_KEYS) - set(keys.values())) == 1
    assert keys["entity", "PERSON"] == "p" and keys["quote", "cue"] == "2"
