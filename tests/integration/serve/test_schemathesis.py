"""Schemathesis against the server's own OpenAPI document, on SQLite and PostgreSQL: every operation,
with generated valid and invalid parameters and bodies, never answers 5xx; without a token every
one answers 401, and with a viewer token the operations that need more answer 403."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from tests.integration.serve.conftest import Served

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402

# What a viewer may not do: an admin's token and audit routes, an editor's acknowledgement.
ABOVE_VIEWER = ("/api/v1/tokens", "/api/v1/audit-log", "/api/v1/escalations/{escalation}/acknowledge")
EXAMPLES = 12


def _operations(served: Served) -> list[Any]:
    schema = schemathesis.openapi.from_url(
        f"{served.url}/api/v1/openapi.json", headers={"Authorization": f"Bearer {served.tokens['viewer']}"}
    )
    return [result.ok() for result in schema.get_all_operations()]


def _check(operation: Any, served: Served, headers: dict[str, str], expect: Any) -> None:
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            response = case.call(base_url=served.url, headers=headers, timeout=120)
            assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.text)
            assert "Traceback" not in response.text
            expect(case, response.status_code)

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
            assert mode is GenerationMode.NEGATIVE


def test_no_operation_answers_5xx_to_a_viewer_and_those_above_it_are_refused(served: Served) -> None:
    operations = _operations(served)
    assert len(operations) >= 12

    def expect(case: Any, status: int) -> None:
        if case.path.startswith(ABOVE_VIEWER):
            assert status == 403, (case.method, case.formatted_path, status)
        else:
            assert status in (200, 400, 404, 422), (case.method, case.formatted_path, status)

    for operation in operations:
        _check(operation, served, {"Authorization": f"Bearer {served.tokens['viewer']}"}, expect)


def test_no_operation_answers_without_a_token(served: Served) -> None:
    def expect(case: Any, status: int) -> None:
        assert status == 401, (case.method, case.formatted_path, status)

    for operation in _operations(served):
        _check(operation, served, {}, expect)
