"""The resolution dashboard, its drill-down lists, the Servicemätning contact list and
the knowledge gap report.
Each module adds its routes to `bp`. (Exports of the period's tickets are
`kundtjanst.exports`.)"""

from . import contacts, dashboard, drilldown, knowledge
from .blueprint import bp

__all__ = ["bp", "contacts", "dashboard", "drilldown", "knowledge"]
