"""Knowledge base search indexes: on PostgreSQL pg_trgm, a GIN index over the
weighted Swedish full-text vector (a stored generated column) and GIN trigram
indexes over the article text and the titles; on SQLite an FTS5 table (trigram
tokenizer) kept in step with `articles` by triggers, and its trigram counts
(fts5vocab).

Revision ID: 4b8d0f2c6e31
Revises: 3a7c9e1b5d20
Create Date: 2026-12-04 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b8d0f2c6e31'
down_revision = '3a7c9e1b5d20'
branch_labels = None
depends_on = None

# The expressions must read exactly as kundtjanst/kb/search_pg.py writes them, or the
# planner will not use the indexes.
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Stored, so that ranking reads the vector instead of stemming every body again;
    # not in the models (SQLite has none), like the FTS5 table there.
    """ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('swedish'::regconfig, title), 'A')
        || setweight(to_tsvector('swedish'::regconfig, summary), 'B')
        || setweight(to_tsvector('swedish'::regconfig, body), 'C')) STORED""",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
    """CREATE INDEX ix_articles_search_trgm ON articles USING gin ((
        title || ' ' || summary || ' ' || body) gin_trgm_ops)""",
    "CREATE INDEX ix_articles_title_trgm ON articles USING gin (title gin_trgm_ops)",
]
# The extension stays: other objects may use it, and dropping it needs more rights.
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_articles_title_trgm",
    "DROP INDEX IF EXISTS ix_articles_search_trgm",
    "DROP INDEX IF EXISTS ix_articles_search_vector",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_vector",
]

# External content: the text lives in `articles` only; the triggers tell the index
# what changed ('delete' needs the old values, which the UPDATE trigger still has).
SQLITE_UP = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, summary, body, content='articles', content_rowid='id',
        tokenize='trigram case_sensitive 0')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, body ON articles
    BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO articles_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    # Each trigram with the number of articles having it: the approximate search
    # looks for a word's rarer pieces first.
    "CREATE VIRTUAL TABLE articles_fts_terms USING fts5vocab(articles_fts, 'row')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts_terms",
    "DROP TABLE IF EXISTS articles_fts",
]


def _run(statements):
    for statement in statements:
        op.execute(sa.text(statement))


def upgrade():
    dialect = op.get_bind().dialect.name
    _run({"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(dialect, []))


def downgrade():
    dialect = op.get_bind().dialect.name
    _run({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(dialect, []))
