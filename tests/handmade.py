"""Hand-made annotation layers for tests: spans are found by their text, so offsets are right."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from tsr_news.scheme.model import (
    AnnotationFile,
    Document,
    DocumentMeta,
    Entity,
    Layer,
    Measure,
    Noise,
    Quote,
    Span,
    from_json,
)
from tsr_news.scheme.schemas import taxonomy

from conftest import FIXTURE_CORPUS


class Text:
    """A text to annotate; `span('word', nth)` is the nth occurrence of 'word' in it."""

    def __init__(self, text: str):
        self.text = text

    def span(self, words: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = self.text.index(words, start + 1)
        return Span(start, start + len(words), words)

    def noise(self, id: str, kind: str, words: str) -> Noise:
        s = self.span(words)
        return Noise(id, kind, s.start, s.end, s.text)

    def entity(self, id: str, label: str, words: str, nth: int = 0, **attributes) -> Entity:
        s = self.span(words, nth)
        prefix = taxonomy().ref_prefixes.get(label)
        if prefix and "ref" not in attributes:
            attributes["ref"] = f"{prefix}:{'_'.join(words.lower().split())}"
        return Entity(id, label, s.start, s.end, s.text, **attributes)

    def quote(self, id, type, content, cue, speaker_ids, source=None, flags=()) -> Quote:
        return Quote(
            id=id,
            type=type,
            content=tuple(
                self.span(c) for c in ([content] if isinstance(content, str) else content)
            ),
            cue=self.span(cue),
            source=None if source is None else self.span(source),
            speaker_ids=tuple(speaker_ids),
            speaker_text="someone",
            flags=tuple(flags),
        )

    def measure(
        self, id, type, trigger, status, sectors=(), actor_ids=(), time=(), target_ids=()
    ) -> Measure:
        return Measure(
            id=id,
            type=type,
            trigger=self.span(trigger),
            status=status,
            specificity="specific",
            actor_ids=tuple(actor_ids),
            target_ids=tuple(target_ids),
            target_jurisdictions=(),
            sectors=tuple(sectors),
            time=tuple(time),
            magnitude_ids=(),
        )

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def annotations(self, doc_id: str, annotator: str, **kinds) -> AnnotationFile:
        layers = {
            kind: Layer(annotator=annotator, origin="human", items=tuple(items))
            for kind, items in kinds.items()
        }
        return AnnotationFile(doc_id=doc_id, text_sha256=self.sha256, layers=layers)

    def document(self, doc_id: str, layers: dict[str, dict]) -> Document:
        """A document with one annotation file per annotator: {annotator: {kind: items}}."""
        meta = from_json(
            DocumentMeta,
            json.loads((FIXTURE_CORPUS / "raw" / "doc-alpha.meta.json").read_text("utf-8")),
        )
        meta = dataclasses.replace(meta, doc_id=doc_id, text_sha256=self.sha256)
        return Document(
            meta=meta,
            text=self.text,
            gold=None,
            layers={a: self.annotations(doc_id, a, **kinds) for a, kinds in layers.items()},
        )
