"""The view models: every report's data, typed (Pydantic v2). `--format json` writes them, the API
returns them and `charter schema` publishes their JSON Schemas. They import only `model`."""
