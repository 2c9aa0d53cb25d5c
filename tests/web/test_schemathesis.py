"""schemathesis over /api/openapi.json against the live server: no 5xx, and every status a route
answers is one its OpenAPI entry declares (bounded number of examples per operation)."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from zhida.web.auth import Actor, create_user

from .conftest import PASSWORD
from .enterprise_seed import seed

FUZZER = "fuzz-admin"  # its own account: a generated logout or password change ends only its session


@pytest.fixture(scope="module")
def fuzz_session(server):
    seed(server.app)
    create_user(server.app.state.store, Actor("cli:test"), username=FUZZER, password=PASSWORD, role="admin")
    session = requests.Session()
    token = session.get(f"{server.url}/api/v1/auth/csrf").json()["csrf_token"]
    response = session.post(f"{server.url}/api/v1/auth/login", json={"username": FUZZER, "password": PASSWORD},
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    yield session
    session.close()


def test_api_conforms(server, fuzz_session):
    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    failures, statuses = [], []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            response = case.call_and_validate(base_url=server.url, session=fuzz_session,
                                              checks=[not_a_server_error, status_code_conformance])
            statuses.append(response.status_code)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
    assert len(statuses) >= 10 * len(operations) and 200 in statuses  # really exercised, logged in
