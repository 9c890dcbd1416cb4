"""A partial index over open tickets, for the inbox order and the dashboard's backlog.

Revision ID: fd235c36dde6
Revises: 19b300f1de59
Create Date: 2026-11-27 15:47:01.773901

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd235c36dde6'
down_revision = '19b300f1de59'
branch_labels = None
depends_on = None

OPEN = "status IN ('open', 'claimed', 'waiting')"


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(
            'ix_tickets_open_group_entered',
            ['group_id', 'group_entered_at', 'id'],
            unique=False,
            postgresql_include=['created_at', 'due_at', 'confidential', 'channel', 'category_id'],
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_open_group_entered')
