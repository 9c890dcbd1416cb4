"""Administration of working time (/admin/arbetstid), scheduled jobs (/admin/jobb)
and the SLA fields of subject areas and groups: permissions, bad input (a clear
400, never a 500, nothing half-stored) and what is stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.core.timeutil import local_today
from kundtjanst.core.workingtime import DEFAULT_WEEK, Hours
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.worktime.models import OfficeHours, SpecialDay
from kundtjanst.worktime.queries import build_calendar

PAGES = ["/admin/arbetstid", "/admin/jobb"]
POSTS = ["/admin/arbetstid/vecka", "/admin/arbetstid/dagar", "/admin/arbetstid/dagar/{day}/ta-bort"]


def text(response) -> str:
    return response.get_data(as_text=True)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def week_form(**changes) -> dict:
    data = {}
    for day in range(7):
        if day < 5:
            data.update({f"d{day}_open": "y", f"d{day}_opens": "08:00", f"d{day}_closes": "16:30"})
        else:
            data.update({f"d{day}_opens": "", f"d{day}_closes": ""})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def future(days: int = 30) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("who", ["agent", "member", "social", "manager"])
def test_only_administrators(app, login_as, org, who):
    client = login_as(who)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    for url in POSTS:
        response = client.post(url.format(day=future()), data=week_form())
        assert response.status_code == 403, url
    assert count(app, OfficeHours) == 0 and count(app, SpecialDay) == 0


def test_anonymous_visitors_are_sent_to_log_in(login_as, org):
    client = login_as("anonymous")
    responses = [client.get(url) for url in PAGES]
    responses += [client.post(url.format(day=future())) for url in POSTS]
    for response in responses:
        assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


def test_the_page_shows_hours_days_and_holidays(admin):
    page = text(admin.get("/admin/arbetstid"))
    assert "<h1>Arbetstid</h1>" in page
    assert 'value="08:00"' in page and 'value="16:30"' in page
    assert "Inga stängda eller förkortade dagar är inlagda." in page
    assert "Julafton" in page or "Midsommarafton" in page
    assert 'href="/admin/arbetstid" aria-current="page"' in page
    assert "Arbetstid" in text(admin.get("/admin/"))


def test_an_english_page_names_the_holidays_in_english(admin):
    page = text(admin.get("/admin/arbetstid", headers={"Accept-Language": "en"}))
    assert "<h1>Working time</h1>" in page
    assert "Christmas Eve" in page or "Midsummer Eve" in page
    assert "Julafton" not in page and "Midsommarafton" not in page


def test_saving_the_week(app, admin):
    response = admin.post(
        "/admin/arbetstid/vecka",
        data=week_form(d4_closes="15.00", d5_open="y", d5_opens="10:00", d5_closes="14:00"),
        follow_redirects=True,
    )
    assert "Kontorstiden sparades." in text(response)
    with app.app_context():
        calendar = build_calendar()
        assert calendar.week[:4] == DEFAULT_WEEK[:4]
        assert calendar.week[4] == Hours(8 * 60, 15 * 60)
        assert calendar.week[5] == Hours(10 * 60, 14 * 60)
        assert calendar.week[6] is None
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "calendar.week")
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"d0_opens": "åtta"}, "Ange en tid som 08:00."),
        ({"d0_closes": ""}, "Ange en tid som 16:30."),
        ({"d0_opens": "25:00"}, "Ange en tid som 08:00."),
        ({"d0_opens": "8:60"}, "Ange en tid som 08:00."),
        ({"d1_opens": "17:00"}, "Kontoret måste stänga efter att det öppnar."),
        (
            {"d1_opens": "12:00", "d1_closes": "12:00"},
            "Kontoret måste stänga efter att det öppnar.",
        ),
        ({"d2_opens": "0" * 400}, "Fältet får inte vara längre än 5 tecken."),
        ({"d3_opens": "08:00\x00"}, "Innehåller tecken som inte är tillåtna."),
        (
            {f"d{d}_open": None for d in range(7)},
            "Kontoret måste vara öppet minst en veckodag.",
        ),
    ],
)
def test_a_bad_week_is_refused_and_nothing_stored(app, admin, changes, message):
    response = admin.post("/admin/arbetstid/vecka", data=week_form(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response) or "minst en veckodag" in message
    assert count(app, OfficeHours) == 0


def test_a_closed_weekday_ignores_its_times(app, admin):
    data = week_form(d0_open=None, d0_opens="xx", d0_closes="")
    assert admin.post("/admin/arbetstid/vecka", data=data).status_code == 302
    with app.app_context():
        assert build_calendar().week[0] is None


def test_adding_and_removing_days(app, admin):
    closed, short = future(20), future(40)
    response = admin.post(
        "/admin/arbetstid/dagar",
        data={"special-day": closed, "special-kind": "closed", "special-note": "Klämdag"},
        follow_redirects=True,
    )
    assert f"{closed} lades till." in text(response)
    response = admin.post(
        "/admin/arbetstid/dagar",
        data={"special-day": short, "special-kind": "shortened", "special-closes": "13:00"},
        follow_redirects=True,
    )
    page = text(response)
    assert "Stänger 13:00" in page and "Klämdag" in page
    with app.app_context():
        calendar = build_calendar()
        assert date.fromisoformat(closed) in calendar.closed_days
        assert calendar.shortened_days == {date.fromisoformat(short): 13 * 60}
    response = admin.post(f"/admin/arbetstid/dagar/{closed}/ta-bort", follow_redirects=True)
    assert f"{closed} togs bort." in text(response)
    with app.app_context():
        assert db.session.get(SpecialDay, date.fromisoformat(closed)) is None
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["calendar.day_added", "calendar.day_added", "calendar.day_removed"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"special-day": ""}, "Ange ett datum som 2026-05-15."),
        ({"special-day": "15 maj"}, "Ange ett datum som 2026-05-15."),
        ({"special-day": "2026-02-30"}, "Ange ett datum som 2026-05-15."),
        ({"special-day": "2020-01-01"}, "Välj dagens datum eller ett senare."),
        ({"special-day": "2099-01-01"}, "Välj ett datum inom de kommande fem åren."),
        ({"special-kind": "shortened"}, "Ange stängningstiden, till exempel 13:00."),
        (
            {"special-kind": "shortened", "special-closes": "00:00"},
            "Ange stängningstiden, till exempel 13:00.",
        ),
        ({"special-kind": "holiday"}, "Välj ett av alternativen."),
        ({"special-note": "x" * 121}, "Fältet får inte vara längre än 120 tecken."),
    ],
)
def test_a_bad_day_is_refused_and_nothing_stored(app, admin, changes, message):
    data = {"special-day": future(), "special-kind": "closed", **changes}
    response = admin.post("/admin/arbetstid/dagar", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert count(app, SpecialDay) == 0


def test_a_day_cannot_be_added_twice(app, admin):
    data = {"special-day": future(), "special-kind": "closed"}
    assert admin.post("/admin/arbetstid/dagar", data=data).status_code == 302
    response = admin.post("/admin/arbetstid/dagar", data=data)
    assert response.status_code == 400
    assert "Det datumet finns redan i listan." in text(response)
    assert count(app, SpecialDay) == 1


@pytest.mark.parametrize("day", ["2026-13-01", "igår", future(3)])
def test_removing_an_unknown_day_is_not_found(admin, day):
    assert admin.post(f"/admin/arbetstid/dagar/{day}/ta-bort").status_code == 404


def test_the_jobs_page_without_a_scheduler(admin):
    page = text(admin.get("/admin/jobb"))
    assert "Ingen schemaläggare körs." in page
    assert "sla.watch" in page and "retention.nightly" in page


# --- SLA fields on subject areas and groups ---------------------------------------


def test_a_category_has_an_answer_group_target(app, admin, org):
    url = f"/admin/kategorier/{org.categories.bygglov}/redigera"
    data = {
        "name": "Bygglov",
        "default_group_id": str(org.groups.bygg),
        "sla_hours": "16",
        "answer_sla_hours": "40",
        "retention_months": "24",
        "active": "y",
    }
    assert admin.post(url, data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Category, org.categories.bygglov).answer_sla_hours == 40
    for bad in ("0", "1001", "", "fyrtio"):
        response = admin.post(url, data={**data, "answer_sla_hours": bad})
        assert response.status_code == 400
        assert "Ange ett heltal från 1 till 1000." in text(response)
    with app.app_context():
        assert db.session.get(Category, org.categories.bygglov).answer_sla_hours == 40


def group_data(org, **changes) -> dict:
    data = {
        "slug": "bygglov",
        "name": "Bygglov",
        "kind": "answer",
        "department_id": "",
        "email": "",
        "active": "y",
        "sla_hours": "",
        "unclaimed_alert_hours": "4",
    }
    data.update(changes)
    return data


def test_a_group_override_and_alert_time(app, admin, org):
    url = f"/admin/grupper/{org.groups.bygg}/redigera"
    page = text(admin.get(url))
    assert 'name="unclaimed_alert_hours"' in page and 'name="sla_hours"' in page
    assert (
        admin.post(url, data=group_data(org, sla_hours="6", unclaimed_alert_hours="")).status_code
        == 302
    )
    with app.app_context():
        group = db.session.get(Group, org.groups.bygg)
        assert (group.sla_hours, group.unclaimed_alert_hours) == (6, None)
    for field, bad in [("sla_hours", "0"), ("unclaimed_alert_hours", "-1"), ("sla_hours", "x")]:
        response = admin.post(url, data=group_data(org, **{field: bad}))
        assert response.status_code == 400
        assert "Ange ett heltal från 1 till 1000." in text(response)
    with app.app_context():
        group = db.session.get(Group, org.groups.bygg)
        assert (group.sla_hours, group.unclaimed_alert_hours) == (6, None)


def test_customer_service_gets_no_unclaimed_alert(app, admin, org):
    url = f"/admin/grupper/{org.groups.kundtjanst}/redigera"
    data = group_data(org, slug="kundtjanst", name="Kundtjänst", kind="frontline")
    assert admin.post(url, data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Group, org.groups.kundtjanst).unclaimed_alert_hours is None
