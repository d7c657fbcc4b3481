"""Who acts and what is funded: the Group an entity or an owner field resolves to, and which
initiatives are funded (committed or in progress) and what they touch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from charter.analysis.ownership import group_of_owner, system_of, team_of
from charter.analysis.risk.matrix import link_risks
from charter.model.estate import Estate
from charter.model.kinds import Initiative
from charter.model.refs import EntityRef, ReferenceError_, parse_ref

FUNDED_STATUSES = frozenset({"committed", "in-progress"})
CLOSED_STATUSES = frozenset({"done", "dropped"})


def is_funded(initiative: Initiative) -> bool:
    """Committed or in progress: its status says so, or it is committed to a quarter and neither
    done nor dropped."""
    spec = initiative.spec
    if spec.status in FUNDED_STATUSES:
        return True
    return spec.committed is not None and spec.status not in CLOSED_STATUSES


def owner_of_entity(estate: Estate, ref: EntityRef) -> str | None:
    """The Group that owns a catalog entity (a person's first Group when a person owns it)."""
    return team_of(estate, ref)


def owner_of_text(estate: Estate, text: str | None) -> str | None:
    """An `owner:` field of a Charter kind as the Group who acts: the Group it names, or the first
    Group of the User it names; None when it names nothing that exists."""
    if not (text or "").strip():
        return None
    ref = estate.resolve(text or "", default_kind="group")
    return None if ref is None else group_of_owner(estate, ref)


def refs_of(texts: Iterable[str], default_kind: str) -> set[EntityRef]:
    found = set()
    for text in texts:
        try:
            found.add(parse_ref(text, default_kind=default_kind))
        except ReferenceError_:
            continue
    return found


def funded_work_by_target(estate: Estate) -> dict[EntityRef, list[Initiative]]:
    """The funded initiatives that touch each component or system: those whose `affects` names it,
    and those that mitigate a risk whose `affects` names it (either side naming the other)."""
    touched: dict[EntityRef, list[Initiative]] = defaultdict(list)
    for initiative in estate.initiatives:
        if is_funded(initiative):
            for target in refs_of(initiative.spec.affects, "component"):
                touched[target].append(initiative)
    links = link_risks(estate)
    for risk in estate.risks:
        mitigating = [initiative for initiative in links.initiatives.get(risk.ref, []) if is_funded(initiative)]
        if mitigating:
            for target in refs_of(risk.spec.affects, "component"):
                touched[target].extend(mitigating)
    return dict(touched)


def funded_work_on(
    estate: Estate, touched: dict[EntityRef, list[Initiative]], component: EntityRef
) -> list[Initiative]:
    """The funded initiatives that touch the component or the system it is part of."""
    found = list(touched.get(component, ()))
    system = system_of(estate, component)
    if system is not None:
        found.extend(touched.get(parse_ref(system), ()))
    return found
