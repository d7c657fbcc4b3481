"""Security findings from scanner files (SARIF, Trivy, Grype, pip-audit, npm audit, OSV, CycloneDX,
OpenVEX): one reader module per format, format detection, component mapping, deduplication keys
and VEX suppression; `importer.read_scanner_file` reads and prepares one file, which
`charter.services.imports_findings` stores in one transaction."""
