"""`charter serve`'s JSON API on a real Uvicorn over the demo organisation, on SQLite and PostgreSQL:
every operation refuses a missing, unknown, expired or revoked token and a role below its need; the
reports are the command line's JSON; filters, snapshots and pages of lists; tokens made, used and
revoked through the API land in the audit log; security headers and the body limit hold."""

from __future__ import annotations

import json
import logging
import shutil
import time
from typing import Any

import httpx
import pytest

from charter.web.settings import WebSettings
from tests.conftest import run_charter
from tests.integration.conftest import AS_OF
from tests.integration.serve.conftest import Served, running_server

ADMIN_PATHS = {
    "/api/v1/tokens",
    "/api/v1/tokens/{token_id}",
    "/api/v1/audit-log",
    "/api/v1/webhooks",
    "/api/v1/webhooks/{webhook_id}",
}
EDITOR_PATHS = {"/api/v1/escalations/{escalation}/acknowledge"}
INGEST_PATHS = {"/api/v1/events/deployments", "/api/v1/events/incidents"}


def operations(served: Served) -> list[tuple[str, str]]:
    """Every (method, path) the OpenAPI document lists, with path parameters filled."""
    with served.client(served.tokens["viewer"]) as client:
        document = client.get("/api/v1/openapi.json").json()
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


def _call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    concrete = path.replace("{token_id}", "1").replace("{webhook_id}", "1").replace("{escalation}", "ESC001-0000000000")
    body = {"name": "x", "role": "viewer", "reason": "x"} if method == "POST" else None
    return client.request(method, concrete, json=body)


def test_the_openapi_document_is_3_1_and_needs_a_token(served: Served) -> None:
    assert httpx.get(f"{served.url}/api/v1/openapi.json").status_code == 401
    with served.client(served.tokens["viewer"]) as client:
        response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/overview", "/api/v1/delivery", "/api/v1/risks", "/api/v1/components"} <= set(document["paths"])


def test_health_and_readiness_need_no_token(served: Served) -> None:
    assert httpx.get(f"{served.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{served.url}/readyz").json() == {"status": "ready"}


@pytest.mark.parametrize("which", [None, "wrong", "expired", "revoked"])
def test_every_operation_refuses_a_missing_or_invalid_token(served: Served, which: str | None) -> None:
    token = None if which is None else served.tokens.get(which, "charter_not-a-token-this-server-issued")
    with served.client(token) as client:
        for method, path in operations(served):
            response = _call(client, method, path)
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert "Traceback" not in response.text


def test_every_operation_refuses_a_role_below_its_need(served: Served) -> None:
    with served.client(served.tokens["ingest"]) as ingest, served.client(served.tokens["viewer"]) as viewer:
        for method, path in operations(served):
            if path not in INGEST_PATHS:
                assert _call(ingest, method, path).status_code == 403, (method, path)
            if path in ADMIN_PATHS | EDITOR_PATHS | INGEST_PATHS:
                assert _call(viewer, method, path).status_code == 403, (method, path)
    with served.client(served.tokens["editor"]) as editor:
        assert editor.get("/api/v1/tokens").status_code == 403
        assert _call(editor, "POST", "/api/v1/escalations/{escalation}/acknowledge").status_code == 400
        assert editor.get("/api/v1/overview").status_code == 200


def test_a_report_is_the_json_the_command_line_prints(served: Served) -> None:
    env = {"CHARTER_DATABASE_URL": served.database_url or ""}
    with served.client(served.tokens["viewer"]) as client:
        for name, command in [
            ("risks", ["risks", "--as-of", AS_OF]),
            ("security", ["security", "--as-of", AS_OF]),
            ("controls", ["controls", "--as-of", AS_OF]),
            ("delivery", ["delivery", "--by", "team", "--since", "2026-08-04", "--until", AS_OF]),
        ]:
            query = f"?as_of={AS_OF}" if name != "delivery" else f"?since=2026-08-04&until={AS_OF}&by=team"
            answer = client.get(f"/api/v1/{name}{query}")
            assert answer.status_code == 200, answer.text
            printed = run_charter(*command, "--repo", str(served.root), "--format", "json", env=env)
            assert printed.exit_code in (0, 1), printed.output
            assert answer.json() == json.loads(printed.stdout), name


def test_the_overview_reads_the_snapshot_in_force_on_the_day(served: Served) -> None:
    with served.client(served.tokens["viewer"]) as client:
        latest = client.get("/api/v1/overview").json()
        assert latest["snapshot"] is not None and latest["metrics"]
        assert {item["scope"] for item in latest["metrics"]} == {latest["organization"]}
        assert all(item["evidence"] for item in latest["metrics"])
        before = client.get("/api/v1/overview", params={"as_of": "2026-01-01"}).json()
        assert before["snapshot"] is None and before["metrics"] == []
        on_the_day = client.get("/api/v1/overview", params={"as_of": AS_OF}).json()
        assert on_the_day["snapshot"]["id"] == latest["snapshot"]["id"]


