"""Calls from the phone system; a ticket's phone number as E.164 and its call's times.

Revision ID: 7eb1c3d5f964
Revises: 6da0b2c4e853
Create Date: 2026-12-04 23:50:00

``tickets.citizen_phone_e164`` is filled for the existing tickets from their phone
numbers with `kundtjanst.core.phone.normalise` (the same rule new tickets get), a
thousand tickets at a time.
"""
from alembic import op
import sqlalchemy as sa

from kundtjanst.core import phone


# revision identifiers, used by Alembic.
revision = '7eb1c3d5f964'
down_revision = '6da0b2c4e853'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.create_table(
        'calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('call_id', sa.String(length=100), nullable=False),
        sa.Column('number_e164', sa.String(length=16), nullable=True),
        sa.Column(
            'state',
            sa.Enum(
                'ringing',
                'answered',
                'ended',
                name='call_state',
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.Column('ringing_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['agent_id'], ['users.id'], name=op.f('fk_calls_agent_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['ticket_id'], ['tickets.id'], name=op.f('fk_calls_ticket_id_tickets')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
        sa.UniqueConstraint('source', 'call_id', name='uq_calls_source_call_id'),
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index('ix_calls_agent_created', ['agent_id', 'created_at'], unique=False)
        batch_op.create_index('ix_calls_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_number_e164'), ['number_e164'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citizen_phone_e164', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('call_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('call_ended_at', sa.DateTime(timezone=True), nullable=True))
    _backfill()
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_tickets_citizen_phone_e164'), ['citizen_phone_e164'], unique=False
        )


def _backfill():
    """Every ticket with a phone number gets its E.164 form, in batches by id."""
    conn = op.get_bind()
    tickets = sa.table(
        'tickets',
        sa.column('id', sa.Integer),
        sa.column('citizen_phone', sa.String),
        sa.column('citizen_phone_e164', sa.String),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(tickets.c.id, tickets.c.citizen_phone)
            .where(tickets.c.id > last, tickets.c.citizen_phone.is_not(None))
            .order_by(tickets.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        found = [
            {'ticket_id': row.id, 'e164': e164}
            for row in rows
            if (e164 := phone.normalise(row.citizen_phone)) is not None
        ]
        if found:
            conn.execute(
                tickets.update()
                .where(tickets.c.id == sa.bindparam('ticket_id'))
                .values(citizen_phone_e164=sa.bindparam('e164')),
                found,
            )
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_citizen_phone_e164'))
        batch_op.drop_column('call_ended_at')
        batch_op.drop_column('call_started_at')
        batch_op.drop_column('citizen_phone_e164')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calls_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_calls_number_e164'))
        batch_op.drop_index('ix_calls_created_at')
        batch_op.drop_index('ix_calls_agent_created')
    op.drop_table('calls')
