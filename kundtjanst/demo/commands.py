"""``flask demo seed``."""

from __future__ import annotations

from flask.cli import AppGroup


def register_demo_commands(group: AppGroup) -> None:
    pass
