"""The Estate: everything the strategy repository declares, indexed by reference, with Backstage's
well-known relations derived both ways. Built once per load; analysis reads it, never changes it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from charter.model.catalog import SLOS_ANNOTATION, CatalogEntity
from charter.model.codes import Codes, Rule
from charter.model.decision import Decision
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.incident import Incident
from charter.model.inputs import LoadInputs
from charter.model.kinds import Capacity, CharterEntity, ControlSet, Initiative, Risk, Standard
from charter.model.organization import Organization
from charter.model.radar import RadarEntry
from charter.model.refs import EntityRef, ReferenceError_, parse_ref
from charter.model.slo import Slo

# REF001 is found here, where references are resolved; the loader and the governance checks report it.
CODES = Codes(
    Rule(
        "REF001",
        "Dangling reference",
        Severity.ERROR,
        rationale="A reference to an entity that does not exist breaks ownership, dependencies and rollups.",
        fix="Declare the entity, or correct the reference (`[kind:][namespace/]name`).",
        example="""\
# catalog/payments.yaml
spec:
  type: service
  owner: payments
  dependsOn: [resource:orders-db]   # no Resource orders-db is declared
""",
    ),
)


Entity = CatalogEntity | CharterEntity
E = TypeVar("E", bound=CharterEntity)

# relation type -> its inverse, as Backstage names them.
INVERSE_RELATIONS = {
    "ownedBy": "ownerOf",
    "ownerOf": "ownedBy",
    "dependsOn": "dependencyOf",
    "dependencyOf": "dependsOn",
    "providesApi": "apiProvidedBy",
    "apiProvidedBy": "providesApi",
    "consumesApi": "apiConsumedBy",
    "apiConsumedBy": "consumesApi",
    "partOf": "hasPart",
    "hasPart": "partOf",
    "memberOf": "hasMember",
    "hasMember": "memberOf",
    "childOf": "parentOf",
    "parentOf": "childOf",
}


class ReferenceField(NamedTuple):
    """One reference an entity makes: the relation it creates, the default kind of its target,
    where it is written (pointer into the document), and which kinds it may point at. A named
    tuple: an estate makes one per reference (50,000 in the large demo), and a tuple is made in a
    fraction of a frozen dataclass's time."""

    relation: str | None
    target: str
    default_kind: str | None
    pointer: tuple[str | int, ...]
    allowed_kinds: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Dangling:
    """A reference that does not resolve: its source entity, the field, and why."""

    source: EntityRef
    field: ReferenceField
    reason: str
    location: Location | None


_GROUP_OR_USER = frozenset({"group", "user"})


def _many(
    values: Iterable[str] | None,
    relation: str | None,
    default_kind: str | None,
    pointer: tuple[str | int, ...],
    allowed: frozenset[str] | None = None,
) -> Iterator[ReferenceField]:
    for index, value in enumerate(values or ()):
        yield ReferenceField(relation, value, default_kind, (*pointer, index), allowed)


def _one(
    value: str | None,
    relation: str | None,
    default_kind: str | None,
    pointer: tuple[str | int, ...],
    allowed: frozenset[str] | None = None,
) -> Iterator[ReferenceField]:
    if value:
        yield ReferenceField(relation, value, default_kind, pointer, allowed)


