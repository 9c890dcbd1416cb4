"""A revision number per built statistics day, for caching the daily rows.

Revision ID: c41d2e7f9a10
Revises: 9a3aac1e3159
Create Date: 2026-11-27 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41d2e7f9a10'
down_revision = '9a3aac1e3159'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stats_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('stats_days', schema=None) as batch_op:
        batch_op.drop_column('revision')
