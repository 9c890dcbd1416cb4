"""At most one kundtjänst (frontline) group, enforced by a partial unique index.

Revision ID: edede1dafe25
Revises: 4c7b4c5ff8a4
Create Date: 2026-11-27 14:36:16.708982

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'edede1dafe25'
down_revision = '4c7b4c5ff8a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.create_index('uq_groups_one_frontline', ['kind'], unique=True, postgresql_where=sa.text("kind = 'frontline'"), sqlite_where=sa.text("kind = 'frontline'"))



def downgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index('uq_groups_one_frontline', postgresql_where=sa.text("kind = 'frontline'"), sqlite_where=sa.text("kind = 'frontline'"))

