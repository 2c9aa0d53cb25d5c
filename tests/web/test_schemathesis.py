"""schemathesis over /api/openapi.json against a live server, logged in as each role (enterprise
user, staff, admin), with data that fits the schema and data that does not: no 5xx, and every
status a route answers is one its OpenAPI entry declares (bounded examples per operation).

The server is this module's own (own store), so what the fuzzer creates, edits, starts or
deactivates touches no other test.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from zhida.web.app import create_app
from zhida.web.auth import Actor, create_user

from .conftest import PASSWORD, USCC_A, prepare, serve
from .enterprise_seed import seed

# Each role fuzzes with its own account: a generated logout or password change ends only its
# session. Admin last: its generated PUT /users/{id}/active may deactivate the other accounts.
ROLES = {
    "enterprise": {"role": "enterprise", "uscc": USCC_A},
    "staff": {"role": "staff", "units": ["市经济和信息化局", "区财政局"], "region": "朝阳区"},
    "admin": {"role": "admin"},
}
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz-home")
    app = create_app(f"sqlite:///{home / 'zhida.sqlite3'}", secret=b"fuzz-secret-" * 4)
    prepare(app)
    seed(app)
    for role, scope in ROLES.items():
        create_user(app.state.store, Actor("cli:test"), username=f"fuzz-{role}", password=PASSWORD, **scope)
    with serve(app) as running:
        yield running


@pytest.fixture(scope="module")
def schema(fuzz_server):
    return schemathesis.openapi.from_url(f"{fuzz_server.url}/api/openapi.json")


def _login(url: str, username: str) -> requests.Session:
    session = requests.Session()
    token = session.get(f"{url}/api/v1/auth/csrf").json()["csrf_token"]
    response = session.post(f"{url}/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return session


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
def test_api_conforms_for_each_role(fuzz_server, schema, role):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    session = {"current": _login(fuzz_server.url, f"fuzz-{role}")}
    failures, statuses = [], []
    for operation in operations:
        for mode, examples in EXAMPLES.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
                      derandomize=True, database=None)
            def check(case):
                response = case.call_and_validate(base_url=fuzz_server.url, session=session["current"], timeout=120,
                                                  checks=[not_a_server_error, status_code_conformance])
                statuses.append(response.status_code)
                if operation.path.endswith("/auth/logout"):  # keep fuzzing logged in
                    session["current"] = _login(fuzz_server.url, f"fuzz-{role}")

            try:
                check()
            except Unsatisfiable:  # nothing to make invalid (no parameters, or only free-text ones)
                assert mode is GenerationMode.NEGATIVE, operation.path
            except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
                failures.append(f"[{role}, {mode}] {operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
    assert len(statuses) >= 10 * len(operations)
    assert 200 in statuses and 403 in statuses or role == "admin"  # really logged in, and really scoped
