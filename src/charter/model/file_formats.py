"""The names of the file formats `charter import` reads, on their own: the command line offers them
as choices without loading the readers (and the models they build) at start-up."""

from __future__ import annotations

from enum import StrEnum


class DeploymentFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    GITHUB = "github"


class IncidentFormat(StrEnum):
    PAGERDUTY = "pagerduty"
    OPSGENIE = "opsgenie"
    INCIDENT_IO = "incident-io"


class FindingFormat(StrEnum):
    SARIF = "sarif"
    TRIVY = "trivy"
    GRYPE = "grype"
    PIP_AUDIT = "pip-audit"
    NPM_AUDIT = "npm-audit"
    OSV = "osv"
    CYCLONEDX = "cyclonedx"
    CYCLONEDX_VEX = "cyclonedx-vex"
    OPENVEX = "openvex"
