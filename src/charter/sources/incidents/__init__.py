"""Incidents from the exports of incident tools, for `charter import incidents`: PagerDuty (REST
API v2 JSON, the web UI's CSV, Apache DevLake's raw table), Opsgenie (alert and incident API JSON,
alert CSV) and incident.io (API v2 JSON, CSV). Each tool has its module; `files` tells them apart
and yields one file's incidents; `common` holds the severity map and the matching of the tools'
services to components. `charter.services.imports_incidents` writes them."""
