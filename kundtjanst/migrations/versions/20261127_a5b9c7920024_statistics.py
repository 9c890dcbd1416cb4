"""Statistics: daily rows, answer-time histogram, learning-loop reasons, repeat links.

Revision ID: a5b9c7920024
Revises: b534df221939
Create Date: 2026-11-27 14:40:20.017657

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5b9c7920024'
down_revision = 'b534df221939'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('could_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_could_reasons')),
    sa.UniqueConstraint('name', name=op.f('uq_could_reasons_name'))
    )
    op.create_table('stats_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('first_contact', sa.Integer(), nullable=False),
    sa.Column('first_contact_kundtjanst', sa.Integer(), nullable=False),
    sa.Column('first_contact_svarsgrupp', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('referred', sa.Integer(), nullable=False),
    sa.Column('forwarded', sa.Integer(), nullable=False),
    sa.Column('resolved_kundtjanst', sa.Integer(), nullable=False),
    sa.Column('resolved_svarsgrupp', sa.Integer(), nullable=False),
    sa.Column('async_resolved', sa.Integer(), nullable=False),
    sa.Column('async_within_day', sa.Integer(), nullable=False),
    sa.Column('sla_breached', sa.Integer(), nullable=False),
    sa.Column('could_have_answered', sa.Integer(), nullable=False),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_daily'))
    )
    with op.batch_alter_table('stats_daily', schema=None) as batch_op:
        batch_op.create_index('ix_stats_daily_day', ['day'], unique=False)

    op.create_table('stats_daily_answer_time',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_daily_answer_time'))
    )
    with op.batch_alter_table('stats_daily_answer_time', schema=None) as batch_op:
        batch_op.create_index('ix_stats_daily_answer_time_day', ['day'], unique=False)

    op.create_table('stats_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_stats_days'))
    )
    # Event kinds grow with features: validated in Python, no CHECK constraint.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_event_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.VARCHAR(length=20),
                              type_=sa.String(length=30), existing_nullable=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolved_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answered_within_day', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('could_have_answered', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('could_reason_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('could_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('repeat_of_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_tickets_resolved_answer', ['resolved_at', 'answer_minutes'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_resolved_group_id_groups'), 'groups', ['resolved_group_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_tickets_could_reason_id_could_reasons'), 'could_reasons', ['could_reason_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_tickets_received_group_id_groups'), 'groups', ['received_group_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_tickets_repeat_of_id_tickets'), 'tickets', ['repeat_of_id'], ['id'])

    # Existing tickets: the group a ticket first went to is the routed group, if
    # a rule routed it, else kundtjänst; the resolving group is its group.
    op.execute("""
        UPDATE tickets SET received_group_id = COALESCE(
            (SELECT e.group_id FROM events e
              WHERE e.ticket_id = tickets.id AND e.kind = 'routed' ORDER BY e.id LIMIT 1),
            (SELECT g.id FROM groups g WHERE g.kind = 'frontline' ORDER BY g.id LIMIT 1))
    """)
    op.execute("UPDATE tickets SET resolved_group_id = group_id WHERE status = 'resolved'")



def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_repeat_of_id_tickets'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tickets_received_group_id_groups'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tickets_could_reason_id_could_reasons'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tickets_resolved_group_id_groups'), type_='foreignkey')
        batch_op.drop_index('ix_tickets_resolved_answer')
        batch_op.drop_column('repeat_of_id')
        batch_op.drop_column('could_note')
        batch_op.drop_column('could_reason_id')
        batch_op.drop_column('could_have_answered')
        batch_op.drop_column('answered_within_day')
        batch_op.drop_column('answer_minutes')
        batch_op.drop_column('resolved_group_id')
        batch_op.drop_column('received_group_id')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=30),
                              type_=sa.VARCHAR(length=20), existing_nullable=False)
        batch_op.create_check_constraint('event_kind', sa.text(
            "kind IN ('created', 'routed', 'note', 'reply', 'escalated', 'claimed', "
            "'released', 'transferred', 'resolved', 'reopened', 'citizen_message', "
            "'repeat_contact')"))

    op.drop_table('stats_days')
    with op.batch_alter_table('stats_daily_answer_time', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_daily_answer_time_day')

    op.drop_table('stats_daily_answer_time')
    with op.batch_alter_table('stats_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_daily_day')

    op.drop_table('stats_daily')
    op.drop_table('could_reasons')
