"""Small helpers every stage shares: atomic writes, stopping on signals, generated blocks
in hand-written files, exit codes. They import nothing else of the package."""
