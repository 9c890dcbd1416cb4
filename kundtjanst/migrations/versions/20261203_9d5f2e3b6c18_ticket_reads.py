"""Who was shown which ticket on which day: one row per user, ticket and day.

Revision ID: 9d5f2e3b6c18
Revises: 8c4e1d2a9b57
Create Date: 2026-12-03 17:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d5f2e3b6c18'
down_revision = '8c4e1d2a9b57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ticket_reads',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ['ticket_id'], ['tickets.id'],
            name=op.f('fk_ticket_reads_ticket_id_tickets'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_ticket_reads_user_id_users')
        ),
        sa.PrimaryKeyConstraint('ticket_id', 'user_id', 'day', name=op.f('pk_ticket_reads')),
    )


def downgrade():
    op.drop_table('ticket_reads')
