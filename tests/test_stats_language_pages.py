"""The dashboard's language filter on every surface that takes its filters (the page,
its JSON, the drill-down, the API, the exports), hostile values, and the migration
that makes the language a slice of the stored rows. The figures themselves:
tests/test_stats_language.py, whose year of tickets these tests share."""

# ruff: noqa: F811  (``world``, the fixture shared with test_stats_language.py, is
# imported and then named by each test)
from __future__ import annotations

from datetime import date

import flask_migrate
from sqlalchemy import bindparam, inspect, text
from sqlalchemy.orm import close_all_sessions

from kundtjanst.core.timeutil import local_day_bounds
from kundtjanst.dbtypes import UTCDateTime
from kundtjanst.extensions import db
from kundtjanst.stats import services as stats_services
from kundtjanst.stats.aggregate import Filters
from kundtjanst.stats.figures import clear_cache, figures

from .api_helpers import bearer, make_token
from .exporting import export
from .test_stats import assert_same
from .test_stats_language import (  # noqa: F401  (world: the shared fixture)
    LANGUAGES,
    TODAY,
    YEAR,
    assert_matches_sql,
    build_year,
    sql_language,
    world,
)

# --- the pages, the JSON, the API and the exports ------------------------------------


def year_query(language: str | None = None) -> str:
    query = f"period=custom&from={YEAR.first}&to={YEAR.last}"
    return f"{query}&language={language}" if language else query


def test_dashboard_and_json_filter_by_language(app, world, login_as):
    build_year()
    manager = login_as("manager")
    for language in LANGUAGES:
        expected = sql_language(YEAR.first, YEAR.last, language)
        body = manager.get(f"/statistik.json?{year_query(language)}").get_json()
        assert body["filters"]["language"] == language
        assert (body["received"], body["resolved"]) == (expected["received"], expected["resolved"])
        n, d = expected["first_contact"]
        assert (body["first_contact"]["numerator"], body["first_contact"]["denominator"]) == (n, d)
    assert manager.get(f"/statistik.json?{year_query()}").get_json()["filters"]["language"] is None

    html = manager.get(f"/statistik?{year_query('fi')}").get_data(as_text=True)
    assert '<option lang="fi" selected value="fi">Suomi</option>' in html
    assert '<option lang="en" value="en">English</option>' in html
    assert '<option value="">Alla språk</option>' in html
    assert 'id="active-filters"' in html and "Språk: <strong>Suomi</strong>" in html
    # Carried into the drill-down links, the JSON link and the export form.
    assert "language=fi" in html.split('id="export-title"')[1]
    assert "&amp;language=fi" in html.split('id="headline-title"')[1]
    assert "självservicesvar sparar inte medborgarens språk" in html
    plain = manager.get(f"/statistik?{year_query()}").get_data(as_text=True)
    assert 'id="active-filters"' not in plain
    assert "självservicesvar sparar inte" not in plain


def test_the_api_takes_the_language_as_the_dashboard_does(app, world, org, login_as, client):
    with app.app_context():
        token = make_token(("stats:read",), user_id=org.users.manager)
    page = login_as("manager").get(f"/statistik.json?{year_query('en')}").get_json()
    api = client.get(f"/api/v1/statistics?{year_query('en')}", headers=bearer(token))
    assert api.status_code == 200 and api.get_json() == page
    for bad in ("de", "xx", "SV", "x" * 13, ""):
        response = client.get(f"/api/v1/statistics?language={bad}", headers=bearer(token))
        assert response.status_code == 422, bad


def test_drilldown_lists_the_tickets_of_the_language(app, world, login_as):
    manager = login_as("manager")
    for language in ("en", "fi"):
        start, end = local_day_bounds(YEAR.first, YEAR.last)
        references = set(
            db.session.scalars(
                text(
                    "SELECT reference FROM tickets WHERE language = :l "
                    "AND created_at >= :s AND created_at < :e"
                ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime)),
                {"l": language, "s": start, "e": end},
            )
        )
        html = manager.get(f"/statistik/arenden?measure=received&{year_query(language)}").get_data(
            as_text=True
        )
        assert f"{len(references)} ärenden" in html
        assert "Språk: <strong>" in html
        everyone = set(db.session.scalars(text("SELECT reference FROM tickets")))
        assert {r for r in everyone if f">{r}<" in html} <= references


def test_exports_take_the_language(app, world, login_as):
    from kundtjanst.audit.models import AuditEntry
    from kundtjanst.exports.models import Export

    client = login_as("manager")
    fi_refs = set(db.session.scalars(text("SELECT reference FROM tickets WHERE language = 'fi'")))

    def references(query: str) -> set[str]:
        lines = export(app, client, query).get_data().decode("utf-8-sig").split("\r\n")
        return {line.split(";")[0] for line in lines[1:] if line}

    everything = references(year_query())
    only_fi = references(year_query("fi"))
    assert only_fi == everything & fi_refs and only_fi
    assert everything - only_fi

    with app.app_context():
        asked = db.session.scalars(
            db.select(Export).where(Export.language == "fi").order_by(Export.id)
        ).all()
        assert len(asked) == 1
        entry = db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.action == "stats.export")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry.details["language"] == "fi"
        export_id = asked[0].id
    page = client.get(f"/statistik/exporter/{export_id}").get_data(as_text=True)
    assert "<dt>Språk</dt><dd>Suomi</dd>" in page
    assert "language=fi" in page  # "ask for it again" keeps it


