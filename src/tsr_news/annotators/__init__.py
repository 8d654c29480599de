"""The annotators' tools, over loaded documents: agreement between layers, adjudication
into gold, consistency statistics, review pages, and the guidelines' generated tables."""
