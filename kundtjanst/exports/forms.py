"""The export button: which file to make of the dashboard's period and filters."""

from __future__ import annotations

from ..forms import BaseForm, ChoiceField, choice
from ..lazytext import lazy_gettext as _l
from .models import ExportKind

FORMATS = {
    ExportKind.CSV: _l("CSV (Excel, Swedish)"),
    ExportKind.XLSX: _l("Excel workbook"),
}


class ExportForm(BaseForm):
    format = ChoiceField(
        _l("Format"),
        required=True,
        choices=[choice(kind.value, label) for kind, label in FORMATS.items()],
    )
