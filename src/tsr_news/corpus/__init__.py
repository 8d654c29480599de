"""Reading the corpus: where its files are (`layout`), reading and checking them in worker
processes (`loader`, `prefetch`, `fingerprints`), splits by story cluster (`splits`), and
`validate`, which turns all of it into a report."""
