"""The statistics pages' blueprint: the dashboard (`dashboard`), the tickets behind a
figure (`drilldown`) and the exports (`exports`)."""

from flask import Blueprint

bp = Blueprint("stats", __name__)
