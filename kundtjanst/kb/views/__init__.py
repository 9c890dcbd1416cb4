"""The staff's knowledge pages under /kunskap: the list and search (`lists`), an
article, its history and earlier versions (`articles`), writing and changing one
(`edit`), its translations (`translations`), and the answer templates (`templates`).
Each module adds its routes to `bp`."""

from . import articles, edit, lists, templates, translations
from .blueprint import bp

__all__ = ["articles", "bp", "edit", "lists", "templates", "translations"]
