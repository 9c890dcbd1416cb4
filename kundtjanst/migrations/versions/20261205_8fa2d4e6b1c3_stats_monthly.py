"""Monthly sums of the daily statistics rows, filled from the rows there are.

Revision ID: 8fa2d4e6b1c3
Revises: 7eb1c3d5f964
Create Date: 2026-12-05 04:00:00

The dashboard reads a year as its whole months' sums and the days around them,
instead of every day's rows: a day's rows grow with the number of tickets, a
month's stop growing once every slice has tickets. The sums are written with the
daily rows from now on (`stats.services.sum_months`); here they are filled once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8fa2d4e6b1c3'
down_revision = '7eb1c3d5f964'
branch_labels = None
depends_on = None

SLICE = ('channel', 'category_id', 'group_id')


def _slice_columns():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('group_id', sa.Integer(), nullable=True),
    ]


def _create(name, *columns):
    op.create_table(
        name, *_slice_columns(), *columns, sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(f'ix_{name}_month', ['month'], unique=False)


def _fill(monthly, daily, keys, counts):
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        month = "CAST(date_trunc('month', day) AS date)"
    else:
        month = "date(day, 'start of month')"
    key_list = ', '.join(keys)
    sums = ', '.join(f'SUM({c})' for c in counts)
    op.execute(
        f"INSERT INTO {monthly} (month, {key_list}, {', '.join(counts)}) "
        f"SELECT {month}, {key_list}, {sums} FROM {daily} GROUP BY {month}, {key_list}"
    )


def upgrade():
    fixed = {'id', 'day', *SLICE}
    counters = [
        c['name'] for c in sa.inspect(op.get_bind()).get_columns('stats_daily')
        if c['name'] not in fixed
    ]
    _create(
        'stats_monthly',
        *[sa.Column(name, sa.Integer(), nullable=False) for name in counters],
    )
    _create(
        'stats_monthly_answer_time',
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
    )
    op.create_table(
        'stats_monthly_answer_total',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_monthly_answer_total')),
    )
    with op.batch_alter_table('stats_monthly_answer_total', schema=None) as batch_op:
        batch_op.create_index('ix_stats_monthly_answer_total_month', ['month'], unique=False)
    _create(
        'stats_monthly_could_reason',
        sa.Column('reason_id', sa.Integer(), nullable=True),
        sa.Column('count', sa.Integer(), nullable=False),
    )
    _fill('stats_monthly', 'stats_daily', SLICE, counters)
    _fill('stats_monthly_answer_time', 'stats_daily_answer_time', (*SLICE, 'minutes'), ('count',))
    _fill('stats_monthly_answer_total', 'stats_daily_answer_time', ('minutes',), ('count',))
    _fill('stats_monthly_could_reason', 'stats_daily_could_reason', (*SLICE, 'reason_id'), ('count',))


def downgrade():
    for name in (
        'stats_monthly_could_reason',
        'stats_monthly_answer_total',
        'stats_monthly_answer_time',
        'stats_monthly',
    ):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{name}_month')
        op.drop_table(name)
