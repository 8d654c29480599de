"""Tech Self-Reliance News: an annotated news corpus, its validator and its release builder."""

__version__ = "0.1.0"
