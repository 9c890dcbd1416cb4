"""When anybody last did anything with a ticket: open questions untouched for long are
listed for staff to close, and anonymised counted from then.

Revision ID: 8c4e1d2a9b57
Revises: 7b2d9e4f1a06
Create Date: 2026-12-03 17:00:00

Filled from each ticket's newest timeline entry that a person (or the citizen) made:
the system's own notes, SLA breaches and unclaimed alerts, are no activity.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c4e1d2a9b57'
down_revision = '7b2d9e4f1a06'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE tickets SET last_activity_at = COALESCE("
        "(SELECT max(e.created_at) FROM events e WHERE e.ticket_id = tickets.id "
        "AND e.kind NOT IN ('sla_breached', 'unclaimed_alert')), created_at)"
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column(
            'last_activity_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(
            'ix_tickets_status_last_activity', ['status', 'last_activity_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_status_last_activity')
        batch_op.drop_column('last_activity_at')
