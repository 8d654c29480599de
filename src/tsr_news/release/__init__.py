"""Compiling the corpus into a versioned Hugging Face dataset (`build/tsr-news-X.Y.Z/`).

The modules each own one idea: `features` (the one definition of every column, from the
taxonomy), `tokenize` (the NER tokenizer), `rows` (a document -> its rows of every config
but `ner`), `ner` (documents -> their `ner` rows), `arrow` (rows -> Arrow tables), `part` (a
worker's batch of every config), `parquet` (deterministic streaming Parquet files), `card`
(README.md: YAML + datasheet), `croissant` (croissant.json), `manifest` (manifest.json,
SHA256SUMS, content digest), `datasheet` (DATASHEET.md's generated statistics), `build`
(the pipeline that ties them together), `withhold` (a release without the copyrighted text)
and `rehydrate` (the text restored from the user's own files, through `build`'s writer).
Needs the `release` extra (datasets, pyarrow, numpy).
"""
