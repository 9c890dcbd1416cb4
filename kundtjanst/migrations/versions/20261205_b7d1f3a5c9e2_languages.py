"""Languages: the citizen's on each ticket, a user's chosen one, a routing rule's.

Revision ID: b7d1f3a5c9e2
Revises: a1c3e5f7b9d2
Create Date: 2026-12-05 21:40:00

Every ticket so far was asked in Swedish, so existing rows get "sv".
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d1f3a5c9e2'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=12), server_default='sv', nullable=False)
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=12), nullable=True))
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('language')
