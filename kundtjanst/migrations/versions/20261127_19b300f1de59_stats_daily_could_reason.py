"""Daily statistics of the reasons kundtjänst could have answered; every day rebuilt.

Revision ID: 19b300f1de59
Revises: 951dde553c60
Create Date: 2026-11-27 15:37:41.362026

The dashboard's learning-loop table now reads these rows instead of counting a
period's tickets. Built days have no such rows yet, so their markers are removed:
until the nightly `stats.snapshot` (or `flask stats rebuild`) builds them again,
the dashboard counts those days from the tickets, and every figure stays right.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '19b300f1de59'
down_revision = '951dde553c60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stats_daily_could_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('reason_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_daily_could_reason'))
    )
    with op.batch_alter_table('stats_daily_could_reason', schema=None) as batch_op:
        batch_op.create_index('ix_stats_daily_could_reason_day', ['day'], unique=False)
    op.execute("DELETE FROM stats_days")


def downgrade():
    with op.batch_alter_table('stats_daily_could_reason', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_daily_could_reason_day')

    op.drop_table('stats_daily_could_reason')
