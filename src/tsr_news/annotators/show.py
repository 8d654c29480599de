"""A review view: one self-contained HTML page per document, with every annotation visible.

How the text is built: every span of the shown annotation files (those `checks.iter_spans`
yields: noise, entities, quote content/cue/source/channel, measure trigger/scope) is a *mark*
named by its column and JSON pointer. The text is cut at every mark's start and end, in Python
code points, by slicing the Python string, so the browser never computes an offset (JavaScript
counts UTF-16 units and would shift after an emoji). Each piece between two cuts becomes one
flat `<span>` listing the marks covering it (`data-m`) and the items they belong to (`data-i`):
nesting and overlaps between layers (entities inside a quote, a measure trigger inside a quote)
need no tree, and a mark's text is exactly the concatenation of the pieces that list it.

Everything taken from the corpus is escaped: text and attributes with `html.escape`, the item
data embedded for the script as JSON in a `<script type="application/json">` with `<`, `>` and
`&` written as \\u escapes. The script only reads that JSON and builds the details panel with
`textContent`. No network resource is referenced: CSS and JS are inline.

Several annotators (`layers`) are shown side by side; items that are not agreed between them
(the rule of `tsr_news.annotators.adjudicate`) are marked as disagreements.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Sequence
from pathlib import Path

from tsr_news.annotators.adjudicate import disagreements
from tsr_news.checks.semantic import item_pointer, iter_spans
from tsr_news.common.atomic import write_text
from tsr_news.scheme.model import LAYER_KINDS, AnnotationFile, Document, to_json
from tsr_news.scheme.schemas import taxonomy

GOLD = "gold"


class ShowError(Exception):
    """The view asked for cannot be made (an annotator without a layer in this document)."""


def columns_of(doc: Document, annotators: Sequence[str] | None) -> dict[str, AnnotationFile]:
    """What to show: the annotators asked for; else gold; else every layer; else nothing."""
    if annotators is not None:
        missing = [a for a in annotators if a not in doc.layers]
        if missing:
            raise ShowError(
                f"{doc.doc_id} has no layer by {', '.join(missing)}; it has: "
                f"{', '.join(sorted(doc.layers)) or 'none'}"
            )
        return {a: doc.layers[a] for a in annotators}
    if doc.gold is not None:
        return {GOLD: doc.gold}
    return dict(sorted(doc.layers.items()))


def render_document(doc: Document, annotators: Sequence[str] | None = None) -> str:
    """The HTML page of one document."""
    columns = columns_of(doc, annotators)
    differing = disagreements(doc, list(columns)) if len(columns) > 1 else {}
    items: dict[str, dict] = {}
    bodies = []
    for n, (name, shown) in enumerate(columns.items()):
        marks = _marks(n, shown, differing.get(name, set()), items)
        bodies.append(
            f'<section class="column"><h2>{_e(name)}{_provenance(shown)}</h2>'
            f'<div class="text">{_segments(doc.text, marks)}</div></section>'
        )
    if not columns:
        bodies.append(
            '<section class="column"><h2>no annotations yet</h2>'
            f'<div class="text">{_e(doc.text)}</div></section>'
        )
    meta = doc.meta
    header = (
        f"<h1>{_e(meta.title)}</h1><p class='meta'>{_e(doc.doc_id)} · {_e(meta.publisher)} · "
        f"{_e(meta.published)} · {_e(meta.split)}"
        + (" · disagreements are underlined in red" if differing else "")
        + "</p>"
    )
    return _page(meta.title, header + _controls() + _legend(), "".join(bodies), items)


def render_index(documents: Sequence[Document]) -> str:
    """The corpus index: one row per document, linking to its page."""
    rows = []
    for doc in documents:
        shown = ", ".join(([GOLD] if doc.gold else []) + sorted(doc.layers)) or "none yet"
        rows.append(
            f'<tr><td><a href="{_e(doc.doc_id)}.html">{_e(doc.doc_id)}</a></td>'
            f"<td>{_e(doc.meta.title)}</td><td>{_e(doc.meta.publisher)}</td>"
            f"<td>{_e(doc.meta.split)}</td><td>{_e(shown)}</td></tr>"
        )
    table = (
        "<table><tr><th>document</th><th>title</th><th>publisher</th><th>split</th>"
        f"<th>annotations</th></tr>{''.join(rows)}</table>"
    )
    return _page("tsr-news corpus", f"<h1>tsr-news: {len(documents)} document(s)</h1>", table, {})


def write_document(doc: Document, out: Path, annotators: Sequence[str] | None = None) -> None:
    write_text(out, render_document(doc, annotators))


def write_all(documents: Sequence[Document], out_dir: Path) -> list[Path]:
    """The index and every document's page in `out_dir`; the paths written."""
    written = []
    for doc in documents:
        path = out_dir / f"{doc.doc_id}.html"
        write_document(doc, path)
        written.append(path)
    index = out_dir / "index.html"
    write_text(index, render_index(documents))
    return [index, *written]


