"""The contract: schemathesis against the generated OpenAPI document, on the app
served over real HTTP. Every operation, valid and invalid input: never a 500, and
every answer (errors too) matches its documented schema and media type."""

from __future__ import annotations

import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from werkzeug.serving import make_server

from kundtjanst.extensions import db

from .api_helpers import make_token
from .factories import new_ticket

EXAMPLES = 40


@pytest.fixture(scope="module")
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def reference(app, org) -> str:
    """An open ticket, so that the operations on one ticket meet a real one too."""
    with app.app_context():
        ticket, _ = new_ticket()
        return ticket.reference


@pytest.fixture
def token(app, org) -> str:
    with app.app_context():
        text = make_token(
            (
                "tickets:read",
                "tickets:internal",
                "tickets:write",
                "stats:read",
                "kb:read",
                "webhooks:manage",
                "calls:write",
            ),
            user_id=org.users.agent,
        )
        db.session.remove()
        return text


def test_the_document_is_openapi_3_1(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    paths = set(spec["paths"])
    assert {
        "/api/v1/tickets",
        "/api/v1/tickets/{reference}",
        "/api/v1/tickets/{reference}/messages",
        "/api/v1/categories",
        "/api/v1/groups",
        "/api/v1/statistics",
    } <= paths


def _operations(live_url):
    schema = schemathesis.openapi.from_url(f"{live_url}/api/v1/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
# A request the schema allows may still name nothing (a cursor this API never gave,
# a subject area that does not exist): the answer is a documented 422 with the field.
SEMANTIC = [checks.positive_data_acceptance]


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
def test_contract(live_url, token, reference, mode):
    """Each operation in turn, its own examples; the first failure of each is kept, and
    the test fails listing them all."""
    failures = {}
    operations = _operations(live_url)
    assert len(operations) >= 10
    runs = [(op, {}) for op in operations] + [
        (op, {"reference": reference}) for op in operations if "{reference}" in op.path
    ]
    for operation, fixed in runs:

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"}, excluded_checks=SEMANTIC
            )

        try:
            run()
        except Exception as error:
            failures[f"{operation.label} {fixed}"] = str(error)[:2000]
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
