"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi …``."""

from kundtjanst import create_app

app = create_app()