# -- marks and segmentation ---------------------------------------------------------------------


def _marks(column: int, annotations: AnnotationFile, differing: set[str], items: dict) -> list:
    """(start, end, mark, item key, CSS classes) for each span; fills `items` for the script."""
    entities = annotations.items("entities")
    position = {e.id: i for i, e in enumerate(entities)}
    for kind in LAYER_KINDS:
        for i, item in enumerate(annotations.items(kind)):
            refs = sorted({position[r] for r in _references(kind, item)})
            items[f"{column}:{kind}:{i}"] = {
                "kind": kind,
                "attributes": to_json(item),
                "related": [f"{column}:entities:{r}" for r in refs],
                "referenced": {entities[r].id: entities[r].text for r in refs},
                "disagreement": item.id in differing,
            }
    marks = []
    for kind, where, span in iter_spans(annotations.to_json()):
        index, role = where[0], (where[1] if len(where) > 1 else "span")
        pointer = item_pointer(kind, where)
        item = annotations.items(kind)[index]
        classes = [f"k-{kind}", f"r-{role}"]
        if kind == "entities":
            classes.append(f"lab-{item.label}")
        if item.id in differing:
            classes.append("diff")
        marks.append(
            (span["start"], span["end"], f"{column}:{pointer}", f"{column}:{kind}:{index}", classes)
        )
    return marks


def _references(kind: str, item) -> list[str]:
    if kind == "quotes":
        return [*item.speaker_ids, *(item.channel.entity_ids if item.channel else ())]
    if kind == "measures":
        return [
            *item.actor_ids,
            *item.target_ids,
            *item.magnitude_ids,
            *(link.entity_id for link in item.time),
        ]
    return []


def _segments(text: str, marks: list) -> str:
    """The text cut at every mark boundary, each piece a span naming the marks covering it."""
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out = []
    for start, end in itertools.pairwise(cuts):
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        piece = _e(text[start:end])
        if not covering:
            out.append(piece)
            continue
        names = " ".join(m[2] for m in covering)
        keys = " ".join(dict.fromkeys(m[3] for m in covering))
        classes = " ".join(dict.fromkeys(c for m in covering for c in m[4]))
        out.append(
            f'<span class="seg {_e(classes)}" data-m="{_e(names)}" data-i="{_e(keys)}">'
            f"{piece}</span>"
        )
    return "".join(out)


# -- page parts ---------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _provenance(annotations: AnnotationFile) -> str:
    origins = sorted(
        {
            layer.origin + (f": {layer.model}" if layer.model else "")
            for layer in annotations.layers.values()
        }
    )
    return f" <small>({_e('; '.join(origins))})</small>" if origins else ""


def _legend() -> str:
    labels = taxonomy()["entity_label"].definitions
    chips = "".join(
        f'<span class="chip lab-{_e(label)}" title="{_e(definition)}">{_e(label)}</span>'
        for label, definition in labels.items()
    )
    others = (
        '<span class="chip k-noise">noise</span>'
        '<span class="chip r-content">quote content</span>'
        '<span class="chip r-cue">cue</span>'
        '<span class="chip r-source">source</span>'
        '<span class="chip r-channel">channel</span>'
        '<span class="chip r-trigger">measure trigger</span>'
        '<span class="chip r-scope">measure scope</span>'
        '<span class="chip diff">disagreement</span>'
    )
    return f'<div class="legend">{chips}<br>{others}</div>'


def _controls() -> str:
    boxes = "".join(
        f'<label><input type="checkbox" checked data-kind="{kind}"> {kind}</label>'
        for kind in LAYER_KINDS
    )
    return f'<div class="controls">show: {boxes}</div>'


def _label_css() -> str:
    labels = taxonomy()["entity_label"].values
    return "".join(
        f".lab-{label}{{background:hsl({round(i * 360 / len(labels))} 70% 84%)}}"
        for i, label in enumerate(labels)
    )


