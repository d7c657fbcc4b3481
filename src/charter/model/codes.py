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
