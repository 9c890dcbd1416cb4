"""The statistics pages' blueprint: the dashboard (`dashboard`), the tickets behind a
figure (`drilldown`) and the Servicemätning contact list (`contacts`)."""

from flask import Blueprint

bp = Blueprint("stats", __name__)
