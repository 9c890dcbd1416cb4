"""Human ticket references: ``KT-<year>-<6-digit sequence>``.

Numbers count per year, are unique, and are never handed out twice. On
PostgreSQL the counter is bumped in a short transaction of its own, so creating
tickets never queues behind a long request holding the counter row; a request
that later fails leaves a gap, which is allowed. SQLite serialises writers
anyway, so there the bump joins the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .models import TicketSequence

PREFIX = "KT"


def format_reference(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:06d}"


def _bump(conn: Connection, year: int, count: int = 1) -> int:
    """Raise the year's counter by ``count`` (creating it at ``count``); the new last value."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    table = TicketSequence.__table__
    stmt = (
        dialect.insert(table)
        .values(year=year, last_value=count)
        .on_conflict_do_update(
            index_elements=[table.c.year], set_={"last_value": table.c.last_value + count}
        )
        .returning(table.c.last_value)
    )
    return conn.execute(stmt).scalar_one()


def next_reference(year: int) -> str:
    """Allocate the next reference for ``year``."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            number = _bump(conn, year)
    else:
        number = _bump(db.session.connection(), year)
    return format_reference(year, number)


def reserve_block(year: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers in the caller's transaction; return the first.

    Used by bulk loaders (demo data, benchmarks) that insert many tickets at once.
    The counter row stays locked until the caller commits, so commit before
    creating tickets one by one in the same year.
    """
    return _bump(db.session.connection(), year, count) - count + 1
