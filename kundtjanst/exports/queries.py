"""Reading exports: one's own, recent first, and a finished file's bytes."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from .. import locales
from ..extensions import db
from ..forms import MAX_ID
from ..org.models import Category, Department, Group
from .models import Export, ExportChunk

RECENT = 20  # exports listed on "my exports"


def own(user, export_id: int) -> Export | None:
    """The export if ``user`` asked for it; None for anyone else's (and any id no
    integer column can hold)."""
    if not 0 < export_id <= MAX_ID:
        return None
    return db.session.scalar(
        select(Export).where(Export.id == export_id, Export.requested_by_id == user.id)
    )


def recent(user) -> list[Export]:
    return list(
        db.session.scalars(
            select(Export)
            .where(Export.requested_by_id == user.id)
            .order_by(Export.created_at.desc(), Export.id.desc())
            .limit(RECENT)
        )
    )


def file_chunks(export_id: int) -> Iterator[bytes]:
    """The file, a chunk at a time (each read on its own: the file may be large)."""
    seqs = db.session.scalars(
        select(ExportChunk.seq).where(ExportChunk.export_id == export_id).order_by(ExportChunk.seq)
    ).all()
    for seq in seqs:
        data = db.session.scalar(
            select(ExportChunk.data).where(
                ExportChunk.export_id == export_id, ExportChunk.seq == seq
            )
        )
        if data is None:  # deleted meanwhile (the file expired during the download)
            return
        yield data


def filter_names(export: Export) -> dict[str, str]:
    """The names of the subject area, department and group the export was asked for
    with ("–" for one deleted since), and of the citizens' language."""
    names = {}
    for key, model, id_ in (
        ("category", Category, export.category_id),
        ("department", Department, export.department_id),
        ("group", Group, export.group_id),
    ):
        if id_ is not None:
            found = db.session.get(model, id_)
            names[key] = found.name if found else "–"
    if export.language:
        names["language"] = locales.name(export.language)
    return names
