"""The dashboard and JSON API (`charter serve`), built from a store and an Estate passed in: a later issue."""
