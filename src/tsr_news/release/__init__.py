"""Compiling the corpus into a versioned Hugging Face dataset (`build/tsr-news-X.Y.Z/`).

The modules each own one idea: `features` (the one definition of every column, from the
taxonomy), `tokenize` (the NER tokenizer), `rows` (a document -> its rows of every config
but `ner`), `ner` (documents -> their `ner` rows), `arrow` (rows -> Arrow tables), `part` (a
worker's batch of every config), `parquet` (deterministic streaming Parquet shards), `card`
(README.md, a huggingface_hub DatasetCard), `croissant` (croissant.json, with mlcroissant),
`project` (names, licence, citation: what card and Croissant both say), `descriptions` (what
every field means, and the label sets), `manifest` (manifest.json, SHA256SUMS, content
digest), `datasheet` (DATASHEET.md's generated statistics), `build` (the pipeline that ties
them together), `withhold` (a release without the copyrighted text), `rehydrate` (the text
restored from the user's own files, through `build`'s writer) and `publish` (a verified
release uploaded to the Hub and tagged). Needs the `release` extra (datasets, pyarrow,
numpy, regex, mlcroissant, huggingface_hub).
"""
