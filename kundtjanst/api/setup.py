"""Wiring the API into the application: flask-smorest's Api (the OpenAPI 3.1 document
at /api/v1/openapi.json), the blueprints, and what every API blueprint is exempt from
or allowed that the pages are not."""

from __future__ import annotations

from http import HTTPStatus

import flask_smorest
from flask import Flask
from flask_smorest.spec import prepare_response

from ..errors import BODIES_BEYOND_FORMS
from ..extensions import csrf
from .problems import PROBLEM
from .schemas.common import CitizenLanguage, ProblemSchema

EXTENSION = "kundtjanst.api"

DESCRIPTION = """The API of En väg in: tickets, subject areas, groups, statistics,
public knowledge articles, webhooks and call events.

Authenticate with an API token: `Authorization: Bearer evin_…`. An administrator makes
tokens at /admin/api or with `flask --app wsgi api token create`; each has scopes,
an expiry date, and can be revoked. Errors are problem details (RFC 9457,
`application/problem+json`), with a Swedish or English title by Accept-Language.
Each token may make API_RATE_LIMIT requests (RateLimit-* headers say how many are left).
"""


class Api(flask_smorest.Api):
    """flask-smorest's Api, answering errors as problem details.

    Its own error handler would answer every HTTP error of the whole application
    (the pages' too) in its JSON; `errors.py` answers the API's instead, as problems.
    """

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def blueprints() -> list:
    from .views import calls, reference, tickets, webhooks

    return [tickets.bp, reference.bp, webhooks.bp, calls.bp]


def init_app(app: Flask) -> None:
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": DESCRIPTION}})
    # Every operation needs a token: said once, for the whole document.
    api = Api(app, spec_kwargs={"security": [{"bearer": []}]})
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "An API token (evin_…)."}
    )
    languages = list(app.config["CITIZEN_LANGUAGES"])

    def citizen_language_enum(converter, field, **kwargs) -> dict:
        """A `CitizenLanguage` is documented as this application's list of them."""
        return {"enum": languages} if isinstance(field, CitizenLanguage) else {}

    api.ma_plugin.converter.add_attribute_function(citizen_language_enum)
    for bp in blueprints():
        api.register_blueprint(bp)
        csrf.exempt(bp)
        BODIES_BEYOND_FORMS[bp.name] = frozenset({"application/json"})
    app.extensions[EXTENSION] = api
    from .views.docs import bp as docs

    app.register_blueprint(docs)
