"""Working time and SLAs: office hours, special days, per-stage SLA clocks, job runs, scheduler lease.

Revision ID: 9a3aac1e3159
Revises: a5b9c7920024
Create Date: 2026-11-27 14:42:32.369176

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a3aac1e3159'
down_revision = 'a5b9c7920024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=60), nullable=False),
    sa.Column('trigger_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job', 'trigger_time', name='uq_job_runs_job_trigger')
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_started_at', ['started_at'], unique=False)

    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=True),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )
    op.create_table('office_hours',
    sa.Column('weekday', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('opens_minute', sa.Integer(), nullable=True),
    sa.Column('closes_minute', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(opens_minute IS NULL AND closes_minute IS NULL) OR (0 <= opens_minute AND opens_minute < closes_minute AND closes_minute <= 1440)', name=op.f('ck_office_hours_hours')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_office_hours_weekday')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_office_hours_updated_by_id_users')),
    sa.PrimaryKeyConstraint('weekday', name=op.f('pk_office_hours'))
    )
    op.create_table('special_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('closes_minute', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('closes_minute IS NULL OR (closes_minute > 0 AND closes_minute < 1440)', name=op.f('ck_special_days_closes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_special_days_created_by_id_users')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_special_days'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_sla_hours', sa.Integer(), server_default='24', nullable=False))

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_hours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unclaimed_alert_hours', sa.Integer(), nullable=True))

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('frontline_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('answer_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sla_breached_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_breach_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('unclaimed_alerted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_tickets_group_status_due', ['group_id', 'status', 'due_at'], unique=False)
        batch_op.create_index('ix_tickets_status_due', ['status', 'due_at'], unique=False)

    # Existing svarsgrupper alert after four unclaimed working hours, as new ones do;
    # open tickets' current stage is taken to have started when they entered their group.
    op.execute("UPDATE groups SET unclaimed_alert_hours = 4 WHERE kind = 'answer'")
    op.execute("UPDATE tickets SET stage_started_at = group_entered_at WHERE status <> 'resolved'")



def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_status_due')
        batch_op.drop_index('ix_tickets_group_status_due')
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('unclaimed_alerted_at')
        batch_op.drop_column('sla_breach_count')
        batch_op.drop_column('sla_breached_at')
        batch_op.drop_column('answer_seconds')
        batch_op.drop_column('frontline_seconds')
        batch_op.drop_column('stage_started_at')

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_column('unclaimed_alert_hours')
        batch_op.drop_column('sla_hours')

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('answer_sla_hours')

    op.drop_table('special_days')
    op.drop_table('office_hours')
    op.drop_table('scheduler_leases')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_started_at')

    op.drop_table('job_runs')
