"""Secrecy sticks to what was written: confidential subject areas, a ticket's secrecy
group, and who closed it.

Revision ID: 6b88ab1de4c9
Revises: a1e6f3c4d829
Create Date: 2026-12-03 16:00:00

Until now ``tickets.confidential`` followed the ticket's current group, so a ticket
transferred out of a confidential group lost its secrecy. Now a ticket is confidential
once it has entered a confidential group (or is filed under a confidential subject
area) and stays so. Existing tickets that ever passed through a confidential group
(a timeline entry in it, or their current group) become confidential again, their
secrecy group the first confidential group they entered. Subject areas start without
the flag: administrators set it. ``resolved_by_id`` is filled in from each ticket's
last closing entry.

The downgrade gives every ticket its current group's flag again, as the old code did.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6b88ab1de4c9'
down_revision = 'a1e6f3c4d829'
branch_labels = None
depends_on = None

groups = sa.table("groups", sa.column("id", sa.Integer), sa.column("confidential", sa.Boolean))
tickets = sa.table(
    "tickets",
    sa.column("id", sa.Integer),
    sa.column("group_id", sa.Integer),
    sa.column("confidential", sa.Boolean),
    sa.column("secrecy_group_id", sa.Integer),
    sa.column("resolved_by_id", sa.Integer),
)
events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("ticket_id", sa.Integer),
    sa.column("group_id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("kind", sa.String),
)


def _secret_groups():
    return sa.select(groups.c.id).where(groups.c.confidential.is_(True))


def _mark_tickets_that_entered_a_confidential_group() -> None:
    in_secret_group = events.c.group_id.in_(_secret_groups())
    first_entered = (
        sa.select(events.c.group_id)
        .where(events.c.ticket_id == tickets.c.id, in_secret_group)
        .order_by(events.c.id)
        .limit(1)
        .scalar_subquery()
    )
    passed_through = sa.select(events.c.ticket_id).where(in_secret_group)
    op.execute(
        tickets.update()
        .where(
            sa.or_(
                tickets.c.id.in_(passed_through),
                tickets.c.group_id.in_(_secret_groups()),
            )
        )
        .values(
            confidential=True,
            secrecy_group_id=sa.func.coalesce(first_entered, tickets.c.group_id),
        )
    )


def _fill_in_who_closed() -> None:
    closings = events.c.kind == "resolved"
    last_closer = (
        sa.select(events.c.actor_id)
        .where(events.c.ticket_id == tickets.c.id, closings)
        .order_by(events.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    op.execute(
        tickets.update()
        .where(tickets.c.id.in_(sa.select(events.c.ticket_id).where(closings)))
        .values(resolved_by_id=last_closer)
    )


def upgrade():
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('confidential', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secrecy_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_tickets_secrecy_group_id_groups'), 'groups', ['secrecy_group_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_tickets_resolved_by_id_users'), 'users', ['resolved_by_id'], ['id']
        )
    _mark_tickets_that_entered_a_confidential_group()
    _fill_in_who_closed()


def downgrade():
    op.execute(
        tickets.update().values(
            confidential=sa.func.coalesce(
                sa.select(groups.c.confidential)
                .where(groups.c.id == tickets.c.group_id)
                .scalar_subquery(),
                False,
            )
        )
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_resolved_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(
            batch_op.f('fk_tickets_secrecy_group_id_groups'), type_='foreignkey'
        )
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('secrecy_group_id')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('confidential')
