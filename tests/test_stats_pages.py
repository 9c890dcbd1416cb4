"""The dashboard page, drill-down, exports and the Servicemätning list, and who sees what."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from openpyxl import load_workbook

from kundtjanst.extensions import db
from kundtjanst.stats.figures import clear_cache
from kundtjanst.tickets.models import Ticket

from .exporting import export
from .stats_data import Clock, populate
from .test_stats import DAYS, TODAY, local_moment, sql_figures


@pytest.fixture
def world(app, org, monkeypatch):
    """The same tickets as test_stats, but the clock left at "today" for requests."""
    clear_cache()
    with app.app_context():
        clock = Clock(monkeypatch, local_moment(DAYS[0], 0))
        moments = [local_moment(d, h, 45) for d in (DAYS[0], DAYS[1], TODAY) for h in (8, 10, 13)]
        moments += [local_moment(TODAY, h, 5) for h in range(8, 16)]
        made = populate(org, clock, moments)
        clock.set(local_moment(TODAY, 16))
        refs = {m.reference for m in made}
        confidential = {t.reference for t in db.session.query(Ticket) if t.confidential}
    return refs, confidential


def period_query() -> str:
    return f"period=custom&from={DAYS[0]}&to={TODAY}"


def test_dashboard_shows_figures_target_and_explanations(world, login_as, app):
    client = login_as("manager")
    response = client.get(f"/statistik?{period_query()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with app.app_context():
        expected = sql_figures(DAYS[0], TODAY)
    n, d = expected["first_contact"]
    share = f"{n / d * 100:.1f}".replace(".", ",")
    assert f"{share}\u00a0%" in html
    assert "Mål" in html and "70,0\u00a0%" in html
    assert "Hur räknas detta?" in html
    assert "Besvarade vid första kontakt per vecka" in html
    assert "<svg" in html and "<script" not in html
    assert "Öppna ärenden efter ålder" in html


@pytest.mark.parametrize(
    "preset", ["today", "week", "month", "last_month", "year", "last_12_months"]
)
def test_every_preset_period_renders(world, login_as, preset):
    assert login_as("manager").get(f"/statistik?period={preset}").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&from=2026-02-30&to=2026-03-01",
        "period=custom",
        "channel=%3Cscript%3E",
        "group=abc",
        "sort=evil",
        "department=99999999999",
    ],
)
def test_dashboard_bad_parameters_never_500(world, login_as, query):
    response = login_as("manager").get(f"/statistik?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Något behöver rättas" in response.get_data(as_text=True)


def test_drilldown_lists_the_tickets_behind_a_figure(world, login_as, app):
    refs, confidential = world
    client = login_as("manager")
    with app.app_context():
        n, _d = sql_figures(DAYS[0], TODAY)["first_contact"]
    html = client.get(f"/statistik/arenden?measure=first_contact&{period_query()}").get_data(
        as_text=True
    )
    listed = {r for r in refs if f">{r}<" in html}
    hidden = len([r for r in confidential])
    assert "ärenden" in html
    # Counted in full; confidential ones not listed to a manager.
    assert f"{n} ärenden" in html or f"{n} ärende" in html
    assert not listed & confidential
    assert hidden > 0
    assert "under sekretess" in html


def test_drilldown_lists_confidential_tickets_to_members(world, login_as):
    _refs, confidential = world
    html = (
        login_as("social")
        .get(f"/statistik/arenden?measure=resolved&{period_query()}")
        .get_data(as_text=True)
    )
    assert any(f">{r}<" in html for r in confidential)


def test_unknown_measure_is_404(world, login_as):
    assert login_as("manager").get("/statistik/arenden?measure=drop_table").status_code == 404


def test_agent_sees_own_group_figures_only(world, login_as, app, org):
    body = login_as("agent").get(f"/statistik.json?from={DAYS[0]}&to={TODAY}").get_json()
    assert body["filters"]["groups"] == [org.groups.kundtjanst]
    assert (
        login_as("agent")
        .get(f"/statistik.json?from={DAYS[0]}&to={TODAY}&group={org.groups.bygg}")
        .status_code
        == 400
    )


def test_staff_without_groups_and_anonymous(app, org, login_as, client):
    from kundtjanst.auth.models import User

    with app.app_context():
        lonely = User(email="x@sjostad.se", name="X", password_hash="x")
        db.session.add(lonely)
        db.session.commit()
        lonely_id = lonely.id
    from .conftest import login

    c = app.test_client()
    login(c, lonely_id)
    assert c.get("/statistik").status_code == 403
    assert client.get("/statistik").status_code == 302


def test_csv_export_opens_in_swedish_excel(world, login_as, app):
    refs, confidential = world
    response = export(app, login_as("manager"), period_query())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    for column in (
        "reference",
        "channel",
        "category",
        "group",
        "department",
        "created_at",
        "resolved_at",
        "outcome",
        "answered_by",
        "first_contact",
        "reopened",
    ):
        assert column in header
    exported = {r[0] for r in rows[1:]}
    assert exported == refs - confidential
    i = header.index("created_at")
    assert all("+01:00" in r[i] or "+02:00" in r[i] for r in rows[1:])
    assert {r[header.index("first_contact")] for r in rows[1:]} <= {"true", "false"}
    assert {r[header.index("outcome")] for r in rows[1:]} <= {
        "",
        "answered",
        "forwarded",
        "referred",
        "withdrawn",
    }
    hours = [
        r[header.index("answer_working_hours")]
        for r in rows[1:]
        if r[header.index("answer_working_hours")]
    ]
    assert hours and all("." not in h for h in hours)


def test_members_export_their_confidential_tickets(world, login_as, app):
    _refs, confidential = world
    text = export(app, login_as("social"), period_query()).get_data().decode("utf-8-sig")
    assert confidential <= {r[0] for r in csv.reader(io.StringIO(text), delimiter=";")}


def test_xlsx_export(world, login_as, app):
    refs, confidential = world
    response = export(app, login_as("admin"), period_query(), "xlsx")
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Frågor"]
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "reference"
    assert {r[0] for r in rows[1:]} == refs - confidential


def test_exports_are_audited(world, login_as, app):
    """The request is recorded, and each download."""
    from kundtjanst.audit.models import AuditEntry

    client = login_as("manager")
    export(app, client, period_query()).get_data()
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="stats.export").one()
        assert entry.details["from"] == str(DAYS[0]) and entry.target == "csv"
        download = db.session.query(AuditEntry).filter_by(action="stats.export_download").one()
        assert download.details["export"] == entry.details["export"]
        assert download.details["from"] == str(DAYS[0]) and download.details["to"] == str(TODAY)
    client.get(f"/statistik/exporter/{entry.details['export']}/fil").get_data()
    with app.app_context():
        downloads = db.session.query(AuditEntry).filter_by(action="stats.export_download")
        assert downloads.count() == 2


def test_contact_list_for_service_survey(world, login_as, app):
    client = login_as("manager")
    response = client.get(f"/statistik/kontaktlista.csv?date={TODAY}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["time", "channel", "phone", "email"]
    assert rows[1:] and {r[1] for r in rows[1:]} <= {"phone", "email"}
    assert all(r[0].startswith(str(TODAY)) for r in rows[1:])
    with app.app_context():
        from kundtjanst.stats.aggregate import local_day_bounds

        start, end = local_day_bounds(TODAY, TODAY)
        expected = [
            t
            for t in db.session.query(Ticket)
            if start <= t.created_at < end
            and t.channel in ("phone", "email")
            and not t.confidential
        ]
    assert len(rows) - 1 == len(expected)


@pytest.mark.parametrize("value", ["", "2026-02-30", "yesterday", "2026-1-1", "%00"])
def test_contact_list_bad_date(world, login_as, value):
    response = login_as("manager").get(f"/statistik/kontaktlista.csv?date={value}")
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["agent", "member", "social"])
def test_contact_list_is_for_managers(world, login_as, who):
    assert login_as(who).get(f"/statistik/kontaktlista.csv?date={TODAY}").status_code == 403


def test_stats_rebuild_command(app, world, runner):
    result = runner.invoke(args=["stats", "rebuild", "--from", str(DAYS[0])])
    assert result.exit_code == 0, result.output
    from kundtjanst.stats.models import StatsDay

    with app.app_context():
        days = db.session.query(StatsDay).count()
    assert days == (TODAY - DAYS[0]).days


def _drill_links(html: str) -> list[dict[str, str]]:
    """The query of every link from the page to a list of tickets."""
    links = re.findall(r'href="(/statistik/arenden\?[^"]*)"', html)
    return [dict(parse_qsl(urlsplit(unescape(link)).query)) for link in links]


def test_dashboard_links_its_counts_and_orders_the_backlog_by_name(world, login_as, app, org):
    from kundtjanst.auth.models import User
    from kundtjanst.org.models import Group
    from kundtjanst.settings import services as settings
    from kundtjanst.tickets import services

    from .factories import new_ticket

    with app.app_context():
        late, _ = new_ticket(category_id=org.categories.avfall)
        services.escalate(
            late, db.session.get(User, org.users.agent), db.session.get(Group, org.groups.bygg)
        )
        late.due_at = late.created_at - timedelta(hours=1)
        settings.put("repeat_contact_window_days", 10)
        db.session.commit()
    client = login_as("manager")
    html = client.get(f"/statistik?{period_query()}").get_data(as_text=True)
    links = _drill_links(html)
    bygg, kundtjanst = str(org.groups.bygg), str(org.groups.kundtjanst)
    assert any(link["measure"] == "resolved" and link.get("channel") == "phone" for link in links)
    assert any(link["measure"] == "resolved" and link.get("group") == kundtjanst for link in links)
    assert any(
        link["measure"] == "resolved" and link.get("category") == str(org.categories.avfall)
        for link in links
    )
    assert any(
        link["measure"] == "backlog" and link.get("group") == bygg and link.get("overdue") == "1"
        for link in links
    )
    backlog = html[html.index('id="backlog-title"') :]
    assert backlog.index(">Bygglov<") < backlog.index(">Kundtjänst<")
    assert "inom 10 dagar" in html  # the repeat-contact window in force, in the explanation

    body = client.get(f"/statistik.json?{period_query()}").get_json()
    assert body["backlog"]["overdue"] == 1
    assert body["backlog"]["total"] >= 2
