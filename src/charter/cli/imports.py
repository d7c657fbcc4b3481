"""`charter import`: the command group that brings facts in from files (and SLI counts from
Prometheus). Each command lives in its own module; this one only assembles the group."""

from __future__ import annotations

import typer

from charter.cli import import_delivery, import_findings, import_incidents, import_security, import_sli

import_app = typer.Typer(
    name="import",
    help="Bring facts in from files, each file in its own transaction: deployments, pulls (GitHub pull "
    "requests), incidents (PagerDuty, Opsgenie, incident.io), kev (CISA known exploited vulnerabilities), "
    "epss (exploit prediction scores), scorecard (OpenSSF Scorecard results), findings (scanner results "
    "and VEX) and sli (SLI counts, or pulled from Prometheus).",
    no_args_is_help=True,
)

import_app.command("deployments")(import_delivery.deployments_command)
import_app.command("pulls")(import_delivery.pulls_command)
import_app.command("incidents")(import_incidents.incidents_command)
import_app.command("kev")(import_security.kev_command)
import_app.command("epss")(import_security.epss_command)
import_app.command("scorecard")(import_security.scorecard_command)
import_app.command("findings")(import_findings.findings_command)
import_app.command("sli")(import_sli.sli_command)
