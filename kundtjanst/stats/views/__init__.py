"""The resolution dashboard, its drill-down lists and the Servicemätning contact list.
Each module adds its routes to `bp`. (Exports of the period's tickets are
`kundtjanst.exports`.)"""

from . import contacts, dashboard, drilldown
from .blueprint import bp

__all__ = ["bp", "contacts", "dashboard", "drilldown"]
