"""The catalogue of diagnostic codes: each stable code with its title, default severity, why it
matters and how to fix it. `charter rules` prints it; every Diagnostic names one of these codes."""

from __future__ import annotations

from dataclasses import dataclass

from charter.model.diagnostics import Diagnostic, Location, Severity

AREAS = {
    "SCH": "schema and parse",
    "REF": "references and joins",
    "OWN": "ownership",
    "REL": "reliability mechanisms",
    "SEC": "security",
    "RSK": "risk register",
    "CTL": "controls and compliance",
    "MIG": "migrations",
    "STD": "standards",
    "CAP": "capacity",
    "TGT": "targets",
    "ESC": "escalations",
    "SUP": "suppressions and settings",
    "GIT": "git mining",
    "IMP": "imports",
}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    title: str
    severity: Severity
    rationale: str
    fix: str

    @property
    def area(self) -> str:
        return AREAS[self.code[:3]]


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        # Schema and parse
        Rule(
            "SCH001",
            "YAML syntax error",
            _E,
            "A file that does not parse hides everything it declares from every check.",
            "Fix the YAML (or JSON) at the reported line and column.",
        ),
        Rule(
            "SCH002",
            "Duplicate key",
            _E,
            "YAML parsers disagree on which of two equal keys wins; the strategy must not depend on it.",
            "Remove or rename one of the two keys.",
        ),
        Rule(
            "SCH003",
            "Invalid document",
            _E,
            "A field with the wrong type or a missing required field makes the entity meaningless.",
            "Correct the field named in the message; `charter schema` gives editor completion.",
        ),
        Rule(
            "SCH004",
            "Unknown kind or apiVersion",
            _E,
            "A document Charter cannot classify is silently absent from every report otherwise.",
            "Use a kind Charter reads (see README) or move the file out of the strategy folders.",
        ),
        Rule(
            "SCH005",
            "Unreadable file",
            _E,
            "Files that are not UTF-8 text (or are binary) cannot be read as strategy.",
            "Save the file as UTF-8 text, or remove it from the strategy folders.",
        ),
        Rule(
            "SCH006",
            "Empty file",
            _W,
            "An empty file in a strategy folder is usually a mistake or a leftover.",
            "Add content or delete the file.",
        ),
        Rule(
            "SCH007",
            "File too large",
            _E,
            "Strategy files are small; a huge file is almost always generated output committed by mistake.",
            "Split the file, or move generated data out of the strategy folders.",
        ),
        Rule(
            "SCH008",
            "Unreachable path",
            _E,
            "A symlink loop or a path that cannot be opened stops part of the repository from loading.",
            "Remove the loop or fix the link.",
        ),
        Rule(
            "SCH009",
            "Kind kept without checks",
            _I,
            "Kinds defined by Backstage plugins (Template, Environment, ...) are kept but not checked.",
            "Nothing to do; suppress with `spec.diagnostics: {SCH009: off}` if it is noise.",
        ),
        Rule(
            "SCH010",
            "Not a document mapping",
            _E,
            "Every YAML document in the strategy must be a mapping with apiVersion and kind.",
            "Make the document a mapping, or remove it.",
        ),
        Rule(
            "SCH011",
            "Not a record",
            _I,
            "A Markdown file without the front matter of an incident or decision is not read as one.",
            "Add the front matter if the file is meant to be a record.",
        ),
        Rule(
            "SCH012",
            "Unknown status",
            _W,
            "A decision or record status outside the known set is not understood by any rule.",
            "Use one of: proposed, accepted, rejected, deprecated, superseded.",
        ),
        Rule(
            "SCH013",
            "More than one Organization",
            _E,
            "`charter.yaml` holds the only Organization; a second one makes policies ambiguous.",
            "Keep one Organization document, in charter.yaml.",
        ),
        # References
        Rule(
            "REF001",
            "Dangling reference",
            _E,
            "A reference to an entity that does not exist breaks ownership, dependencies and rollups.",
            "Declare the entity, or correct the reference (`[kind:][namespace/]name`).",
        ),
        Rule(
            "REF002",
            "Duplicate entity",
            _E,
            "Two entities with the same kind, namespace and name: one silently replaces the other.",
            "Rename or remove one of them.",
        ),
        Rule(
            "REF003",
            "Location target not found",
            _E,
            "A Location that points at nothing loads nothing.",
            "Correct the target path, or remove the Location.",
        ),
        Rule(
            "REF004",
            "Location target outside the repository",
            _E,
            "Charter reads only the strategy repository and the roots named in `spec.sources.catalog`.",
            "Add the target's folder to `spec.sources.catalog`, or move the file into the repository.",
        ),
        Rule(
            "REF005",
            "SLO joins no component",
            _W,
            "An SLO that belongs to no component counts for no service's reliability.",
            "Add a `charter.dev/component` label, name its service like a component, or list it in "
            "the component's `charter.dev/slos` annotation.",
        ),
        Rule(
            "REF006",
            "Superseded record missing",
            _E,
            "A decision that supersedes or is superseded by a record that does not exist breaks the trail.",
            "Correct the link or add the missing record.",
        ),
        Rule(
            "REF007",
            "Unknown metric",
            _E,
            "Targets and standards must name metrics from the registry (`charter metrics`).",
            "Use a metric name that `charter metrics` lists.",
        ),
        # Ownership
        Rule(
            "OWN001",
            "No owner",
            _E,
            "Every component, system, resource and API needs an accountable owner.",
            "Set `spec.owner` to a Group (or User).",
        ),
        Rule(
            "OWN002",
            "Critical entity owned by a person",
            _E,
            "Tier-1 and tier-2 systems must be owned by a team, so ownership survives people leaving.",
            "Set `spec.owner` to a Group.",
        ),
        Rule(
            "OWN003",
            "Owner does not resolve",
            _E,
            "An owner that is not an existing Group or User leaves the entity unowned in practice.",
            "Declare the group, or correct `spec.owner`.",
        ),
        # Reliability mechanisms
        Rule(
            "REL001",
            "Tier-1 service without SLO",
            _E,
            "A tier-1 service without an SLO has no agreed definition of working.",
            "Add an SLO (OpenSLO, Sloth or Pyrra) that joins this component.",
        ),
        Rule(
            "REL002",
            "Tier-1 service without on-call",
            _E,
            "Nobody is paged when a tier-1 service breaks.",
            "Add the `charter.dev/on-call` annotation naming the rotation or schedule.",
        ),
        Rule(
            "REL003",
            "Tier-1 service without runbook",
            _W,
            "The person paged at night needs written steps.",
            "Add the `charter.dev/runbook` annotation with the runbook's path or URL.",
        ),
        # Error budgets (`charter slo status`)
        Rule(
            "REL020",
            "Error budget exhausted",
            _W,
            "An SLO past its error budget means users get less than was promised; the error budget policy "
            "says what happens next.",
            "Follow `policies.errorBudget.exhausted`: freeze risky changes to the component until the budget recovers.",
        ),
        Rule(
            "REL021",
            "Incident used more than the policy's share of the error budget",
            _W,
            "One incident that takes a large share of the budget needs its lessons written down and acted on.",
            "Write the postmortem and give it a P0 action item (`policies.errorBudget.incidentShare`).",
        ),
        Rule(
            "REL022",
            "Gap in SLI data",
            _I,
            "Minutes without samples count neither as good nor as bad: the attainment covers less than the window.",
            "Import the missing minutes (`charter import sli`) or check the metrics pipeline.",
        ),
        Rule(
            "REL023",
            "SLO without SLI data",
            _W,
            "Without data in its window, an SLO's error budget is unknown.",
            "Import SLI counts with `charter import sli`, or configure `spec.sources.prometheus`.",
        ),
        Rule(
            "REL024",
            "Error budget burning at alert rate",
            _W,
            "Both windows of a burn-rate alert are above its factor: at this rate the budget runs out early.",
            "Look at the SLO's recent errors; the page tier means act now, the ticket tier within days.",
        ),
        # Prometheus rules from SLOs (`charter slo rules`)
        Rule(
            "REL010",
            "SLO without a Prometheus SLI",
            _I,
            "Charter writes Prometheus rules only for SLIs measured by Prometheus; this SLO gets none.",
            "Measure the SLI with a Prometheus query (OpenSLO `metricSource.type: Prometheus`), or alert on it "
            "with the tool that holds its data.",
        ),
        Rule(
            "REL011",
            "SLI query without {{.window}}",
            _E,
            "Without the window placeholder every alert window would measure the same range, so the "
            "multi-window alerts would be meaningless.",
            "Write the range of the query as `[{{.window}}]`, as Sloth requires: "
            '`sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`.',
        ),
        Rule(
            "REL012",
            "SLO objective leaves no error budget",
            _E,
            "An objective of 100% or more has no error budget, so every error would page.",
            "Set an objective below 100% (e.g. 99.9).",
        ),
        Rule(
            "REL013",
            "SLI kind Charter cannot write rules for",
            _E,
            "The indicator has no query Charter can turn into PromQL (a Sloth plugin SLI, or a metric "
            "source without `query`).",
            "Write the SLI as events or raw queries (Sloth) or give the metric source a PromQL `query`.",
        ),
        Rule(
            "REL014",
            "Unknown template in SLI query",
            _E,
            "Only `{{.window}}` is substituted; any other template would reach Prometheus as text.",
            "Remove the template, or write `{{.window}}` for the range.",
        ),
        Rule(
            "REL015",
            "SLO period shorter than its alert windows",
            _E,
            "A burn-rate alert whose long window exceeds the SLO period measures more than the period.",
            "Lengthen the SLO window, or use the `pyrra` window set (`charter.dev/alert-windows: pyrra`), "
            "whose windows scale with the period.",
        ),
        Rule(
            "REL016",
            "Unknown alert window set",
            _E,
            "The `charter.dev/alert-windows` annotation names a window set Charter does not have.",
            "Write `sloth` or `pyrra`, or remove the annotation to use `policies.sloAlertWindows`.",
        ),
        Rule(
            "REL017",
            "Pyrra metric is not a series selector",
            _E,
            "Pyrra metrics are series selectors that Charter wraps in rate(); an expression cannot be wrapped.",
            'Write the metric as `name{label="value"}`; a latency success metric also needs its `le` label.',
        ),
        Rule(
            "REL004",
            "SLO tighter than its dependencies allow",
            _W,
            "A service cannot be more available than the product of the SLOs of what it depends on; "
            "the objective will be missed by arithmetic, not by accident.",
            "Lower the objective, raise the dependencies' SLOs, or remove the hard dependency "
            "(caching, fallbacks, asynchronous calls).",
        ),
        Rule(
            "REL005",
            "SEV1/SEV2 without postmortem past policy",
            _E,
            "A major incident nobody wrote up teaches nothing; `policies.postmortemWithinDays` says when it is due.",
            "Write the postmortem and set `postmortem: {status: published, date: ...}` in its front matter.",
        ),
        Rule(
            "REL006",
            "Action item overdue",
            _W,
            "An open action item past its due date is a known risk left in place.",
            "Close the action item, or agree a new due date with its owner.",
        ),
        Rule(
            "REL007",
            "Repeated incidents on a service",
            _W,
            "The same failure of the same service within `policies.repeatIncidentWindowDays` means the "
            "first postmortem's actions did not prevent it.",
            "Fund the prevent action items of the earlier incident, and review why they did not hold.",
        ),
        Rule(
            "REL008",
            "Incident names an unknown service",
            _W,
            "An incident on a service the catalog does not have counts for no team's reliability.",
            "Name the service like a component, or add the component to the catalog.",
        ),
        Rule(
            "REL009",
            "Action item without owner",
            _W,
            "An open action item nobody owns will not be done.",
            "Set `owner` on the action item to a Group or User.",
        ),
        # Security (from store facts; reported by `charter security`)
        Rule(
            "SEC001",
            "Known-exploited vulnerability on an internet-facing tier-1 component",
            _E,
            "A CVE in CISA's KEV catalog is being exploited now; on a critical service open to the internet it "
            "is the first thing an attacker tries.",
            "Patch or mitigate it now; if that cannot be done, record an accepted decision naming `finding:CVE-...` "
            "with an expiry.",
        ),
        Rule(
            "SEC002",
            "Critical or high finding past its remediation SLA",
            _E,
            "Critical and high findings past `policies.remediationSlaDays` are the backlog auditors and attackers "
            "both look at.",
            "Fix the finding, or record an accepted decision (or a risk with treatment accept) that names it.",
        ),
        Rule(
            "SEC003",
            "Access-control gap on a tier-1 repository",
            _E,
            "Branch protection, code review and token permissions decide who can change what tier-1 services run.",
            "Raise the Scorecard check to `policies.scorecardMinimum`, then import the new result.",
        ),
        Rule(
            "SEC004",
            "CVSS vector does not parse",
            _W,
            "Without a vector Charter cannot tell whether exploitation is automatable; SSVC assumes it is not.",
            "Fix the scanner's output, or report the vector to the scanner's maintainers.",
        ),
        Rule(
            "SEC005",
            "Finding exception expired",
            _W,
            "An accepted decision or risk acceptance that named the finding has expired; the finding counts again.",
            "Fix the finding, or renew the decision's `expires` (or the risk's `reviewBy`).",
        ),
        # Risk register
        Rule(
            "RSK001",
            "Risk without owner",
            _E,
            "A risk nobody owns is a risk nobody manages.",
            "Set `spec.owner` to a Group or User.",
        ),
        Rule(
            "RSK002",
            "Risk without treatment",
            _E,
            "Every risk needs a decision: mitigate, accept, transfer or avoid.",
            "Set `spec.treatment`.",
        ),
        Rule(
            "RSK003",
            "Risk without review date",
            _E,
            "Risks change; a register without review dates goes stale unnoticed.",
            "Set `spec.reviewBy`.",
        ),
        Rule(
            "RSK004",
            "Risk review overdue",
            _W,
            "The review date has passed without the risk being reviewed.",
            "Review the risk and move `spec.reviewBy` forward.",
        ),
        Rule(
            "RSK005",
            "Risk above appetite without acceptance or funded mitigation",
            _E,
            "Its current residual level exceeds the category's appetite, and neither an accepted, "
            "unexpired decision names it nor a mitigating initiative is committed before its review date.",
            "Commit a mitigating initiative to a quarter ending before `reviewBy`, or record an "
            "accepted decision that names the risk.",
        ),
        Rule(
            "RSK006",
            "No appetite for the risk's category",
            _W,
            "Without an appetite, no one can say whether the risk is acceptable.",
            "Add the category to `spec.riskAppetite` in charter.yaml.",
        ),
        # Controls and compliance
        Rule(
            "CTL001",
            "Compliance obligation without control set",
            _E,
            "An obligation listed in `spec.compliance` with no ControlSet has no requirement implemented or evidenced.",
            "Add a ControlSet under controls/ whose `spec.obligation` names the obligation.",
        ),
        Rule(
            "CTL002",
            "Required control without implementation",
            _E,
            "A requirement of an obligation the company must meet is only planned, or has no implementation "
            "statement at all (it is in the obligation's OSCAL profile but not in the ControlSet).",
            "Implement the control and set its status, owner and evidence, or mark it not-applicable with a reason.",
        ),
        Rule(
            "CTL003",
            "OSCAL source unusable",
            _E,
            "The OSCAL profile or catalog a ControlSet names cannot be read or resolved, so its requirement "
            "list is unknown.",
            "Fix the file at the reported JSON path, or point `spec.oscal` at a local JSON or YAML catalog or profile.",
        ),
        # Migrations
        Rule(
            "MIG001",
            "Migration without rollback plan",
            _E,
            "A migration with no way back turns every surprise into an outage.",
            "Set `spec.migration.rollbackPlan` to a document in the repository.",
        ),
        Rule(
            "MIG002",
            "Migration without success criteria",
            _E,
            "Without success criteria nobody can say when the migration is done.",
            "List measurable `spec.migration.successCriteria`.",
        ),
        Rule(
            "MIG003",
            "Migration without observability",
            _E,
            "A migration must be watched: name the SLOs, dashboards or documents that show its effect.",
            "List `spec.migration.observability` entries (`slo:NAME`, a repo path or a URL).",
        ),
        Rule(
            "MIG004",
            "Migration names something that does not exist",
            _E,
            "A rollback plan or observability entry that points at nothing gives false assurance.",
            "Create the file or SLO, or correct the entry.",
        ),
        # Standards and targets
        Rule(
            "STD001",
            "Unknown standard check",
            _E,
            "A rule whose check Charter does not know can never pass or fail.",
            "Use a check that `charter rules --checks` lists.",
        ),
        Rule(
            "STD002",
            "Rule level not declared",
            _E,
            "A rule's level must be one of the standard's `levels`.",
            "Add the level to `spec.levels` or correct the rule.",
        ),
        Rule(
            "STD003",
            "Invalid check arguments",
            _E,
            "The check's `with` block is missing a required argument or has a wrong one.",
            "Give the arguments the check documents.",
        ),
        Rule(
            "CAP001",
            "Capacity names an unknown team",
            _E,
            "Capacity for a team that does not exist cannot be planned against.",
            "Use the name of a declared Group.",
        ),
        Rule(
            "TGT001",
            "Target with an invalid value",
            _E,
            "A target value must be in the metric's unit (a duration, a ratio or a number).",
            "Write the value in the metric's unit, e.g. `1d`, `0.15`, `3`.",
        ),
        # Suppressions and settings
        Rule(
            "SUP001",
            "Suppression without reason",
            _W,
            "Every suppression must say why, so the next reader can judge whether it still holds.",
            'Add a reason after the codes (`charter.dev/ignore: "OWN002: vendor-owned, ADR-0012"`).',
        ),
        Rule(
            "SUP002",
            "Suppression expired",
            _W,
            "A suppression past its `until` date no longer applies.",
            "Fix the finding, or renew the suppression with a new date and reason.",
        ),
        Rule(
            "SUP003",
            "Unknown diagnostic code in settings",
            _W,
            "A setting that names a code Charter does not have does nothing.",
            "Use a code from `charter rules`.",
        ),
        # Git mining (`charter sync`)
        Rule(
            "GIT001",
            "Not a git repository",
            _E,
            "A path under `sources.git.roots` or a mapped repository that git cannot open is not mined.",
            "Point `sources.git.roots` at folders of clones, or clone the repository there.",
        ),
        Rule(
            "GIT002",
            "Shallow clone",
            _E,
            "A shallow clone lacks the history lead time and ancestry need; its numbers would be wrong.",
            "Run `git fetch --unshallow` in the clone, or clone it without `--depth`.",
        ),
        Rule(
            "GIT003",
            "Git cannot read the repository",
            _E,
            "A corrupt object or unreadable repository stops its mining; nothing of it is written.",
            "Run `git fsck` in the clone and re-clone it if objects are missing.",
        ),
        Rule(
            "GIT004",
            "Component repository not found",
            _W,
            "A component mapped to a repository that is not among the clones has no delivery or code health data.",
            "Clone the repository under a `sources.git.roots` folder, or fix the `charter.dev/repo` annotation.",
        ),
        Rule(
            "GIT005",
            "Release tag pattern matches no tag",
            _W,
            "A `charter.dev/release-tags` pattern that matches nothing yields no deployments for the component.",
            "Fix the pattern (a Python regular expression matching the whole tag name), or tag releases.",
        ),
        Rule(
            "GIT006",
            "Invalid release tag pattern",
            _E,
            "A `charter.dev/release-tags` value that is not a regular expression cannot find releases.",
            "Write a Python regular expression, such as `v\\d+\\.\\d+\\.\\d+`.",
        ),
        Rule(
            "GIT007",
            "History rewritten",
            _I,
            "A force-push removed commits that were mined; the repository was mined again from the start.",
            "Nothing to do; protect the branch against force-pushes if this was not intended.",
        ),
        Rule(
            "GIT008",
            "Fetch failed",
            _W,
            "`charter sync --fetch` could not update a clone; what it already had was mined.",
            "Check the clone's remote and credentials, then run `git fetch` in it.",
        ),
        Rule(
            "GIT009",
            "Release tags on one commit",
            _I,
            "A commit is deployed once: a second tag on it (`rel-4.0.0` and `4.0.0`) is not another deployment.",
            "Nothing to do; narrow `charter.dev/release-tags` to one naming scheme to keep the note away.",
        ),
        # Imports (`charter import`)
        Rule(
            "IMP001",
            "Import file unreadable",
            _E,
            "A file that cannot be read or parsed is not imported; nothing of it is written.",
            "Check the path and the file's format (JSON, JSONL or CSV as documented).",
        ),
        Rule(
            "IMP002",
            "Bad record in import file",
            _E,
            "One bad record stops the whole file, so that an import is never half applied.",
            "Fix the record at the reported line (or JSON path) and import the file again.",
        ),
        Rule(
            "IMP003",
            "Unknown import format",
            _E,
            "Charter could not tell which tool wrote the file.",
            "Pass `--input-format` with one of the formats the command lists.",
        ),
        Rule(
            "IMP004",
            "Record names an unknown component",
            _W,
            "A record for a component the catalog does not have cannot be counted for any owner.",
            "Add the component to the catalog, or fix the component name in the source.",
        ),
        # SLI data (`charter import sli`, the Prometheus source)
        Rule(
            "IMP005",
            "Deployment time without a zone",
            _W,
            "A time without a zone names a different moment in every zone; it is read as UTC, which may be hours off.",
            "Write times with `Z` or an offset (2026-10-01T14:30:00Z), or confirm the pipeline writes UTC.",
        ),
        Rule(
            "IMP006",
            "Deployment status read by a rule",
            _W,
            "A status word outside success, failure, in_progress and cancelled (`ok`, `succeeded`) is read by a "
            "fixed table; a word that meant something else would miscount deployments.",
            "Write one of success, failure, in_progress, cancelled, or check the word was read as intended.",
        ),
        Rule(
            "IMP010",
            "SLI file lacks a required column",
            _E,
            "Without `slo`, `timestamp`, `good` and `total` the samples cannot be counted.",
            "Start the file with the header row `slo,timestamp,good,total`.",
        ),
        Rule(
            "IMP011",
            "SLI data for an unknown SLO",
            _W,
            "Samples for a name no SLO has are stored but appear in no status until an SLO of that name exists.",
            "Use the SLO's name as Charter loads it (Sloth: `<service>-<slo>`; `charter slo status` lists them).",
        ),
        Rule(
            "IMP012",
            "Bad SLI sample",
            _E,
            "A count that is missing, negative or larger than the total would corrupt the error budget.",
            "Fix the line: a time, and counts with 0 <= good <= total.",
        ),
        Rule(
            "IMP013",
            "SLI timestamp without a zone",
            _E,
            "A time without a zone names a different minute in every time zone.",
            "Add the zone (`Z` for UTC, or an offset such as +02:00), or write Unix seconds.",
        ),
        Rule(
            "IMP014",
            "Prometheus unreachable",
            _E,
            "SLI data cannot be pulled from a server that does not answer; nothing is written.",
            "Check `spec.sources.prometheus.url`, the network, and the CA file.",
        ),
        Rule(
            "IMP015",
            "Prometheus answered an error",
            _E,
            "A query the server refuses (bad PromQL, authentication, tenant) gives no SLI data; nothing is written.",
            "Read the server's answer in the message: fix the SLO's query, or the credentials "
            "(CHARTER_PROMETHEUS_TOKEN, or CHARTER_PROMETHEUS_USER and CHARTER_PROMETHEUS_PASSWORD).",
        ),
        Rule(
            "IMP016",
            "SLO without a Prometheus query Charter can pull",
            _I,
            "Only ratio SLIs with good or bad and total PromQL queries give per-minute counts.",
            "Import its SLI data as CSV with `charter import sli`, or give it event queries.",
        ),
        Rule(
            "IMP017",
            "Prometheus source not configured",
            _E,
            "Pulling SLI data needs the server's URL.",
            "Set `spec.sources.prometheus.url` in charter.yaml.",
        ),
        # Imports of scanner findings (`charter import findings`)
        Rule(
            "IMP018",
            "Prometheus query given up",
            _W,
            "A query that kept timing out, or being answered 429 or 5xx, after its retries leaves its SLO's SLI data "
            "as it was; the other SLOs are still pulled.",
            "Raise `spec.sources.prometheus.timeoutSeconds`, make the query cheaper (a recording rule), or pull again "
            "when the server is less loaded.",
        ),
        Rule(
            "IMP030",
            "Unknown scanner format",
            _E,
            "Charter could not tell which scanner wrote the file, so it cannot read its findings.",
            "Pass `--input-format` (sarif, trivy, grype, pip-audit, npm-audit, osv, cyclonedx, cyclonedx-vex, "
            "openvex), or export the scan in one of these formats.",
        ),
        Rule(
            "IMP031",
            "SARIF of another version",
            _E,
            "Only SARIF 2.1.0 is read; older drafts name and nest results differently.",
            "Have the tool write SARIF 2.1.0 (most do with `--format sarif`), or convert the file.",
        ),
        Rule(
            "IMP032",
            "Truncated or invalid JSON",
            _E,
            "A scan cut short (a full disk, a killed job) would silently close every finding it lacks.",
            "Run the scanner again and import the complete file.",
        ),
        Rule(
            "IMP033",
            "Scanner field of the wrong type",
            _E,
            "A field that does not have the type the scanner's format defines cannot be read safely.",
            "Correct the field at the JSON path shown, or re-run the scanner; do not edit scanner output by hand.",
        ),
        Rule(
            "IMP034",
            "CVSS vector does not parse",
            _E,
            "Priority (SSVC's automatable and technical impact) is read from the CVSS vector.",
            "Give the vector as CVSS writes it: `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`, v2 or v4.0.",
        ),
        Rule(
            "IMP035",
            "Findings mapped to no component",
            _W,
            "A finding on no component has no owner and no tier: it counts in no team's numbers.",
            "Annotate the component with `charter.dev/images` (image globs), `charter.dev/purl` or "
            "`charter.dev/repo`, or pass `--component` or `--repo-name` on import.",
        ),
        Rule(
            "IMP036",
            "Scan older than one already imported",
            _I,
            "An older scan of the same scanner and target adds first sightings but closes nothing.",
            "Nothing to do; import scans in the order they ran to see closures.",
        ),
        Rule(
            "IMP020",
            "Incident service matches no component",
            _W,
            "An imported incident on a service no component claims counts for no team; it is imported anyway.",
            "Name the component like the service, or annotate it with `pagerduty.com/service-id`, "
            "`opsgenie.com/component-selector` or `charter.dev/incident-service`.",
        ),
        Rule(
            "IMP021",
            "Unknown incident severity",
            _E,
            "A severity, priority or urgency Charter cannot map to SEV1..SEV5 would miscount every "
            "severity-based number.",
            "Map it in charter.yaml: `spec.sources.incidents.severityMap: {NAME: SEV2}`.",
        ),
        Rule(
            "IMP022",
            "Unknown incident state",
            _E,
            "An incident state Charter does not know cannot be told open or resolved.",
            "Export the incidents as the tool writes them, or correct the status column.",
        ),
        Rule(
            "IMP023",
            "Incident time without a time zone",
            _E,
            "Incident tools write times with a zone; a time without one would be off by hours in MTTA and MTTR.",
            "Export times in ISO 8601 with `Z` or an offset (2024-05-01T14:30:00Z).",
        ),
        # Imports of security facts (`charter import kev|epss|scorecard`)
        Rule(
            "IMP040",
            "KEV file in an unknown shape",
            _E,
            "A file that is neither CISA's KEV catalog nor a list of its entries cannot say what is exploited.",
            "Import the catalog as CISA publishes it (known_exploited_vulnerabilities.json), or a JSON array of "
            "its `vulnerabilities` entries.",
        ),
        Rule(
            "IMP041",
            "EPSS file in an unknown shape",
            _E,
            "Without the `cve,epss` header the scores cannot be told apart from other numbers.",
            "Import the CSV as FIRST publishes it (epss_scores-YYYY-MM-DD.csv or .csv.gz), with its header row.",
        ),
        Rule(
            "IMP042",
            "Scorecard file in an unknown shape",
            _E,
            "A file that is not an OpenSSF Scorecard JSON result has no checks to compare with the policy.",
            "Write the result with `scorecard --repo=... --format=json` and import that file.",
        ),
        Rule(
            "IMP043",
            "Scorecard result for a repository no component names",
            _W,
            "Gaps of a repository that no component maps to have no owner and count for no one.",
            "Set `charter.dev/repo` (or `backstage.io/source-location`) on the components built from it.",
        ),
        Rule(
            "IMP044",
            "EPSS file without a score date",
            _I,
            "Scores without a date cannot be told fresh from stale.",
            "Keep FIRST's first line (`#model_version:...,score_date:...`) in the file.",
        ),
    )
}


def rule(code: str) -> Rule:
    return RULES[code]


def diagnostic(
    code: str,
    message: str,
    location: Location | None = None,
    *,
    entity: str | None = None,
    hint: str | None = None,
) -> Diagnostic:
    """A diagnostic with the code's default severity; the hint defaults to the code's fix."""
    found = RULES[code]
    return Diagnostic(code, found.severity, message, location, entity, found.fix if hint is None else hint)
