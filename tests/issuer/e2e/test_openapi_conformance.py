"""The running services conform to the one OpenAPI document of every route (schemathesis,
bounded, through the gateway): no 5xx, every status documented, JSON content, and bodies
matching the response schemas.

Operations are driven one by one with Hypothesis (``operation.as_strategy()``) because the
lazy pytest loader of schemathesis does not work with this pytest version.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import create_org
from tests.support.ports import GATEWAY_URL

GATEWAY = GATEWAY_URL
MAX_EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_every_route_answers_as_the_openapi_document_says(services: Any) -> None:
    api_key = create_org("schemathesis")["api-key"]
    headers = {"Authorization": f"Bearer {api_key}"}
    schema = schemathesis.openapi.from_url(f"{GATEWAY}/api/v1/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 45

    for operation in operations:

        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def exercise(case: Any) -> None:
            case.call_and_validate(base_url=GATEWAY, headers=headers, checks=CHECKS)

        try:
            exercise()
        except Exception as failure:  # collect every operation's failure, then report all
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
