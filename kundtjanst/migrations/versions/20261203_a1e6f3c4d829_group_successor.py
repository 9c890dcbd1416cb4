"""A deactivated group names its successor: a ticket coming back to life goes there.

Revision ID: a1e6f3c4d829
Revises: 9d5f2e3b6c18
Create Date: 2026-12-03 18:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1e6f3c4d829'
down_revision = '9d5f2e3b6c18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('successor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_groups_successor_id_groups'), 'groups', ['successor_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_groups_successor_id_groups'), type_='foreignkey')
        batch_op.drop_column('successor_id')