def test_filters_narrow_every_report_to_the_team_system_or_tier(served: Served) -> None:
    with served.client(served.tokens["viewer"]) as client:
        everything = client.get("/api/v1/components", params={"limit": 500}).json()
        team = everything["components"][0]["owner"].removeprefix("group:")
        mine = client.get("/api/v1/components", params={"team": team, "limit": 500}).json()
        assert 0 < mine["total"] < everything["total"]
        assert {item["owner"] for item in mine["components"]} == {f"group:{team}"}
        overview = client.get("/api/v1/overview", params={"team": team}).json()
        assert overview["filter"]["team"] == team
        assert {item["scope"] for item in overview["metrics"]} == {f"group:{team}"}
        counts = {item["name"]: item["value"] for item in overview["counts"]}
        assert counts["components"] == mine["total"] and counts["teams"] == 1
        tier = client.get("/api/v1/components", params={"tier": 1, "limit": 500}).json()
        assert tier["total"] and {item["tier"] for item in tier["components"]} == {1}
        # The store's facts about other teams' components are left out, not counted as nobody's.
        delivery = client.get("/api/v1/delivery", params={"team": team, "until": AS_OF, "by": "team"}).json()
        assert [scope["scope"] for scope in delivery["scopes"]] == [f"group:{team}"]
        security = client.get("/api/v1/security", params={"team": team, "by": "team"}).json()
        assert {scope["scope"] for scope in security["scopes"]} <= {f"group:{team}"}
        whole = client.get("/api/v1/security", params={"by": "team"}).json()
        assert security["total"]["open"] == sum(
            scope["open"] for scope in whole["scopes"] if scope["scope"] == f"group:{team}"
        )
        incidents = client.get("/api/v1/incidents", params={"team": team, "by": "team", "until": AS_OF}).json()
        assert {group["scope"] for group in incidents["groups"]} <= {f"group:{team}"}


def test_the_roadmap_shows_only_the_filtered_teams_plan_lines(served: Served) -> None:
    with served.client(served.tokens["viewer"]) as client:
        whole = client.get("/api/v1/plan").json()
        owners = sorted({item["owner"] for item in whole["initiatives"] if item["owner"]})
        team = owners[0].removeprefix("group:")
        mine = client.get("/api/v1/plan", params={"team": team}).json()
        assert 0 < len(mine["initiatives"]) < len(whole["initiatives"])
        for item in mine["initiatives"]:
            teams = {name for quarter in item["work"].values() for name in quarter}
            assert item["owner"] == f"group:{team}" or team in teams, item["initiative"]
        assert {item["team"] for item in mine["capacity"]} == {team}
        assert {item["initiative"] for item in mine["tradeoffs"]["commitments"]} <= {
            item["initiative"] for item in mine["initiatives"]
        }
        assert mine["objective"] == whole["objective"]  # the plan is the whole organisation's
        others = [item["initiative"] for item in whole["initiatives"] if item not in mine["initiatives"]]
        page = client.get("/roadmap", params={"team": team}, headers={"accept": "text/html"}).text
        assert all(item["initiative"].removeprefix("initiative:") in page for item in mine["initiatives"])
        assert not [name for name in others if name.removeprefix("initiative:") in page]
        tier = client.get("/api/v1/plan", params={"tier": 1}).json()
        assert len(tier["initiatives"]) < len(whole["initiatives"])


def test_lists_come_in_pages(served: Served) -> None:
    with served.client(served.tokens["viewer"]) as client:
        first = client.get("/api/v1/components", params={"limit": 3}).json()
        second = client.get("/api/v1/components", params={"limit": 3, "offset": 3}).json()
        assert len(first["components"]) == 3 and first["total"] == second["total"] > 6
        assert not {item["component"] for item in first["components"]} & {
            item["component"] for item in second["components"]
        }


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"team": "no-such-team"}, 400, "team='no-such-team'"),
        ({"system": "no-such-system"}, 400, "system='no-such-system'"),
        ({"tier": "high"}, 422, "tier"),
        ({"as_of": "2026-13-01"}, 422, "as_of"),
        ({"since": "2026-10-01", "until": "2026-09-01"}, 400, "not before"),
        ({"limit": 0}, 422, "limit"),
    ],
)
def test_bad_parameters_are_a_clear_4xx(served: Served, params: dict[str, Any], status: int, says: str) -> None:
    path = "/api/v1/components" if "limit" in params else "/api/v1/incidents"
    with served.client(served.tokens["viewer"]) as client:
        response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert says in response.text and "Traceback" not in response.text


