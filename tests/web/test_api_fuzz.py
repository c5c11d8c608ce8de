"""schemathesis against the API's own OpenAPI schema, in-process (WSGI): every operation gets
generated requests — valid and invalid parameters, bodies, files — as the assessment office
(every path authorised) and as a cadre (scoped paths), on a computed district; none may answer
with a server error (5xx). Kept small (a few examples per operation) so the suite stays fast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from kaohe.api.main import api
from tests.web.roles_district import District

EXAMPLES = 12  # per operation and role; raise locally to search harder
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_params={}))
application = get_wsgi_application()


@pytest.fixture(scope="module")
def district(roles_district: District) -> Iterator[District]:
    """The district, and the WSGI handler kept from closing the test's database connection at
    the end of each request (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield roles_district
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office", "cadre"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_generated_request_makes_a_server_error(
    case: Any, district: District, role: str
) -> None:
    token = district.tokens[role]
    response = case.call(app=application, headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error])
