"""Which VEX statement, if any, suppresses a finding. A statement applies to a finding when it names
one of the finding's ids (its vulnerability id or an alias) and its product is the finding's: no
product (every product); a package URL whose type, namespace and name are the finding's package's
(and its version too, when the statement gives one), or that names the scanned image or component;
or a plain name equal to the finding's component, target or package. Of the statements that apply,
the latest issued decides: not_affected, false_positive and resolved suppress; affected and
under_investigation do not."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from charter.model.finding import SUPPRESSING_VEX_STATES, Finding, VexStatement
from charter.sources.findings.identity import purl_base, purl_name, purl_version


class Suppressions:
    """The stored statements, indexed by vulnerability id, ready to be asked about each finding."""

    def __init__(self, statements: Iterable[tuple[VexStatement, datetime]]) -> None:
        self._by_id: dict[str, list[tuple[datetime, int, VexStatement]]] = {}
        for order, (statement, issued_at) in enumerate(statements):
            self._by_id.setdefault(statement.vulnerability_id.upper(), []).append((issued_at, order, statement))

    def suppressing(self, finding: Finding) -> VexStatement | None:
        """The statement that suppresses the finding, or None."""
        if not self._by_id:
            return None
        applying = [
            candidate
            for identifier in finding.ids
            for candidate in self._by_id.get(identifier.upper(), ())
            if applies_to(candidate[2], finding)
        ]
        if not applying:
            return None
        _issued, _order, latest = max(applying, key=lambda candidate: (candidate[0], candidate[1]))
        return latest if latest.state in SUPPRESSING_VEX_STATES else None


def applies_to(statement: VexStatement, finding: Finding) -> bool:
    product = statement.product
    if product is None:
        return True
    if product.startswith("pkg:"):
        return _purl_applies(product, finding)
    wanted = product.lower()
    names = (_component_name(finding.component), finding.target, finding.package)
    return any(name is not None and name.lower() == wanted for name in names)


def _purl_applies(product: str, finding: Finding) -> bool:
    if finding.purl and purl_base(finding.purl) == purl_base(product):
        version = purl_version(product)
        return version is None or version == (purl_version(finding.purl) or finding.package_version)
    name = (purl_name(product) or "").lower()
    if not name:
        return False
    component = _component_name(finding.component)
    target_name = finding.target.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    return name in {component, target_name}


def _component_name(component: str | None) -> str | None:
    return component.rsplit("/", 1)[-1] if component else None
