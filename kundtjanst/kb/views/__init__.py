"""The staff's knowledge pages under /kunskap: the list and search (`lists`), an
article, its history and earlier versions (`articles`), writing and changing one
(`edit`), and the answer templates (`templates`). Each module adds its routes to `bp`."""

from . import articles, edit, lists, templates
from .blueprint import bp

__all__ = ["articles", "bp", "edit", "lists", "templates"]
