"""Writing the sample catalog as Backstage writes it: one file per team (its Group and Users), one per
system (System, Components, APIs, Resources), domains, and a Location that reaches the organisation
chart and the legacy system kept outside `catalog/`."""

from __future__ import annotations

from typing import Any

from charter.demo.names import title_case
from charter.demo.plan import Api, Catalog, Component, Resource, System
from charter.demo.profiles import SizeProfile
from charter.demo.writers import RepoWriter

BACKSTAGE = "backstage.io/v1alpha1"
EXTERNAL_FOLDER = "external-catalog"

_LANGUAGES = {
    "service": ("go", "kotlin", "python", "java"),
    "website": ("typescript", "react"),
    "library": ("go", "typescript", "kotlin"),
}

_DEFINITIONS = {
    "openapi": "openapi: 3.0.3\ninfo:\n  title: {title}\n  version: 1.0.0\npaths:\n  /health:\n    get:\n"
    "      responses:\n        '200':\n          description: OK\n",
    "grpc": 'syntax = "proto3";\n\npackage {package}.v1;\n\nservice {service} {{\n'
    "  rpc Check (CheckRequest) returns (CheckResponse);\n}}\n",
    "asyncapi": "asyncapi: 2.6.0\ninfo:\n  title: {title}\n  version: 1.0.0\nchannels:\n  {package}.events:\n"
    "    subscribe:\n      message:\n        name: Changed\n",
    "graphql": "type Query {{\n  health: String\n}}\n",
}


def _entity(kind: str, metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": BACKSTAGE, "kind": kind, "metadata": metadata, "spec": spec}


def write_catalog(writer: RepoWriter, catalog: Catalog, profile: SizeProfile) -> None:
    email_domain = f"{profile.organization}.example"
    people = {person.name: person for person in catalog.people}
    for team in catalog.teams:
        group = _entity(
            "Group",
            {"name": team.name, "description": f"{title_case(team.name)} team"},
            {
                "type": "team",
                "profile": {"displayName": title_case(team.name), "email": f"{team.name}@{email_domain}"},
                "parent": team.department,
                "children": [],
                "members": list(team.members),
            },
        )
        users = [
            _entity(
                "User",
                {"name": name},
                {
                    "profile": {"displayName": people[name].display_name, "email": f"{name}@{email_domain}"},
                    "memberOf": [team.name],
                },
            )
            for name in team.members
        ]
        writer.write_yaml(f"catalog/teams/{team.name}.yaml", [group, *users])
    writer.write_yaml(f"{EXTERNAL_FOLDER}/org.yaml", _org_chart(catalog, profile))
    domains = [
        _entity(
            "Domain", {"name": domain, "description": f"Everything about {domain}"}, {"owner": f"group:{department}"}
        )
        for domain, department in catalog.domains.items()
    ]
    writer.write_yaml("catalog/systems/domains.yaml", domains)
    components: dict[str, list[Component]] = {}
    for component in catalog.components:
        components.setdefault(component.system, []).append(component)
    apis: dict[str, list[Api]] = {}
    for api in catalog.apis:
        apis.setdefault(api.system, []).append(api)
    resources: dict[str, list[Resource]] = {}
    for resource in catalog.resources:
        resources.setdefault(resource.system, []).append(resource)
    external: list[str] = []
    for system in catalog.systems:
        documents = [
            _system(system),
            *(_component(component) for component in components.get(system.name, [])),
            *(_api(api) for api in apis.get(system.name, [])),
            *(_resource(resource) for resource in resources.get(system.name, [])),
        ]
        if system.external:
            path = f"{EXTERNAL_FOLDER}/{system.name}.yaml"
            external.append(f"../{path}")
        else:
            path = f"catalog/systems/{system.name}.yaml"
        writer.write_yaml(path, documents)
    location = _entity(
        "Location",
        {
            "name": f"{profile.organization}-legacy-catalog",
            "description": "Descriptors still kept in the catalog repository of the previous platform",
        },
        {"type": "file", "targets": [f"../{EXTERNAL_FOLDER}/org.yaml", *external]},
    )
    writer.write_yaml("catalog/locations.yaml", [location])


def _org_chart(catalog: Catalog, profile: SizeProfile) -> list[dict[str, Any]]:
    root = profile.organization
    documents = [
        _entity(
            "Group",
            {"name": root, "description": f"{title_case(root)} engineering"},
            {
                "type": "organization",
                "profile": {"displayName": title_case(root)},
                "children": list(catalog.departments),
            },
        ),
    ]
    for department in catalog.departments:
        children = [team.name for team in catalog.teams if team.department == department]
        documents.append(
            _entity(
                "Group",
                {"name": department, "description": f"{title_case(department)} department"},
                {
                    "type": "department",
                    "profile": {"displayName": title_case(department)},
                    "parent": root,
                    "children": children,
                },
            )
        )
    return documents


def _system(system: System) -> dict[str, Any]:
    description = f"{title_case(system.name)}: part of the {system.domain} domain"
    if system.external:
        description += "; descriptors still live in the previous platform's catalog"
    return _entity(
        "System",
        {"name": system.name, "description": description},
        {"owner": f"group:{system.owner}", "domain": system.domain},
    )


def component_language(component: Component) -> str:
    """The component's language, written as its only tag (and the language of its sample repository)."""
    languages = _LANGUAGES[component.type]
    return languages[len(component.name) % len(languages)]


def _component(component: Component) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "name": component.name,
        "description": f"{title_case(component.word)} of {title_case(component.system)}",
        "tags": [component_language(component)],
        "annotations": dict(component.annotations),
    }
    spec: dict[str, Any] = {
        "type": component.type,
        "lifecycle": component.lifecycle,
        "owner": component.owner,
        "system": component.system,
    }
    if component.provides_apis:
        spec["providesApis"] = list(component.provides_apis)
    if component.consumes_apis:
        spec["consumesApis"] = list(component.consumes_apis)
    if component.depends_on:
        spec["dependsOn"] = list(component.depends_on)
    return _entity("Component", metadata, spec)


def _api(api: Api) -> dict[str, Any]:
    title = title_case(api.name)
    definition = _DEFINITIONS[api.type].format(
        title=title, package=api.name.replace("-", "_"), service=title.replace(" ", "")
    )
    provided = f", provided by {api.provider}" if api.provider else ""
    return _entity(
        "API",
        {"name": api.name, "description": f"{api.type} API of {title_case(api.system)}{provided}"},
        {
            "type": api.type,
            "lifecycle": "production",
            "owner": f"group:{api.owner}",
            "system": api.system,
            "definition": definition,
        },
    )


def _resource(resource: Resource) -> dict[str, Any]:
    return _entity(
        "Resource",
        {"name": resource.name, "description": f"{title_case(resource.type)} of {title_case(resource.system)}"},
        {"type": resource.type, "owner": f"group:{resource.owner}", "system": resource.system},
    )
