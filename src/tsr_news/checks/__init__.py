"""Finding and explaining problems: the semantic checks a schema cannot make (`semantic`),
the schema-error explainer and its messages, JSON Pointers and lines, and `Problem` with its
report formats."""