def test_an_admin_makes_uses_and_revokes_a_token_and_the_audit_log_has_it(served: Served) -> None:
    with served.client(served.tokens["admin"]) as admin:
        made = admin.post("/api/v1/tokens", json={"name": "ci-reader", "role": "viewer", "expires": "30d"})
        assert made.status_code == 201, made.text
        secret, details = made.json()["token"], made.json()["details"]
        assert details["role"] == "viewer" and details["state"] == "active"
        with served.client(secret) as reader:
            assert reader.get("/api/v1/whoami").json()["name"] == "ci-reader"
        listed = {item["id"]: item for item in admin.get("/api/v1/tokens").json()["tokens"]}
        assert listed[details["id"]]["lastUsed"] is not None
        assert secret not in admin.get("/api/v1/tokens").text
        assert admin.delete(f"/api/v1/tokens/{details['id']}").json()["state"] == "revoked"
        with served.client(secret) as reader:
            refused = reader.get("/api/v1/whoami")
            assert refused.status_code == 401 and "revoked" in refused.text
        assert admin.delete(f"/api/v1/tokens/{details['id']}").status_code == 404
        log = admin.get("/api/v1/audit-log", params={"limit": 500}).json()["entries"]
        actions = {(entry["action"], entry["target"]) for entry in log}
        assert ("token.create", f"token:{details['id']}") in actions
        assert ("token.revoke", f"token:{details['id']}") in actions
        assert ("token.use", f"token:{details['id']}") in actions


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"name": "x", "role": "overlord"}', "application/json", 422),
        (b'{"name": "x", "role": "viewer", "expires": "5x"}', "application/json", 422),
        (b"{not json", "application/json", 422),
        (b"name=x&role=viewer", "application/x-www-form-urlencoded", 422),
    ],
)
def test_a_bad_body_is_refused_and_nothing_is_written(
    served: Served, body: bytes, content_type: str, status: int
) -> None:
    with served.client(served.tokens["admin"]) as admin:
        before = admin.get("/api/v1/tokens").json()["total"]
        response = admin.post("/api/v1/tokens", content=body, headers={"content-type": content_type})
        assert response.status_code == status, response.text
        assert admin.get("/api/v1/tokens").json()["total"] == before


def test_a_body_over_the_limit_is_refused_with_413(served: Served) -> None:
    with running_server(served.root, served.database_url, WebSettings(max_body_bytes=1000)) as url:
        headers = {"Authorization": f"Bearer {served.tokens['admin']}"}
        response = httpx.post(f"{url}/api/v1/tokens", content=b"x" * 5000, headers=headers)
        assert response.status_code == 413 and "1000 bytes" in response.text

        def chunks() -> Any:
            for _ in range(10):
                yield b"y" * 500

        streamed = httpx.post(f"{url}/api/v1/tokens", content=chunks(), headers=headers)
        assert streamed.status_code == 413


def test_every_response_carries_the_security_headers(served: Served) -> None:
    for response in (
        httpx.get(f"{served.url}/healthz"),
        httpx.get(f"{served.url}/api/v1/overview"),
        httpx.get(f"{served.url}/login"),
    ):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_a_browser_logs_in_with_a_token_and_its_session_reads_but_cannot_write_the_api(served: Served) -> None:
    with httpx.Client(base_url=served.url, follow_redirects=False) as browser:
        assert browser.get("/risks", headers={"accept": "text/html"}).headers["location"] == "/login?next=/risks"
        form = browser.get("/login").text
        csrf = form.split('name="csrf" value="')[1].split('"')[0]
        refused = browser.post("/login", data={"token": served.tokens["viewer"], "csrf": "forged", "next": "/"})
        assert refused.status_code == 403 and "charter_session" not in refused.headers.get("set-cookie", "")
        logged = browser.post("/login", data={"token": served.tokens["viewer"], "csrf": csrf, "next": "/risks"})
        assert logged.status_code == 303 and logged.headers["location"] == "/risks"
        cookie = next(item for item in logged.headers.get_list("set-cookie") if item.startswith("charter_session="))
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Secure" not in cookie
        assert browser.get("/api/v1/whoami").status_code == 200
        assert browser.post("/api/v1/tokens", json={"name": "y", "role": "admin"}).status_code == 401
        assert browser.post("/logout", data={"csrf": "forged"}).status_code == 403
        page = browser.get("/risks", headers={"accept": "text/html"}).text
        session_csrf = page.split('name="csrf" value="')[1].split('"')[0]
        assert browser.post("/logout", data={"csrf": session_csrf}).status_code == 303


