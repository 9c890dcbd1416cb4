"""The API's routes: one module per resource, each a flask-smorest blueprint made by
`blueprints.blueprint` (token check, rate limit and audit on every call)."""
