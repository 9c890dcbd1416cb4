"""The database refuses UPDATE and DELETE on audit_entries; an index for filtering by user.

Revision ID: a5eed19e14be
Revises: c41d2e7f9a10
Create Date: 2026-11-27 15:34:49.884433

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5eed19e14be'
down_revision = 'c41d2e7f9a10'
branch_labels = None
depends_on = None

POSTGRESQL_UP = [
    """
    CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP;
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
    """,
    """
    CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()
    """,
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER audit_entries_no_truncate ON audit_entries",
    "DROP TRIGGER audit_entries_append_only ON audit_entries",
    "DROP FUNCTION audit_entries_append_only()",
]
# SQLite has no TRUNCATE; its DELETE without WHERE fires the trigger for every row.
SQLITE_UP = [
    """
    CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused'); END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER audit_entries_no_delete",
    "DROP TRIGGER audit_entries_no_update",
]


def _statements(postgresql: list[str], sqlite: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    return {"postgresql": postgresql, "sqlite": sqlite}.get(dialect, [])


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_user_id_created_at', ['user_id', 'created_at'], unique=False)
    for statement in _statements(POSTGRESQL_UP, SQLITE_UP):
        op.execute(sa.text(statement))


def downgrade():
    for statement in _statements(POSTGRESQL_DOWN, SQLITE_DOWN):
        op.execute(sa.text(statement))
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_user_id_created_at')
