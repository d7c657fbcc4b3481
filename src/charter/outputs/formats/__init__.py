"""The report formats, one module each, registered under the entry point group
`charter.report_formats` (pyproject.toml): any report's view model in, text out."""
