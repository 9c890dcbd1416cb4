"""Writing an export's rows into a file — CSV for Swedish Excel or an Excel workbook,
as `stats.exports` defines them — on the producing process's own disk, a temporary
file that is read back into the database in chunks and then removed."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext as _

from ..stats.exports import COLUMNS, Row, as_text, csv_stream
from .models import ExportKind

# Excel's sheet holds 1,048,576 rows; one is the header.
XLSX_MAX_ROWS = 1_048_575
# The producer hears of progress every so many rows.
PROGRESS_ROWS = 1000


class TooManyRows(Exception):
    """More tickets than an Excel sheet holds."""

    failure = "too_many_rows"  # as `services.Refused` names why


@dataclass
class Written:
    file: IO[bytes]  # positioned at its start once written
    rows: int
    size: int = 0  # bytes
    confidential: list[str] = field(default_factory=list)  # references, in file order


def scratch() -> IO[bytes]:
    """A temporary file for one export, removed when closed."""
    return tempfile.TemporaryFile(prefix="kundtjanst-export-")


def write(
    kind: ExportKind, rows: Iterable[Row], progress: Callable[[int], None], file: IO[bytes]
) -> Written:
    """The rows into ``file`` as ``kind``; ``progress(rows so far)`` every PROGRESS_ROWS."""
    written = Written(file, 0)
    limit = XLSX_MAX_ROWS if kind == ExportKind.XLSX else None
    cells = _counted(rows, written, progress, limit)
    if kind == ExportKind.XLSX:
        _xlsx(cells, file)
    else:
        for text in csv_stream(COLUMNS, cells):
            file.write(text.encode("utf-8"))
    written.size = file.seek(0, 2)  # its end
    file.seek(0)
    return written


def _counted(
    rows: Iterable[Row], written: Written, progress: Callable[[int], None], limit: int | None
) -> Iterator[list]:
    for row in rows:
        written.rows += 1
        if limit is not None and written.rows > limit:
            raise TooManyRows(limit)
        if row.confidential:
            written.confidential.append(row.cells[0])
        yield row.cells
        if written.rows % PROGRESS_ROWS == 0:
            progress(written.rows)


def fits(kind: ExportKind, rows: int) -> None:
    """Refuse (TooManyRows) before writing what an Excel sheet cannot hold."""
    if kind == ExportKind.XLSX and rows > XLSX_MAX_ROWS:
        raise TooManyRows(XLSX_MAX_ROWS)


def _xlsx(rows: Iterable[list], file: IO[bytes]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Questions"))
    try:
        sheet.append(list(COLUMNS))
        for cells in rows:
            sheet.append([as_text(v) for v in cells])
    except BaseException:
        # openpyxl keeps a write-only sheet in a temporary file of its own until the
        # workbook is saved (or the process ends): a failed export removes it now.
        sheet.close()
        sheet._writer.cleanup()
        raise
    workbook.save(file)
