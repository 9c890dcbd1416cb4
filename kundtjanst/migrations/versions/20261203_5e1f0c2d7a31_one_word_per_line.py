"""One word per line of en väg in: 'frontline' and 'answer', as groups already say.

Revision ID: 5e1f0c2d7a31
Revises: 2204c97c3cd2
Create Date: 2026-12-03 15:00:00

Groups called their two kinds 'frontline' (kundtjänst) and 'answer' (a svarsgrupp),
while the stage a ticket was resolved in was stored as 'kundtjanst' / 'svarsgrupp'
(tickets.answered_by, the 'stage' of resolved and SLA-breach timeline entries) and
four statistics counters were named after those. Now every place uses the groups'
words. The values and names change; no fact does: the timeline keeps every entry,
each with the same meaning, and the daily statistics rows keep their numbers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c2d7a31'
down_revision = '2204c97c3cd2'
branch_labels = None
depends_on = None

COUNTERS = {
    "first_contact_kundtjanst": "first_contact_frontline",
    "first_contact_svarsgrupp": "first_contact_answer",
    "resolved_kundtjanst": "resolved_frontline",
    "resolved_svarsgrupp": "resolved_answer",
}


def _swap(old_words, new_words, old_check, new_check, counters):
    (old_front, old_answer), (new_front, new_answer) = old_words, new_words
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(old_check, type_="check")
    for old, new in ((old_front, new_front), (old_answer, new_answer)):
        op.execute(f"UPDATE tickets SET answered_by = '{new}' WHERE answered_by = '{old}'")
        _event_stage(old, new)
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_check_constraint(
            new_check, f"answered_by IN ('{new_front}', '{new_answer}')"
        )
    with op.batch_alter_table("stats_daily", schema=None) as batch_op:
        for old, new in counters.items():
            batch_op.alter_column(old, new_column_name=new, existing_type=sa.Integer())


def _event_stage(old: str, new: str) -> None:
    """The ``stage`` key in timeline entries' JSON data."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE events SET data = jsonb_set(data::jsonb, '{stage}', "
            f"'\"{new}\"')::json WHERE data->>'stage' = '{old}'"
        )
    else:
        op.execute(
            f"UPDATE events SET data = json_set(data, '$.stage', '{new}') "
            f"WHERE json_extract(data, '$.stage') = '{old}'"
        )


def upgrade():
    _swap(("kundtjanst", "svarsgrupp"), ("frontline", "answer"), "stage", "answered_by", COUNTERS)


def downgrade():
    _swap(
        ("frontline", "answer"),
        ("kundtjanst", "svarsgrupp"),
        "answered_by",
        "stage",
        {new: old for old, new in COUNTERS.items()},
    )
