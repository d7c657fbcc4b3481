"""Backstage catalog entities, as Backstage defines them: Component, API, Resource, System,
Domain, Group, User, Location, and the kinds of plugins (kept as they are)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from charter.model.base import Metadata, OpenModel
from charter.model.diagnostics import Location
from charter.model.refs import EntityRef, ref_of

BACKSTAGE_API_VERSIONS = ("backstage.io/v1alpha1", "backstage.io/v1beta1")

TIER_ANNOTATION = "charter.dev/tier"
ON_CALL_ANNOTATION = "charter.dev/on-call"
RUNBOOK_ANNOTATION = "charter.dev/runbook"
INTERNET_FACING_ANNOTATION = "charter.dev/internet-facing"
SLOS_ANNOTATION = "charter.dev/slos"
IGNORE_ANNOTATION = "charter.dev/ignore"
COMPONENT_LABEL = "charter.dev/component"
REPO_ANNOTATION = "charter.dev/repo"
REPO_PATH_ANNOTATION = "charter.dev/path"
RELEASE_TAGS_ANNOTATION = "charter.dev/release-tags"
SOURCE_LOCATION_ANNOTATION = "backstage.io/source-location"

# Every `charter.dev/*` annotation (or label) Charter reads, with what it means: the user reference
# (docs/reference.md) lists them, and a test fails when the code reads one this does not name.
ANNOTATIONS: dict[str, str] = {
    TIER_ANNOTATION: "The component's criticality tier, a number (`1`, `tier-1`); tiers in `policies.criticalTiers` "
    "need an owner, on-call and runbook.",
    ON_CALL_ANNOTATION: "Where the component's on-call rota lives (a URL or a schedule name).",
    RUNBOOK_ANNOTATION: "The component's runbook (a URL or a path).",
    INTERNET_FACING_ANNOTATION: "`true` when the component is reachable from the internet: its findings' SSVC "
    "exposure is open, and known exploited vulnerabilities on it are reported.",
    "charter.dev/exposure": "SSVC exposure when `charter.dev/internet-facing` is absent: `small`, `controlled` "
    "(default) or `open`.",
    SLOS_ANNOTATION: "The SLOs the component has, comma-separated names.",
    IGNORE_ANNOTATION: "Codes not reported on this entity, each with a reason after it "
    '(`"OWN002: vendor-owned, ADR-0012"`).',
    COMPONENT_LABEL: "On an SLO (label or annotation): the component it belongs to, when its service is not named "
    "after it.",
    REPO_ANNOTATION: "The git repository (clone directory name under `spec.sources.git.roots`) the component is "
    "built from.",
    REPO_PATH_ANNOTATION: "The folder of the repository the component lives in (a monorepo).",
    RELEASE_TAGS_ANNOTATION: "A regular expression for the release tags that count as the component's deployments.",
    "charter.dev/images": "Container image globs (`registry.example/app:*, other`) that map scan targets to the "
    "component.",
    "charter.dev/purl": "Package URL prefixes that map findings to the component.",
    "charter.dev/incident-service": "The component's service names in incident tools, comma-separated.",
    "charter.dev/alert-windows": "On an SLO: the burn-rate window set of its alerts, `sloth` or `pyrra` (default: "
    "`policies.sloAlertWindows`).",
    "charter.dev/absent-alert": "On an SLO (annotation or label): `false` turns its absent-series alert off.",
}


class ComponentSpec(OpenModel):
    type: str
    lifecycle: str
    owner: str | None = None
    system: str | None = None
    subcomponent_of: str | None = None
    provides_apis: list[str] = Field(default_factory=list)
    consumes_apis: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    dependency_of: list[str] = Field(default_factory=list)


class ApiSpec(OpenModel):
    type: str
    lifecycle: str
    owner: str | None = None
    system: str | None = None
    definition: Any = None


class ResourceSpec(OpenModel):
    type: str
    owner: str | None = None
    system: str | None = None
    depends_on: list[str] = Field(default_factory=list)
    dependency_of: list[str] = Field(default_factory=list)


class SystemSpec(OpenModel):
    owner: str | None = None
    domain: str | None = None
    type: str | None = None


class DomainSpec(OpenModel):
    owner: str | None = None
    subdomain_of: str | None = None
    type: str | None = None


class GroupProfile(OpenModel):
    display_name: str | None = None
    email: str | None = None
    picture: str | None = None


class GroupSpec(OpenModel):
    type: str
    profile: GroupProfile | None = None
    parent: str | None = None
    children: list[str]
    members: list[str] = Field(default_factory=list)


class UserSpec(OpenModel):
    profile: GroupProfile | None = None
    member_of: list[str]


class LocationSpec(OpenModel):
    type: str | None = None
    target: str | None = None
    targets: list[str] = Field(default_factory=list)
    presence: str | None = None


OWNED_KINDS = frozenset({"component", "api", "resource", "system", "domain"})


class CatalogEntity(OpenModel):
    """One Backstage entity. `spec` is the kind's typed spec for the built-in kinds, or the raw
    mapping for kinds that plugins define (Template, Environment, ...)."""

    api_version: str
    kind: str
    metadata: Metadata
    spec: Any = None
    location: SkipJsonSchema[Location | None] = Field(default=None, exclude=True)

    @cached_property
    def ref(self) -> EntityRef:
        return ref_of(self.kind, self.metadata.name, self.metadata.namespace)

    @property
    def annotations(self) -> dict[str, str]:
        return self.metadata.annotations

    @cached_property  # read for every component by every target's selection and Standard
    def tier(self) -> int | None:
        """The `charter.dev/tier` annotation (or label) as a number; None when absent or not one."""
        raw = self.metadata.annotations.get(TIER_ANNOTATION) or self.metadata.labels.get(TIER_ANNOTATION)
        if raw is None:
            return None
        text = str(raw).strip().lower().removeprefix("tier").removeprefix("-").strip()
        return int(text) if text.isdigit() else None

    @property
    def owner(self) -> str | None:
        owner = getattr(self.spec, "owner", None)
        return owner if isinstance(owner, str) and owner.strip() else None

    @property
    def spec_type(self) -> str | None:
        value = getattr(self.spec, "type", None)
        return value if isinstance(value, str) else None

    @property
    def lifecycle(self) -> str | None:
        value = getattr(self.spec, "lifecycle", None)
        return value if isinstance(value, str) else None


class ComponentEntity(CatalogEntity):
    spec: ComponentSpec


class ApiEntity(CatalogEntity):
    spec: ApiSpec


class ResourceEntity(CatalogEntity):
    spec: ResourceSpec


class SystemEntity(CatalogEntity):
    spec: SystemSpec


class DomainEntity(CatalogEntity):
    spec: DomainSpec


class GroupEntity(CatalogEntity):
    spec: GroupSpec


class UserEntity(CatalogEntity):
    spec: UserSpec


class LocationEntity(CatalogEntity):
    spec: LocationSpec


# Backstage's built-in kinds, each validated with its typed spec in one pass.
ENTITY_TYPES: dict[str, type[CatalogEntity]] = {
    "component": ComponentEntity,
    "api": ApiEntity,
    "resource": ResourceEntity,
    "system": SystemEntity,
    "domain": DomainEntity,
    "group": GroupEntity,
    "user": UserEntity,
    "location": LocationEntity,
}
