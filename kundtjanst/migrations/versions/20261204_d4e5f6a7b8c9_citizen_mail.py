"""Mail to citizens: in the outbox, the ticket a message is about, its kind, its HTML
part and threading headers, and whether a bounce said it did not arrive;
on the ticket, the citizen's Message-IDs that our answers continue.

Revision ID: d4e5f6a7b8c9
Revises: b0c1c25ad5b6
Create Date: 2026-12-04 16:45:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'b0c1c25ad5b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_root_id', sa.String(length=998), nullable=True))
        batch_op.add_column(sa.Column('mail_last_id', sa.String(length=998), nullable=True))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('kind', sa.String(length=10), server_default='notice', nullable=False)
        )
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('in_reply_to', sa.String(length=998), nullable=True))
        batch_op.add_column(sa.Column('references', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('auto_submitted', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('undeliverable_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('undeliverable_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_ticket_id_tickets'), 'tickets', ['ticket_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_ticket_id_tickets'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_ticket_id'))
        for column in (
            'undeliverable_reason',
            'undeliverable_at',
            'auto_submitted',
            'references',
            'in_reply_to',
            'reply_to',
            'html_body',
            'kind',
        ):
            batch_op.drop_column(column)
        batch_op.drop_column('ticket_id')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('mail_last_id')
        batch_op.drop_column('mail_root_id')
