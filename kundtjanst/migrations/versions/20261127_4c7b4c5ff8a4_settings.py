"""Administrator settings (targets, windows) as key–JSON rows.

Revision ID: 4c7b4c5ff8a4
Revises: 0e3988367c9c
Create Date: 2026-11-27 14:36:11.339504

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c7b4c5ff8a4'
down_revision = '0e3988367c9c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )


def downgrade():
    op.drop_table('settings')