def reference_fields(entity: Entity) -> Iterator[ReferenceField]:
    """Every reference an entity makes, with its relation and default kind (Backstage's rules for
    the catalog kinds; Charter's for its own)."""
    kind = entity.kind.lower()
    if isinstance(entity, CatalogEntity):
        spec = entity.spec
        owner = getattr(spec, "owner", None)
        if kind in ("component", "api", "resource", "system", "domain"):
            yield from _one(owner, "ownedBy", "group", ("spec", "owner"), _GROUP_OR_USER)
        if kind in ("component", "api", "resource"):
            yield from _one(getattr(spec, "system", None), "partOf", "system", ("spec", "system"))
        if kind == "component":
            yield from _one(spec.subcomponent_of, "partOf", "component", ("spec", "subcomponentOf"))
            yield from _many(spec.provides_apis, "providesApi", "api", ("spec", "providesApis"))
            yield from _many(spec.consumes_apis, "consumesApi", "api", ("spec", "consumesApis"))
        if kind in ("component", "resource"):
            yield from _many(spec.depends_on, "dependsOn", None, ("spec", "dependsOn"))
            yield from _many(spec.dependency_of, "dependencyOf", None, ("spec", "dependencyOf"))
        if kind == "system":
            yield from _one(spec.domain, "partOf", "domain", ("spec", "domain"))
        if kind == "domain":
            yield from _one(spec.subdomain_of, "partOf", "domain", ("spec", "subdomainOf"))
        if kind == "group":
            yield from _one(spec.parent, "childOf", "group", ("spec", "parent"))
            yield from _many(spec.children, "parentOf", "group", ("spec", "children"))
            yield from _many(spec.members, "hasMember", "user", ("spec", "members"))
        if kind == "user":
            yield from _many(spec.member_of, "memberOf", "group", ("spec", "memberOf"))
        return
    if isinstance(entity, Risk):
        yield from _one(entity.spec.owner, "ownedBy", "group", ("spec", "owner"), _GROUP_OR_USER)
        yield from _many(entity.spec.affects, None, "component", ("spec", "affects"))
        yield from _many(entity.spec.mitigated_by, None, "initiative", ("spec", "mitigatedBy"))
    elif isinstance(entity, Initiative):
        yield from _one(entity.spec.owner, "ownedBy", "group", ("spec", "owner"), _GROUP_OR_USER)
        yield from _many(entity.spec.depends_on, None, "initiative", ("spec", "dependsOn"))
        yield from _many(entity.spec.mitigates, None, "risk", ("spec", "mitigates"))
    elif isinstance(entity, ControlSet):
        yield from _one(entity.spec.owner, "ownedBy", "group", ("spec", "owner"), _GROUP_OR_USER)
        for index, requirement in enumerate(entity.spec.requirements):
            pointer = ("spec", "requirements", index)
            yield from _one(requirement.owner, None, "group", (*pointer, "owner"), _GROUP_OR_USER)
            yield from _many(requirement.mitigates, None, "risk", (*pointer, "mitigates"))