# --- hostile values ----------------------------------------------------------------------

HOSTILE = ["xx", "de", "SV", "sv ", "%3Cscript%3E", "fi%00", "x" * 200, "1", "sv%0Aen"]


def test_a_hostile_language_is_the_forms_clear_error(app, world, login_as):
    manager = login_as("manager")
    for value in HOSTILE:
        page = manager.get(f"/statistik?language={value}")
        assert page.status_code == 400, value
        if "%00" not in value:  # NUL in a URL is refused before any view runs
            assert "Något behöver rättas" in page.get_data(as_text=True), value
        body = manager.get(f"/statistik.json?language={value}")
        assert body.status_code == 400 and body.get_json()["error"], value
        drill = manager.get(f"/statistik/arenden?measure=resolved&language={value}")
        assert drill.status_code == 400, value
        assert manager.get(f"/statistik/kunskap?language={value}").status_code == 400, value
        asked = manager.post(f"/statistik/exporter?language={value}", data={"format": "csv"})
        assert asked.status_code == 400, value
        assert db.session.execute(text("SELECT count(*) FROM exports")).scalar_one() == 0


def test_a_language_no_longer_offered_is_refused(app, world, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CITIZEN_LANGUAGES", ("sv", "en"))
    manager = login_as("manager")
    assert manager.get("/statistik.json?language=fi").status_code == 400
    html = manager.get("/statistik").get_data(as_text=True)
    assert 'value="en"' in html and 'value="fi"' not in html


# --- the migration ------------------------------------------------------------------------

SLICED = (
    "stats_daily",
    "stats_daily_answer_time",
    "stats_daily_could_reason",
    "stats_monthly",
    "stats_monthly_answer_time",
    "stats_monthly_could_reason",
)
BEFORE = "b7d1f3a5c9e2"


def columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def stored_totals() -> dict[str, int]:
    return {
        table: int(
            db.session.execute(
                text(f"SELECT COALESCE(SUM({measure}), 0) FROM {table}")
            ).scalar_one()
        )
        for table, measure in (
            ("stats_daily", "received + resolved + first_contact"),
            ("stats_monthly", "received + resolved + first_contact"),
            ("stats_daily_answer_time", "count * (minutes + 1)"),
            ("stats_monthly_answer_time", "count * (minutes + 1)"),
            ("stats_monthly_answer_total", "count * (minutes + 1)"),
            ("stats_days", "1"),
        )
    }


def test_migration_adds_the_language_and_undoes_it(app, world):
    """Down and up with rows in every language: the counts survive both ways. Up with
    Swedish rows only: every row becomes "sv" and stays built."""
    build_year()
    totals = stored_totals()
    close_all_sessions()  # the fixture's open transaction would hold the tables
    flask_migrate.downgrade(revision=BEFORE)
    for table in (*SLICED, "exports"):
        assert "language" not in columns(table), table
    assert stored_totals() == totals  # several languages' rows become rows of one slice
    # Back to every ticket in Swedish, as the languages' own migration left them.
    db.session.execute(text("UPDATE tickets SET language = 'sv'"))
    db.session.commit()
    close_all_sessions()
    flask_migrate.upgrade(revision="heads")
    for table in (*SLICED, "exports"):
        assert "language" in columns(table), table
    assert stored_totals() == totals
    for table in SLICED:
        languages = db.session.scalars(text(f"SELECT DISTINCT language FROM {table}")).all()
        assert languages == ["sv"], table
    clear_cache()
    sv = figures(YEAR, Filters(language="sv"))
    assert sv == figures(YEAR, Filters(language="sv"), use_rows=False)
    assert_same(sv, sql_language(YEAR.first, YEAR.last, "sv"))
    assert figures(YEAR, Filters(language="fi")).total.received == 0


def test_migration_forgets_the_days_from_the_first_ticket_in_another_language(app, world):
    """Tickets in Finnish before the rows learnt the language (the two migrations applied
    apart): from that ticket's day on, the days are counted live until rebuilt."""
    build_year()
    close_all_sessions()
    flask_migrate.downgrade(revision=BEFORE)
    first_fi = date(2026, 6, 15)
    start, _end = local_day_bounds(first_fi, first_fi)
    db.session.execute(
        text(
            "UPDATE tickets SET language = CASE WHEN created_at >= :s THEN language ELSE 'sv' END"
        ).bindparams(bindparam("s", type_=UTCDateTime)),
        {"s": start},
    )
    db.session.commit()
    close_all_sessions()
    flask_migrate.upgrade(revision="heads")
    built = db.session.scalars(text("SELECT day FROM stats_days")).all()
    assert built and max(date.fromisoformat(str(d)[:10]) for d in built) < first_fi
    months = db.session.scalars(text("SELECT DISTINCT month FROM stats_monthly")).all()
    assert max(date.fromisoformat(str(m)[:10]) for m in months) < first_fi.replace(day=1)
    assert (
        db.session.execute(
            text("SELECT count(*) FROM stats_daily WHERE day >= :d"), {"d": first_fi}
        ).scalar_one()
        == 0
    )
    clear_cache()
    for language in LANGUAGES:
        assert_matches_sql(YEAR.first, YEAR.last, language, use_rows=True)
    # The nightly job builds them again, in their languages.
    stats_services.build_until(TODAY)
    db.session.commit()
    clear_cache()
    for language in LANGUAGES:
        assert_matches_sql(YEAR.first, YEAR.last, language, use_rows=True)
