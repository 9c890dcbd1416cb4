"""The migrations build exactly the schema the models describe, and can be undone."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kundtjanst.extensions import db


def test_migrated_schema_matches_models(app):
    with app.app_context(), db.engine.connect() as conn:
        # The same filter `flask db migrate` uses (it leaves out the FTS5 tables).
        include_name = app.extensions["migrate"].configure_args["include_name"]
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(app, database_url):
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        assert "tickets" not in inspect(db.engine).get_table_names()
        flask_migrate.upgrade(revision="heads")
        assert "tickets" in inspect(db.engine).get_table_names()