@dataclass
class Estate:
    """The strategy as loaded: entities by reference, SLOs, decisions, incidents, radar, and the
    diagnostics the loader found. Construct with `Estate.build`."""

    root: str
    organization: Organization | None
    entities: dict[EntityRef, Entity]
    slos: dict[str, Slo] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    incidents: list[Incident] = field(default_factory=list)
    radar: list[RadarEntry] = field(default_factory=list)
    load_diagnostics: list[Diagnostic] = field(default_factory=list)
    relations: dict[EntityRef, dict[str, set[EntityRef]]] = field(default_factory=dict)
    dangling: list[Dangling] = field(default_factory=list)
    slo_components: dict[str, EntityRef] = field(default_factory=dict)
    component_slos: dict[EntityRef, list[str]] = field(default_factory=dict)
    commit: str | None = None
    inputs: LoadInputs | None = None  # what the loader read, for reusing results of unchanged inputs
    _by_class: dict[type, list[CharterEntity]] = field(default_factory=dict, repr=False)
    _components: list[tuple[EntityRef, CatalogEntity]] | None = field(default=None, init=False, repr=False)

    @classmethod
    def build(
        cls,
        root: str,
        organization: Organization | None,
        entities: dict[EntityRef, Entity],
        slos: dict[str, Slo] | None = None,
        decisions: dict[str, Decision] | None = None,
        incidents: list[Incident] | None = None,
        radar: list[RadarEntry] | None = None,
        load_diagnostics: list[Diagnostic] | None = None,
    ) -> Estate:
        estate = cls(
            root=root,
            organization=organization,
            entities=entities,
            slos=slos or {},
            decisions=decisions or {},
            incidents=incidents or [],
            radar=radar or [],
            load_diagnostics=load_diagnostics or [],
        )
        estate._derive_relations()
        estate._join_slos()
        return estate

    # Lookup ------------------------------------------------------------------------------------

    def resolve(self, text: str, *, default_kind: str | None, namespace: str = "default") -> EntityRef | None:
        try:
            ref = parse_ref(text, default_kind=default_kind, default_namespace=namespace)
        except ReferenceError_:
            return None
        return ref if ref in self.entities else None

    def charter_kind(self, cls_: type[E]) -> list[E]:
        """Every entity of one Charter kind, indexed once: rules ask for them many times."""
        found = self._by_class.get(cls_)
        if found is None:
            found = [entity for entity in self.entities.values() if isinstance(entity, cls_)]
            self._by_class[cls_] = found
        return found  # type: ignore[return-value]

    def components(self) -> list[tuple[EntityRef, CatalogEntity]]:
        """Every Component with its reference, in declaration order, indexed once: each target's
        scope looks through them."""
        if self._components is None:
            self._components = [
                (ref, entity)
                for ref, entity in self.entities.items()
                if ref.kind == "component" and isinstance(entity, CatalogEntity)
            ]
        return self._components

    @property
    def standards(self) -> list[Standard]:
        return self.charter_kind(Standard)

    @property
    def risks(self) -> list[Risk]:
        return self.charter_kind(Risk)

    @property
    def initiatives(self) -> list[Initiative]:
        return self.charter_kind(Initiative)

    @property
    def capacities(self) -> list[Capacity]:
        return self.charter_kind(Capacity)

    @property
    def control_sets(self) -> list[ControlSet]:
        return self.charter_kind(ControlSet)

    def related(self, ref: EntityRef, relation: str) -> set[EntityRef]:
        return self.relations.get(ref, {}).get(relation, set())

    def owner_of(self, ref: EntityRef) -> EntityRef | None:
        owners = self.related(ref, "ownedBy")
        return min(owners, key=str) if owners else None

    def _join_slos(self) -> None:
        """DESIGN.md "How files join": the SLO's explicit component label, else a component named
        like its service, else a component whose `charter.dev/slos` annotation lists it."""
        listed: dict[str, EntityRef] = {}
        for ref, entity in self.entities.items():
            if ref.kind == "component" and isinstance(entity, CatalogEntity):
                for name in entity.annotations.get(SLOS_ANNOTATION, "").split(","):
                    if name.strip():
                        listed.setdefault(name.strip().lower(), ref)
        joined: dict[str, EntityRef] = {}
        for name, slo in self.slos.items():
            target: EntityRef | None = None
            if slo.component:
                target = self.resolve(slo.component, default_kind="component")
            elif slo.service:
                target = self.resolve(slo.service, default_kind="component")
            if target is None and not slo.component:
                target = listed.get(name.lower())
            if target is not None:
                joined[name] = target
        self.slo_components = joined
        by_component: dict[EntityRef, list[str]] = defaultdict(list)
        for name, ref in joined.items():
            by_component[ref].append(name)
        self.component_slos = dict(by_component)

    # Relations ---------------------------------------------------------------------------------

    def _derive_relations(self) -> None:
        relations: dict[EntityRef, dict[str, set[EntityRef]]] = defaultdict(lambda: defaultdict(set))
        # Each target as the very key of `entities`: the sets and dicts below then find equal refs by
        # identity, without calling EntityRef's __eq__ (a Python method) for each of 50,000 references.
        declared = {ref: ref for ref in self.entities}
        for source_ref, entity in self.entities.items():
            namespace = source_ref.namespace
            outgoing = relations[source_ref]
            for ref_field in reference_fields(entity):
                problem: str | None = None
                try:
                    parsed = parse_ref(
                        ref_field.target, default_kind=ref_field.default_kind, default_namespace=namespace
                    )
                except (ReferenceError_, AttributeError) as exc:
                    problem = str(exc)
                else:
                    target = declared.get(parsed)
                    if target is None:
                        problem = f"no {parsed.short} is declared"
                    elif ref_field.allowed_kinds is not None and target.kind not in ref_field.allowed_kinds:
                        problem = f"{target.short} is not a {' or '.join(sorted(ref_field.allowed_kinds))}"
                if problem is not None:
                    location = entity.location.at(*ref_field.pointer) if entity.location else None
                    self.dangling.append(Dangling(source_ref, ref_field, problem, location))
                    continue
                if ref_field.relation:
                    assert target is not None
                    outgoing[ref_field.relation].add(target)
                    relations[target][INVERSE_RELATIONS[ref_field.relation]].add(source_ref)
        self.relations = {ref: dict(by_type) for ref, by_type in relations.items() if by_type}
