"""Receipts of the public form: a form is taken once, and the status link is shown
from the server, never from a cookie.

Revision ID: 7b2d9e4f1a06
Revises: 5e1f0c2d7a31
Create Date: 2026-12-03 16:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2d9e4f1a06'
down_revision = '5e1f0c2d7a31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'receipts',
        sa.Column('submission', sa.String(length=64), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=False),
        sa.Column('status_token', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('shows_until', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['ticket_id'], ['tickets.id'],
            name=op.f('fk_receipts_ticket_id_tickets'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('submission', name=op.f('pk_receipts')),
    )
    op.create_index('ix_receipts_created_at', 'receipts', ['created_at'], unique=False)


def downgrade():
    op.drop_index('ix_receipts_created_at', table_name='receipts')
    op.drop_table('receipts')
