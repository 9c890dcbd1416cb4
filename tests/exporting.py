"""The path every export takes (kundtjanst.exports): a user asks for it, the job
produces it, the user downloads it. Tests that read an export's file use these."""

from __future__ import annotations

from datetime import UTC, datetime

from kundtjanst.exports.jobs import produce
from kundtjanst.extensions import db


def ask(client, query: str = "", kind: str = "csv") -> str:
    """Ask for an export of ``query``'s period and filters; the export page's path."""
    response = client.post(f"/statistik/exporter?{query}", data={"format": kind})
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def run_export_job(app) -> dict[str, int]:
    """One run of the job `exports.produce`, as the scheduler would make it."""
    with app.app_context():
        counts = produce(datetime.now(UTC))
        db.session.commit()
    return counts


def export(app, client, query: str = "", kind: str = "csv"):
    """Ask, run the job, download: the file's response."""
    page = ask(client, query, kind)
    run_export_job(app)
    response = client.get(f"{page}/fil")
    assert response.status_code == 200, response.status_code
    return response