CSS = """
body{font:15px/1.6 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em;margin:0}.meta{color:#666;margin:.2em 0 .8em}
.columns{display:grid;grid-auto-flow:column;grid-auto-columns:1fr;gap:1.5em}
.column h2{font-size:1em;border-bottom:1px solid #ccc}
.text{white-space:pre-wrap;line-height:2}
.chip{display:inline-block;margin:2px;padding:0 .4em;border-radius:3px;font-size:.8em}
.k-noise{color:#888;background:#eee}
.r-content{border-bottom:2px solid #2a7a4a}
.r-cue{font-weight:bold;color:#0b5d2a}
.r-source{border-bottom:2px dotted #2a7a4a}
.r-channel{border-bottom:2px dashed #2456a6}
.r-trigger{box-shadow:inset 0 0 0 2px #c86400}
.r-scope{box-shadow:inset 0 -3px 0 #f0c890}
.r-trigger.r-scope{box-shadow:inset 0 0 0 2px #c86400,inset 0 -5px 0 #f0c890}
.diff{text-decoration:underline wavy #d00}
.seg{cursor:pointer}.seg.hl{outline:2px solid #222}
.hide-noise .k-noise,.hide-entities .k-entities,.hide-quotes .k-quotes,
.hide-measures .k-measures{background:none;border:none;box-shadow:none;font-weight:normal;
color:inherit;text-decoration:none}
#details{position:fixed;right:1em;bottom:1em;max-width:34em;max-height:45vh;overflow:auto;
background:#fffef6;border:1px solid #bbb;padding:.6em;font-size:.85em;display:none}
#details table{border-collapse:collapse}#details td{padding:0 .5em;vertical-align:top}
table{border-collapse:collapse}th,td{text-align:left;padding:.2em .6em;border-bottom:1px solid #ddd}
"""

SCRIPT = """
const items = JSON.parse(document.getElementById('items').textContent);
const panel = document.getElementById('details');
let pinned = null;
function keysOf(seg) { return (seg.dataset.i || '').split(' ').filter(Boolean); }
function highlight(keys) {
  const wanted = new Set();
  for (const k of keys) { wanted.add(k); for (const r of items[k].related) wanted.add(r); }
  for (const seg of document.querySelectorAll('.seg')) {
    seg.classList.toggle('hl', keysOf(seg).some(k => wanted.has(k)));
  }
}
function value(v, referenced) {
  if (Array.isArray(v)) return v.map(x => value(x, referenced)).join(', ');
  if (v && typeof v === 'object') {
    if ('text' in v) return JSON.stringify(v.text) + ' [' + v.start + ', ' + v.end + ')';
    return Object.entries(v).map(([k, x]) => k + ': ' + value(x, referenced)).join('; ');
  }
  if (typeof v === 'string' && v in referenced) return v + ' (' + referenced[v] + ')';
  return String(v);
}
function show(keys) {
  panel.replaceChildren();
  for (const k of keys) {
    const item = items[k];
    const title = document.createElement('b');
    title.textContent = item.kind + ' ' + item.attributes.id + ' (' +
      document.querySelectorAll('.column h2')[+k.split(':')[0]].firstChild.textContent.trim() +
      ')' +
      (item.disagreement ? ': not agreed' : '');
    const table = document.createElement('table');
    for (const [name, v] of Object.entries(item.attributes)) {
      const row = table.insertRow();
      row.insertCell().textContent = name;
      row.insertCell().textContent = value(v, item.referenced);
    }
    panel.append(title, table);
  }
  panel.style.display = keys.length ? 'block' : 'none';
}
for (const seg of document.querySelectorAll('.seg')) {
  seg.addEventListener('mouseenter', () => {
    if (!pinned) { highlight(keysOf(seg)); show(keysOf(seg)); }
  });
  seg.addEventListener('mouseleave', () => { if (!pinned) { highlight([]); show([]); } });
  seg.addEventListener('click', (event) => {
    event.stopPropagation();
    pinned = pinned === seg ? null : seg;
    highlight(keysOf(seg)); show(keysOf(seg));
  });
}
document.addEventListener('click', () => { pinned = null; highlight([]); show([]); });
for (const box of document.querySelectorAll('.controls input')) {
  box.addEventListener('change', () =>
    document.body.classList.toggle('hide-' + box.dataset.kind, !box.checked));
}
const linked = decodeURIComponent(location.hash.slice(1));  // e.g. #0:quotes:0 opens Q1
if (linked in items) { pinned = true; highlight([linked]); show([linked]); }
document.body.dataset.ready = 'yes';
"""


def _page(title: str, header: str, body: str, items: dict) -> str:
    data = (
        json.dumps(items, ensure_ascii=False)
        .replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        f"<title>{_e(title)}</title><style>{CSS}{_label_css()}</style></head>"
        f'<body>{header}<div class="columns">{body}</div><div id="details"></div>'
        f'<script type="application/json" id="items">{data}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )
