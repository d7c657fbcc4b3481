"""The `git` source: find the clones, mine their history (commits with per-file line counts, refs,
tags) on local worker threads (git does the work) or a Dask cluster, and write it to the store incrementally."""
