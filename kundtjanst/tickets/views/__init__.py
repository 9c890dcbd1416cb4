"""Staff views of tickets: the kundtjänst inbox, svarsgrupp queues, "mine", search,
the ticket page and the actions on it. Each module adds its routes to `bp`."""

from . import actions, lists, page
from .blueprint import bp

__all__ = ["actions", "bp", "lists", "page"]
