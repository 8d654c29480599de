"""What the corpus's data means: the JSON Schemas and the taxonomy (`schemas`), and the
typed objects a valid file becomes (`model`)."""
