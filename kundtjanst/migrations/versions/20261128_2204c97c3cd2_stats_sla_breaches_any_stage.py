"""SLA breaches on the dashboard count every stage; the daily statistics rows are rebuilt.

Revision ID: 2204c97c3cd2
Revises: fd235c36dde6
Create Date: 2026-11-28 09:00:00

The daily rows counted a ticket as an SLA breach only when its last stage ran late;
the figure now counts a breach in any stage (`sla_breach_count > 0`), as the export
and the dashboard's explanation always did. The rows and their built-day markers
are removed together, so no day is read half from old rows: the dashboard counts
from the tickets until the nightly `stats.snapshot` (or `flask stats rebuild`)
builds every day again.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '2204c97c3cd2'
down_revision = 'fd235c36dde6'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("stats_days", "stats_daily", "stats_daily_answer_time", "stats_daily_could_reason"):
        op.execute(f"DELETE FROM {table}")


def downgrade():
    # Nothing to undo: the rows are rebuilt from the tickets.
    pass
