"""The HTML review view: exact segmentation, escaping, no network, and a real browser's DOM."""

import re
import subprocess
from html.parser import HTMLParser

from tsr_news.annotators.show import render_document
from tsr_news.checks.semantic import item_pointer, iter_spans
from tsr_news.corpus.loader import Corpus

from conftest import CHROMIUM_FLAGS, FIXTURE_CORPUS, REPO
from handmade import Text


class Rendered(HTMLParser):
    """What a page shows: each mark's text (pieces naming it, joined) and each column's text."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.marks: dict[str, str] = {}
        self.classes: dict[str, set[str]] = {}
        self.columns: list[str] = []
        self.ready = None
        self._open: list[list[str] | None] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.ready = attrs.get("data-ready")
        if attrs.get("class") == "text":
            self.columns.append("")
        marks = attrs.get("data-m", "").split()
        for mark in marks:
            self.marks.setdefault(mark, "")
            self.classes.setdefault(mark, set()).update(attrs["class"].split())
        if tag in ("span", "div"):
            self._open.append((attrs.get("class") == "text", marks))

    def handle_endtag(self, tag):
        if tag in ("span", "div"):
            self._open.pop()

    def handle_data(self, data):
        if any(is_text for is_text, _ in self._open):
            self.columns[-1] += data
        if self._open:
            for mark in self._open[-1][1]:
                self.marks[mark] += data


def alpha():
    (loaded,) = Corpus(FIXTURE_CORPUS).valid_documents(["doc-alpha"])
    return loaded


def expected_marks(annotations, column=0):
    return {
        f"{column}:{item_pointer(kind, where)}": span["text"]
        for kind, where, span in iter_spans(annotations.to_json())
    }


def test_every_mark_shows_exactly_its_span_text_with_nested_spans():
    doc = alpha()
    page = Rendered(render_document(doc))
    assert page.marks == expected_marks(doc.gold)
    assert page.columns == [doc.text]
    # quote content holding an entity, a measure trigger and scope, and the emoji
    content = "0:/layers/quotes/items/0/content/0"
    assert page.marks[content].endswith("🚀")
    assert {"r-content", "k-quotes"} <= page.classes[content]


def test_the_untrusted_text_is_escaped():
    t = Text('<script>alert("x")</script> & <b onclick="y">Acme</b> said so.')
    doc = t.document("doc-evil", {"a": {"entities": [t.entity("E1", "ORG", "Acme")]}})
    html = render_document(doc)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.count("<script") == 2  # the data and the code, nothing from the text
    page = Rendered(html)
    assert page.columns == [t.text]
    assert page.marks == {"0:/layers/entities/items/0": "Acme"}


def test_pages_reference_no_network_resource():
    html = render_document(alpha())
    assert not re.search(r"\b(src|href)\s*=", html)
    assert "://" not in html
    assert "@import" not in html


def test_two_annotators_side_by_side_mark_their_disagreements():
    page = Rendered(render_document(alpha(), ["ann1", "tagger-x"]))
    assert len(page.columns) == 2
    # both found Washington (agreed); only ann1 found Tuesday (disagreement)
    assert "diff" not in page.classes["0:/layers/entities/items/0"]
    assert "diff" in page.classes["0:/layers/entities/items/2"]
    assert "diff" not in page.classes["1:/layers/entities/items/0"]


def test_show_all_writes_an_index_and_a_page_per_document(cli, corpus, tmp_path):
    out = tmp_path / "site"
    run = cli("show", "--all", "--out", out, "--root", corpus)
    assert run.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "doc-alpha.html",
        "doc-beta.html",
        "doc-gamma.html",
        "index.html",
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="doc-beta.html">doc-beta</a>' in index


def test_show_usage_errors(cli, corpus, tmp_path):
    assert cli("show", "--root", corpus).exit_code == 2
    assert cli("show", "doc-alpha", "--all", "--root", corpus).exit_code == 2
    assert cli("show", "--all", "--root", corpus).exit_code == 2  # --all needs --out
    run = cli("show", "doc-alpha", "--layers", "nobody", "--root", corpus)
    assert run.exit_code == 2
    assert "no layer by nobody" in run.err


def rendered_in_browser(chromium, page, profile) -> Rendered:
    """The page as headless chromium leaves it after its script ran (`--dump-dom`)."""
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return Rendered(result.stdout)


def test_chromium_renders_each_highlight_as_its_span_text(chromium, cli, corpus, tmp_path):
    page = tmp_path / "doc-alpha.html"
    assert cli("show", "doc-alpha", "--out", page, "--root", corpus).exit_code == 0
    dom = rendered_in_browser(chromium, page, tmp_path / "profile")
    assert dom.ready == "yes"  # the script ran to its end without an error
    doc = alpha()
    assert dom.marks == expected_marks(doc.gold)
    assert dom.columns == [doc.text]


def test_chromium_renders_every_real_document_with_its_layers(chromium, cli, tmp_path):
    """All five articles, with every layer they have (the draft until gold lands), in a browser."""
    out = tmp_path / "site"
    assert cli("show", "--all", "--out", out, "--root", REPO).exit_code == 0
    documents = Corpus(REPO).valid_documents()
    assert len(documents) == 5
    for doc in documents:
        layers = [doc.gold] if doc.gold else []
        layers += [doc.layers[name] for name in sorted(doc.layers)]
        dom = rendered_in_browser(chromium, out / f"{doc.doc_id}.html", tmp_path / "profile")
        assert dom.ready == "yes"
        expected = {}
        for column, annotations in enumerate(layers):
            expected |= expected_marks(annotations, column)
        assert dom.marks == expected, doc.doc_id
        assert dom.columns == [doc.text] * len(layers)
