"""The citizen's language as a slice of the statistics rows, and an export's filter.

Revision ID: b2b6d0fd3448
Revises: b7d1f3a5c9e2
Create Date: 2026-12-05 23:00:00

Every daily and monthly statistics row gets the column ``language`` beside channel,
subject area and group, so the dashboard's language filter reads the stored rows as
exactly as its other filters (no slice column is part of an index or a unique key:
the rows are read by day or month and always summed, so none is added here).
Existing rows get "sv", which is exact for every day whose tickets were all asked
in Swedish: the previous revision gave every existing ticket "sv". Should a ticket
in another language already exist (the two revisions applied apart), the rows and
built-day markers from the first such ticket's day on are removed, so those days
are counted from the tickets until the nightly `stats.snapshot` (or `flask stats
rebuild`) builds them again, with their languages.

An export keeps the language it was asked for (none: every language).
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2b6d0fd3448'
down_revision = 'b7d1f3a5c9e2'
branch_labels = None
depends_on = None

DAILY = ('stats_daily', 'stats_daily_answer_time', 'stats_daily_could_reason')
MONTHLY = (
    'stats_monthly',
    'stats_monthly_answer_time',
    'stats_monthly_answer_total',
    'stats_monthly_could_reason',
)
# The tables whose rows are counted by slice (the answer total is summed over all).
SLICED = (*DAILY, 'stats_monthly', 'stats_monthly_answer_time', 'stats_monthly_could_reason')


def _first_day_in_another_language() -> date | None:
    """The UTC date of the first ticket not asked in Swedish: never after its
    Stockholm date (Stockholm is ahead of UTC), so every day it counts on is later."""
    tickets = sa.table(
        'tickets',
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('language', sa.String(12)),
    )
    first = op.get_bind().scalar(
        sa.select(sa.func.min(tickets.c.created_at)).where(tickets.c.language != 'sv')
    )
    return None if first is None else date.fromisoformat(str(first)[:10])


def _forget_from(first: date) -> None:
    """Remove the rows and markers of ``first`` and every later day, and the sums of
    their months: those days are counted live until they are built again."""
    for name in (*DAILY, 'stats_days'):
        table = sa.table(name, sa.column('day', sa.Date()))
        op.execute(sa.delete(table).where(table.c.day >= first))
    for name in MONTHLY:
        table = sa.table(name, sa.column('month', sa.Date()))
        op.execute(sa.delete(table).where(table.c.month >= first.replace(day=1)))


def upgrade():
    for name in SLICED:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('language', sa.String(length=12), server_default='sv', nullable=False)
            )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=12), nullable=True))
    first = _first_day_in_another_language()
    if first is not None:
        _forget_from(first)


def downgrade():
    # The rows keep their counts: a day's rows in several languages become several
    # rows of one slice, and every reader sums the rows of a slice. (An export asked
    # for in one language and not yet written then holds every language.)
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_column('language')
    for name in reversed(SLICED):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('language')
