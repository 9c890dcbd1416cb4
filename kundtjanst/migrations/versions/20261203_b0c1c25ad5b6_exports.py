"""Exports produced in the background: the request and its file, in chunks.

Revision ID: b0c1c25ad5b6
Revises: c3f7a9e2b410
Create Date: 2026-12-03 16:03:40

An export (the CSV or XLSX of a period's tickets) is asked for in a request and
written by the job exports.produce; its file is kept in export_chunks (1 MiB each)
until it expires, so every server behind the load balancer can hand it out.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0c1c25ad5b6'
down_revision = 'c3f7a9e2b410'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "csv",
                "xlsx",
                name="export_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "running",
                "done",
                "failed",
                "expired",
                name="export_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("failure", sa.String(length=30), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("confidential", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_exports_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exports_requested_by_id_created_at", ["requested_by_id", "created_at"]
        )
        batch_op.create_index("ix_exports_status_created_at", ["status", "created_at"])

    op.create_table(
        "export_chunks",
        sa.Column("export_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["exports.id"],
            name=op.f("fk_export_chunks_export_id_exports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("export_id", "seq", name=op.f("pk_export_chunks")),
    )


def downgrade():
    op.drop_table("export_chunks")
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_index("ix_exports_status_created_at")
        batch_op.drop_index("ix_exports_requested_by_id_created_at")
    op.drop_table("exports")
