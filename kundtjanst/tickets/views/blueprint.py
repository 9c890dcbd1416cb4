"""The staff ticket pages' blueprint: lists (`lists`), the ticket page and the machinery
its forms go through (`page`), and the actions (`actions`)."""

from flask import Blueprint

bp = Blueprint("tickets", __name__)
