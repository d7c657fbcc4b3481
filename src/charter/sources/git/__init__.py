"""The `git` source: find the clones, mine their history (commits with per-file line counts, refs,
tags) on local worker threads (git does the work) or a Dask cluster, incrementally from what the store
already has; `charter.services.imports_git` writes what they find."""