def test_a_login_elsewhere_is_not_followed(served: Served) -> None:
    with httpx.Client(base_url=served.url, follow_redirects=False) as browser:
        csrf = browser.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
        form = {"token": served.tokens["viewer"], "csrf": csrf, "next": "//evil.example/"}
        logged = browser.post("/login", data=form)
        assert logged.headers["location"] == "/"


NEW_COMPONENT = """
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: added-while-serving
spec:
  type: service
  lifecycle: production
  owner: {owner}
"""


def test_the_server_reads_the_strategy_again_when_its_files_change(
    served: Served, tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path_factory.mktemp("changing") / "org"
    shutil.copytree(served.root, root, symlinks=True)
    headers = {"Authorization": f"Bearer {served.tokens['viewer']}"}
    with running_server(root, served.database_url, WebSettings(reread_seconds=0.2)) as url:
        before = httpx.get(f"{url}/api/v1/components", headers=headers).json()
        owner = before["components"][0]["owner"].removeprefix("group:")
        catalog = next((root / "catalog").rglob("*.yaml"))
        catalog.write_text(catalog.read_text(encoding="utf-8") + NEW_COMPONENT.format(owner=owner), encoding="utf-8")
        deadline = time.monotonic() + 120
        total = before["total"]
        while total == before["total"] and time.monotonic() < deadline:
            time.sleep(0.2)
            total = httpx.get(f"{url}/api/v1/components", headers=headers).json()["total"]
        assert total == before["total"] + 1
        # A strategy that no longer reads keeps the last one served.
        caplog.set_level(logging.WARNING, logger="charter.web")
        catalog.write_text("kind: [unclosed", encoding="utf-8")
        while "cannot be read" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "still serving the last one" in caplog.text
        assert httpx.get(f"{url}/api/v1/components", headers=headers).json()["total"] == total


def test_behind_tls_the_session_cookie_is_secure_and_hsts_is_sent(served: Served) -> None:
    tls = {"X-Forwarded-Proto": "https"}  # as a TLS-ending proxy on this host says it
    with httpx.Client(base_url=served.url, follow_redirects=False, headers=tls) as browser:
        form = browser.get("/login")
        assert form.headers["strict-transport-security"].startswith("max-age=")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        browser.cookies.set("charter_login_csrf", form.cookies["charter_login_csrf"])
        logged = browser.post("/login", data={"token": served.tokens["viewer"], "csrf": csrf, "next": "/"})
        cookie = next(item for item in logged.headers.get_list("set-cookie") if item.startswith("charter_session="))
        assert "Secure" in cookie and "HttpOnly" in cookie


def test_an_editor_acknowledges_an_escalation_and_a_viewer_cannot(served: Served) -> None:
    env = {"CHARTER_DATABASE_URL": served.database_url or ""}
    recorded = run_charter("escalations", "--repo", str(served.root), "--as-of", AS_OF, "--fail-on", "never", env=env)
    assert recorded.exit_code == 0, recorded.output
    with served.client(served.tokens["viewer"]) as viewer:
        report = viewer.get("/api/v1/escalations", params={"as_of": AS_OF}).json()
        assert report["ledgerWritten"] is False  # looking records nothing
        open_ids = [item["id"] for digest in report["digests"] for item in digest["escalations"]]
        unacknowledged = [
            item["id"]
            for digest in report["digests"]
            for item in digest["escalations"]
            if item["acknowledgedAt"] is None
        ]
        assert open_ids and unacknowledged
        target = unacknowledged[0]
        path = f"/api/v1/escalations/{target}/acknowledge"
        assert viewer.post(path, json={"reason": "on it"}).status_code == 403
    with served.client(served.tokens["ingest"]) as ingest:
        assert ingest.post(path, json={"reason": "on it"}).status_code == 403
    with served.client(served.tokens["editor"]) as editor:
        assert editor.post(path, json={"reason": ""}).status_code == 422
        assert editor.post("/api/v1/escalations/ESC999-0000000000/acknowledge", json={"reason": "x"}).status_code == 400
        done = editor.post(path, json={"reason": "rolling out the patched image"})
        assert done.status_code == 200, done.text
        assert done.json()["acknowledgedBy"].startswith("test-editor")
    with served.client(served.tokens["admin"]) as admin:
        log = admin.get("/api/v1/audit-log", params={"limit": 500}).json()["entries"]
        assert ("escalation.acknowledge", target) in {(entry["action"], entry["target"]) for entry in log}
        after = admin.get("/api/v1/escalations", params={"as_of": AS_OF}).json()
        acknowledged = [item for digest in after["digests"] for item in digest["escalations"] if item["id"] == target]
        assert acknowledged and acknowledged[0]["acknowledgedBy"].startswith("test-editor")
