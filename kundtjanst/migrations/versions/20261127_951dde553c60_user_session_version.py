"""A session version per user: raising it ends every session the user has.

Revision ID: 951dde553c60
Revises: a5eed19e14be
Create Date: 2026-11-27 15:37:20.338030

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '951dde553c60'
down_revision = 'a5eed19e14be'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
