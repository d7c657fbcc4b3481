"""Security findings from scanner files (SARIF, Trivy, Grype, pip-audit, npm audit, OSV, CycloneDX,
OpenVEX): one reader module per format, format detection, component mapping, deduplication keys
and VEX suppression; `importer.import_findings` stores one file in one transaction."""
