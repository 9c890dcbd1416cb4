"""The resolution dashboard, its drill-down lists and exports. Each module adds its
routes to `bp`."""

from . import dashboard, drilldown, exports
from .blueprint import bp

__all__ = ["bp", "dashboard", "drilldown", "exports"]
