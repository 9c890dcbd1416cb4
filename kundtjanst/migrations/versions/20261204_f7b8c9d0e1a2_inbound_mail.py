"""Incoming mail: every message read from the mailbox, its bytes and what it became.

Revision ID: f7b8c9d0e1a2
Revises: e1a2b3c4d5f6
Create Date: 2026-12-04 17:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7b8c9d0e1a2'
down_revision = 'e1a2b3c4d5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=998), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('mailbox', sa.String(length=500), nullable=False),
        sa.Column('uid', sa.Integer(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sender', sa.String(length=320), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=True),
        sa.Column('automatic', sa.String(length=30), nullable=True),
        sa.Column('reason', sa.String(length=30), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('earlier_ticket_id', sa.Integer(), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['earlier_ticket_id'], ['tickets.id'],
            name=op.f('fk_inbound_mail_earlier_ticket_id_tickets'),
        ),
        sa.ForeignKeyConstraint(
            ['handled_by_id'], ['users.id'], name=op.f('fk_inbound_mail_handled_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['ticket_id'], ['tickets.id'], name=op.f('fk_inbound_mail_ticket_id_tickets')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mail')),
        sa.UniqueConstraint('message_id', 'content_hash', name='uq_inbound_mail_message'),
    )
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_mail_status', ['status'], unique=False)
        batch_op.create_index(
            'ix_inbound_mail_sender_received', ['sender', 'received_at'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_inbound_mail_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_inbound_mail_earlier_ticket_id'), ['earlier_ticket_id'], unique=False
        )


def downgrade():
    op.drop_table('inbound_mail')
