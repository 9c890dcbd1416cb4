"""Article translations: an article's title, short answer and text in another of the
citizens' languages, and every saved text of them.

Revision ID: 668f0bf1e9c1
Revises: b2b6d0fd3448
Create Date: 2026-12-05 21:30:00

New tables only; no article has a translation yet.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '668f0bf1e9c1'
down_revision = 'b2b6d0fd3448'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('article_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_translations_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_article_translations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_translations')),
    sa.UniqueConstraint('article_id', 'language', name=op.f('uq_article_translations_article_id'))
    )
    op.create_table('article_translation_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_translation_versions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_article_translation_versions_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_translation_versions')),
    sa.UniqueConstraint('article_id', 'language', 'number', name=op.f('uq_article_translation_versions_article_id'))
    )


def downgrade():
    op.drop_table('article_translation_versions')
    op.drop_table('article_translations')
