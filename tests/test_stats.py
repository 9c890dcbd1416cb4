"""The dashboard's figures against an independent SQL computation over the tickets,
daily rows against live counting, and the edges: withdrawn, reopened, daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import bindparam, text

from kundtjanst.core.statistics import Period, answer_time_bucket, percentile
from kundtjanst.core.timeutil import STOCKHOLM, local_day_bounds
from kundtjanst.dbtypes import UTCDateTime
from kundtjanst.extensions import db
from kundtjanst.stats import services as stats_services
from kundtjanst.stats.aggregate import Filters
from kundtjanst.stats.figures import clear_cache, figures
from kundtjanst.tickets import citizen

from .exporting import export
from .stats_data import SCENARIOS, Clock, populate, tickets_by_reference

# Three days around the spring daylight-saving change (29 March 2026: 02:00 → 03:00),
# the autumn change (25 October 2026: 03:00 → 02:00), and "today".
DAYS = [
    date(2026, 3, 27),
    date(2026, 3, 29),
    date(2026, 3, 30),
    date(2026, 10, 24),
    date(2026, 10, 25),
    date(2026, 10, 26),
]
TODAY = date(2026, 11, 27)


def local_moment(day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM, fold=fold)


def moments() -> list[datetime]:
    out = []
    for day in DAYS:
        for hour in (0, 1, 2, 3, 8, 9, 11, 13, 15, 16, 22, 23):
            if day == date(2026, 3, 29) and hour == 2:
                continue  # does not exist on the wall clock that night
            out.append(local_moment(day, hour, 45))
        if day == date(2026, 10, 25):
            out.append(local_moment(day, 2, 30, fold=1))  # the second 02:30
    # Today, for the live part.
    out += [local_moment(TODAY, h, 10) for h in (8, 9, 10, 11, 12)]
    return out


@pytest.fixture
def world(app, org, monkeypatch):
    clear_cache()
    with app.app_context():
        clock = Clock(monkeypatch, local_moment(DAYS[0], 0))
        made = populate(org, clock, moments())
        clock.set(local_moment(TODAY, 14))
        yield clock, made


# --- the independent computation ---------------------------------------------------


def sql_figures(first: date, last: date, extra: str = "", params: dict | None = None) -> dict:
    """Every headline figure, written directly in SQL over the tickets table."""
    start, end = local_day_bounds(first, last)
    params = {"s": start, "e": end, "t": True, **(params or {})}

    def count(where: str) -> int:
        stmt = text(f"SELECT count(*) FROM tickets WHERE {where} {extra}").bindparams(
            bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime)
        )
        return db.session.execute(stmt, params).scalar_one()

    resolved = (
        "status = 'resolved' AND outcome <> 'withdrawn' AND resolved_at >= :s AND resolved_at < :e"
    )
    d = count(resolved)
    asyn = f"{resolved} AND channel IN ('email', 'web')"
    return {
        "received": count("created_at >= :s AND created_at < :e"),
        "resolved": d,
        "first_contact": (count(f"{resolved} AND first_contact = :t"), d),
        "first_contact_by_kundtjanst": (
            count(f"{resolved} AND first_contact = :t AND answered_by = 'frontline'"),
            d,
        ),
        "first_contact_by_svarsgrupp": (
            count(f"{resolved} AND first_contact = :t AND answered_by = 'answer'"),
            d,
        ),
        "within_en_vag_in": (count(f"{resolved} AND outcome IN ('answered', 'referred')"), d),
        "forwarded": (count(f"{resolved} AND outcome = 'forwarded'"), d),
        "referred": (count(f"{resolved} AND outcome = 'referred'"), d),
        "email_within_one_working_day": (
            count(f"{asyn} AND answered_within_day = :t"),
            count(asyn),
        ),
        "could_have_answered": (
            count(f"{resolved} AND answered_by = 'answer' AND could_have_answered = :t"),
            count(f"{resolved} AND answered_by = 'answer'"),
        ),
    }


def sql_answer_minutes(first: date, last: date) -> list[int]:
    start, end = local_day_bounds(first, last)
    stmt = text(
        "SELECT answer_minutes FROM tickets WHERE status = 'resolved' "
        "AND outcome IN ('answered', 'referred') AND answer_minutes IS NOT NULL "
        "AND resolved_at >= :s AND resolved_at < :e"
    ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime))
    return list(db.session.scalars(stmt, {"s": start, "e": end}))


def assert_same(fig, expected: dict) -> None:
    assert fig.total.received == expected["received"]
    assert fig.total.resolved == expected["resolved"]
    for name, value in expected.items():
        if isinstance(value, tuple):
            share = fig.shares[name]
            assert (share.numerator, share.denominator) == value, name


# --- the tests ---------------------------------------------------------------------------


def build_past_days() -> None:
    """Write the daily rows of every whole day the test tickets span, and commit."""
    for day in Period(DAYS[0], TODAY - timedelta(days=1)).each_day():
        stats_services.build_day(day)
    db.session.commit()


def test_scenarios_give_the_first_contact_we_expect(app, world):
    _clock, made = world
    tickets = tickets_by_reference()
    for m in made:
        ticket = tickets[m.reference]
        if m.expected_first_contact is not None:
            assert ticket.first_contact is m.expected_first_contact, ticket.subject
    assert len({m.reference for m in made}) == len(made) >= 5 * len(SCENARIOS)


# Windows of days the figures are compared over: all of it, a single day, the spring
# and autumn daylight-saving days, and today alone. (Loops, not parameters: the world
# takes seconds to build, once per test.)
WINDOWS = [
    (DAYS[0], TODAY),
    (DAYS[1], DAYS[1]),
    (DAYS[4], DAYS[4]),
    (DAYS[0], DAYS[2]),
    (TODAY, TODAY),
]


def test_figures_match_independent_sql(app, world):
    for first, last in WINDOWS:
        expected = sql_figures(first, last)
        result = figures(Period(first, last), Filters(), use_rows=False)
        assert_same(result, expected)
        minutes = [answer_time_bucket(m) for m in sql_answer_minutes(first, last)]
        histogram: dict[int, int] = {}
        for m in minutes:
            histogram[m] = histogram.get(m, 0) + 1
        assert result.median_minutes == percentile(histogram, 0.5), (first, last)
        assert result.p90_minutes == percentile(histogram, 0.9), (first, last)


def test_withdrawn_is_outside_every_share_and_reopened_never_counts(app, world):
    expected = sql_figures(DAYS[0], TODAY)
    result = figures(Period(DAYS[0], TODAY), Filters(), use_rows=False)
    assert result.total.withdrawn > 0
    assert result.total.resolved == expected["resolved"]
    reopened = db.session.execute(
        text("SELECT count(*) FROM tickets WHERE reopen_count > 0 AND first_contact = :t"),
        {"t": True},
    ).scalar_one()
    assert reopened == 0
    assert result.total.reopened > 0


def test_filtered_figures_match_sql(app, world):
    for channel in ("web", "phone"):
        expected = sql_figures(DAYS[0], TODAY, f"AND channel = '{channel}'", {})
        assert_same(
            figures(Period(DAYS[0], TODAY), Filters(channel=channel), use_rows=False), expected
        )


def test_group_filter_counts_received_on_first_group_and_rest_on_resolving_group(app, world, org):
    g = org.groups.bygg
    start, end = local_day_bounds(DAYS[0], TODAY)
    result = figures(Period(DAYS[0], TODAY), Filters(group_ids=(g,)), use_rows=False)
    resolved_by_bygg = db.session.execute(
        text(
            "SELECT count(*) FROM tickets WHERE status = 'resolved' AND outcome <> 'withdrawn' "
            "AND resolved_group_id = :g AND resolved_at >= :s AND resolved_at < :e"
        ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime)),
        {"g": g, "s": start, "e": end},
    ).scalar_one()
    assert result.total.resolved == resolved_by_bygg > 0
    assert result.total.received == 0  # nothing was routed straight to Bygglov


def test_daily_rows_give_identical_figures(app, world):
    build_past_days()
    windows = [(DAYS[0], TODAY), (DAYS[1], DAYS[1]), (DAYS[4], DAYS[5]), (DAYS[3], DAYS[3])]
    for filters in (Filters(), Filters(channel="web"), Filters(category_id=1)):
        for first, last in windows:
            clear_cache()
            live = figures(Period(first, last), filters, use_rows=False)
            from_rows = figures(Period(first, last), filters, use_rows=True)
            case = (filters, first, last)
            assert from_rows.total == live.total, case
            assert from_rows.by_channel == live.by_channel, case
            assert from_rows.by_group == live.by_group, case
            assert from_rows.by_category == live.by_category, case
            assert from_rows.weekly == live.weekly, case
            assert from_rows.answer_time == live.answer_time, case
            assert from_rows.median_minutes == live.median_minutes, case
            assert from_rows.could_reasons == live.could_reasons, case


def test_could_have_answered_reasons_match_sql(app, world):
    """The learning loop's table (per subject area and reason), from the daily rows
    and counted live, against a direct count over the tickets."""
    from kundtjanst.org.models import CouldReason

    reason = CouldReason(name="Finns på webben")
    db.session.add(reason)
    db.session.flush()
    marked = db.session.scalars(
        text("SELECT id FROM tickets WHERE could_have_answered = :t ORDER BY id"), {"t": True}
    ).all()
    assert len(marked) >= 2
    db.session.execute(
        text("UPDATE tickets SET could_reason_id = :r WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"r": reason.id, "ids": marked[::2]},
    )
    build_past_days()
    clear_cache()
    start, end = local_day_bounds(DAYS[0], TODAY)
    stmt = text(
        "SELECT category_id, could_reason_id, count(*) FROM tickets WHERE status = 'resolved' "
        "AND outcome <> 'withdrawn' AND answered_by = 'answer' AND could_have_answered = :t "
        "AND resolved_at >= :s AND resolved_at < :e GROUP BY category_id, could_reason_id"
    ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime))
    rows = db.session.execute(stmt, {"s": start, "e": end, "t": True})
    expected = {(category, reason_id): n for category, reason_id, n in rows}
    assert {reason_id for _, reason_id in expected} == {reason.id, None}
    for use_rows in (True, False):
        found = figures(Period(DAYS[0], TODAY), Filters(), use_rows=use_rows).could_reasons
        assert found == expected


def test_dst_days_have_the_right_length_and_tickets(app, world):
    spring_start, spring_end = local_day_bounds(DAYS[1], DAYS[1])
    autumn_start, autumn_end = local_day_bounds(DAYS[4], DAYS[4])
    assert spring_end - spring_start == timedelta(hours=23)
    assert autumn_end - autumn_start == timedelta(hours=25)
    # 11 moments on the short day, 13 on the long one.
    assert figures(Period(DAYS[1], DAYS[1]), Filters(), use_rows=False).total.received == 11
    assert figures(Period(DAYS[4], DAYS[4]), Filters(), use_rows=False).total.received == 13


def test_ticket_resolved_after_midnight_counts_on_the_next_day(app, org, monkeypatch):
    from kundtjanst.auth.models import User
    from kundtjanst.core.vocabulary import Channel, Outcome
    from kundtjanst.tickets import services

    clear_cache()
    next_day = DAYS[0] + timedelta(days=1)
    with app.app_context():
        clock = Clock(monkeypatch, local_moment(DAYS[0], 23, 50))
        contact = services.Contact(channel=Channel.WEB, subject="Sent")
        ticket, _ = services.create_ticket(contact)
        clock.advance(minutes=20)  # 00:10 the next day
        services.resolve(
            ticket, db.session.get(User, org.users.agent), Outcome.ANSWERED, reply_body="Svar"
        )
        db.session.commit()
        day1 = figures(Period(DAYS[0], DAYS[0]), Filters(), use_rows=False).total
        day2 = figures(Period(next_day, next_day), Filters(), use_rows=False).total
        assert (day1.received, day1.resolved) == (1, 0)
        assert (day2.received, day2.resolved) == (0, 1)
        stats_services.build_day(DAYS[0])
        stats_services.build_day(next_day)
        db.session.commit()
        clear_cache()
        assert figures(Period(DAYS[0], DAYS[0]), Filters()).total == day1
        assert figures(Period(next_day, next_day), Filters()).total == day2


def test_reopening_a_ticket_of_a_built_day_updates_that_day(app, world, org):
    clock, made = world
    build_past_days()
    period = Period(DAYS[0], TODAY)
    before = figures(period, Filters()).total
    tickets = tickets_by_reference()
    first_contact_ticket = next(
        tickets[m.reference]
        for m in made
        if m.expected_first_contact
        and tickets[m.reference].resolved_at
        and tickets[m.reference].resolved_at.astimezone(STOCKHOLM).date() < TODAY
    )

    citizen.citizen_message(first_contact_ticket, "Jag fick inget svar")
    db.session.commit()
    after = figures(period, Filters())
    live = figures(period, Filters(), use_rows=False)
    assert after.total == live.total
    assert after.total.resolved == before.resolved - 1
    assert after.total.first_contact == before.first_contact - 1
    del clock


def test_json_endpoint(app, world, login_as):
    expected = sql_figures(DAYS[0], TODAY)
    client = login_as("manager")
    response = client.get(f"/statistik.json?from={DAYS[0]}&to={TODAY}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["target"] == 0.7
    assert body["received"] == expected["received"]
    assert body["resolved"] == expected["resolved"]
    for key in (
        "first_contact",
        "first_contact_by_kundtjanst",
        "first_contact_by_svarsgrupp",
        "within_en_vag_in",
        "forwarded",
        "referred",
        "email_within_one_working_day",
    ):
        n, d = expected[key]
        assert body[key] == {"numerator": n, "denominator": d, "share": n / d if d else None}, key
    parts = (
        body["first_contact_by_kundtjanst"]["numerator"]
        + body["first_contact_by_svarsgrupp"]["numerator"]
    )
    assert parts == body["first_contact"]["numerator"]


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01&to=2026-12-01",
        "from=2026-11-01",
        "from=2026-11-30&to=2026-11-01",
        "from=2020-01-01&to=2026-01-01",
        "from=abc&to=def",
        "channel=fax",
        "group=999999",
        "category=-1",
        "period=forever",
        "from=2026-11-01&to=2026-11-02%00",
    ],
)
def test_json_bad_parameters_are_a_clear_400(app, login_as, query):
    """Refused before any figure is counted: no tickets needed."""
    response = login_as("manager").get(f"/statistik.json?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_target_setting_is_used(app, world, login_as):
    from kundtjanst.settings import services as settings

    # Not a request context: the client's requests share the app context `world` holds,
    # and would inherit the anonymous user loaded here (the setting is audited).
    with app.app_context():
        settings.put("first_contact_target", 75)
        db.session.commit()
    body = login_as("manager").get(f"/statistik.json?from={TODAY}&to={TODAY}").get_json()
    assert body["target"] == 0.75


def test_nightly_snapshot_job_builds_missing_days_and_yesterday(app, world):
    from kundtjanst.jobs.registry import load
    from kundtjanst.stats.models import StatsDay

    jobs = load()
    assert "stats.snapshot" in jobs
    trigger = local_moment(TODAY, 0, 30).astimezone(UTC)
    counts = jobs["stats.snapshot"].func(trigger)
    db.session.commit()
    assert counts["days"] == (TODAY - DAYS[0]).days
    assert db.session.query(StatsDay).count() == counts["days"]
    again = jobs["stats.snapshot"].func(trigger)  # idempotent: only yesterday again
    db.session.commit()
    assert again["days"] == 1
    clear_cache()
    period = Period(DAYS[0], TODAY)
    assert figures(period, Filters()).total == figures(period, Filters(), use_rows=False).total


def test_an_sla_breach_in_any_stage_counts(app, org, monkeypatch, login_as):
    """Late in kundtjänst, then answered in time by the svarsgrupp: one SLA breach, in
    the figure (live and from the daily rows), its list and the export alike."""
    from kundtjanst.auth.models import User
    from kundtjanst.core.vocabulary import Channel, Outcome
    from kundtjanst.org.models import Category, Group
    from kundtjanst.tickets import services

    monday = date(2026, 11, 16)
    clear_cache()
    with app.app_context():
        clock = Clock(monkeypatch, local_moment(monday, 9))
        agent = db.session.get(User, org.users.agent)
        member = db.session.get(User, org.users.member)
        avfall = db.session.get(Category, org.categories.avfall)
        late, _ = services.create_ticket(
            services.Contact(channel=Channel.WEB, subject="Sent", category=avfall)
        )
        on_time, _ = services.create_ticket(
            services.Contact(channel=Channel.WEB, subject="I tid", category=avfall)
        )
        services.resolve(on_time, agent, Outcome.ANSWERED, reply_body="Svar")
        clock.set(local_moment(monday + timedelta(days=3), 10))  # 16 working hours are gone
        services.escalate(late, agent, db.session.get(Group, org.groups.bygg))
        services.claim(late, member)
        services.resolve(late, member, Outcome.ANSWERED, reply_body="Svar")
        assert late.sla_breach_count == 1 and late.resolved_at < late.due_at
        db.session.commit()
        reference = late.reference

        clock.set(local_moment(monday + timedelta(days=4), 9))
        period = Period(monday, monday + timedelta(days=3))
        assert figures(period, Filters(), use_rows=False).total.sla_breached == 1
        stats_services.build_days(period.first, period.last)
        db.session.commit()
        clear_cache()
        assert figures(period, Filters()).total.sla_breached == 1

    client = login_as("manager")
    query = f"from={period.first}&to={period.last}"
    listed = client.get(f"/statistik/arenden?measure=sla_breached&{query}").get_data(as_text=True)
    assert f">{reference}<" in listed and "1 ärende" in listed
    assert client.get(f"/statistik.json?{query}").get_json()["sla_breached"] == 1
    rows = export(app, client, query).get_data().decode("utf-8-sig").split()
    header = rows[0].split(";")
    breached = {
        r.split(";")[0] for r in rows[1:] if r.split(";")[header.index("sla_breached")] == "true"
    }
    assert breached == {reference}


def test_confirming_a_repeat_of_a_built_day_updates_that_day(app, world, org):
    from kundtjanst.auth.models import User
    from kundtjanst.core.vocabulary import Channel
    from kundtjanst.tickets import repeat, services

    _clock, made = world
    build_past_days()
    period = Period(DAYS[0], TODAY)
    before = figures(period, Filters()).total
    tickets = tickets_by_reference()
    earlier = next(
        tickets[m.reference]
        for m in made
        if m.expected_first_contact and tickets[m.reference].citizen_email
    )
    assert earlier.resolved_at.astimezone(STOCKHOLM).date() < TODAY
    again, _ = services.create_ticket(
        services.Contact(
            channel=Channel.EMAIL,
            subject="Igen",
            category=earlier.category,
            citizen_email=earlier.citizen_email,
        )
    )
    repeat.confirm(again, earlier, db.session.get(User, org.users.agent))
    db.session.commit()
    after = figures(period, Filters())
    assert after.total == figures(period, Filters(), use_rows=False).total
    assert after.total.first_contact == before.first_contact - 1
    assert after.total.received == before.received + 1


def test_retention_and_secrecy_changes_leave_every_figure(app, world, org):
    """Gallring keeps every statistics column; secrecy decides who may read a ticket,
    never whether it counts: a group's flag ticked or unticked, a secrecy lifted."""
    from sqlalchemy import func, select

    from kundtjanst.auth.models import User
    from kundtjanst.org.models import Group
    from kundtjanst.org.services import save_group
    from kundtjanst.retention.services import anonymise_expired
    from kundtjanst.tickets import secrecy
    from kundtjanst.tickets.models import Ticket

    from .factories import group_data

    build_past_days()
    period = Period(DAYS[0], TODAY)

    def everything():
        clear_cache()
        return [figures(period, Filters(), use_rows=use_rows) for use_rows in (True, False)]

    before = everything()
    result = anonymise_expired(datetime(2030, 1, 1, tzinfo=UTC))
    db.session.commit()
    assert result.tickets > 0
    assert everything() == before

    def confidential() -> int:
        return db.session.scalar(select(func.count()).where(Ticket.confidential.is_(True)))

    secret_before = confidential()
    social = db.session.get(Group, org.groups.social)
    bygg = db.session.get(Group, org.groups.bygg)
    save_group(social, group_data(social, confidential=False))
    save_group(bygg, group_data(bygg, confidential=True))
    db.session.commit()
    assert confidential() > secret_before > 0
    assert everything() == before

    lifted = db.session.scalar(select(Ticket).where(Ticket.secrecy_group_id == social.id))
    secrecy.lift(lifted, db.session.get(User, org.users.social), "Inga uppgifter under sekretess")
    db.session.commit()
    assert everything() == before


@pytest.mark.postgres
def test_two_rebuilds_of_one_day_at_once_count_it_once(app, world):
    """A reopen rebuilding a day while the nightly job rebuilds it: the second waits for
    the first, instead of inserting its rows beside the first's."""
    import threading
    import time

    day = DAYS[1]
    stats_services.build_day(day)
    db.session.commit()
    expected = figures(Period(day, day), Filters(), use_rows=False).total
    first_built, first_may_commit = threading.Event(), threading.Event()
    errors = []

    def first():
        with app.app_context():
            try:
                stats_services.build_day(day)
                first_built.set()
                first_may_commit.wait(10)
                db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
                first_built.set()

    def second():
        first_built.wait(10)
        with app.app_context():
            try:
                stats_services.build_day(day)
                db.session.commit()
            except Exception as error:
                errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the second is now waiting for the first, or inserting beside it
    first_may_commit.set()
    for thread in threads:
        thread.join(20)
    assert not errors
    db.session.rollback()
    clear_cache()
    assert figures(Period(day, day), Filters()).total == expected


@pytest.mark.postgres
def test_rebuilds_of_two_days_committed_side_by_side_both_reach_the_cache(app, world):
    """Two rebuilds that read the same highest revision before either commits: the
    cache of daily rows must still see the second commit, not only the first."""
    import threading

    period = Period(DAYS[0], TODAY - timedelta(days=1))
    stats_services.build_days(period.first, period.last)
    db.session.commit()
    days = (DAYS[1], DAYS[4])
    for day in days:  # each day's figures move, behind its rows' back
        start, end = local_day_bounds(day, day)
        db.session.execute(
            text(
                "UPDATE tickets SET first_contact = :f WHERE id = (SELECT min(id) FROM tickets "
                "WHERE first_contact = :t AND resolved_at >= :s AND resolved_at < :e)"
            ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime)),
            {"f": False, "t": True, "s": start, "e": end},
        )
    db.session.commit()
    built = [threading.Event() for _ in days]
    may_commit = [threading.Event() for _ in days]
    committed = [threading.Event() for _ in days]
    errors = []

    def rebuild(i: int) -> None:
        with app.app_context():
            try:
                stats_services.build_day(days[i])
                built[i].set()
                may_commit[i].wait(10)
                db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                built[i].set()
                committed[i].set()

    threads = [threading.Thread(target=rebuild, args=(i,)) for i in range(len(days))]
    for thread in threads:
        thread.start()
    for event in built:
        assert event.wait(10)
    seen = []
    for i in range(len(days)):
        may_commit[i].set()
        assert committed[i].wait(10)
        db.session.rollback()  # a new transaction sees the commit
        seen.append(figures(Period(DAYS[0], TODAY), Filters()).total)
    for thread in threads:
        thread.join(10)
    assert not errors
    live = figures(Period(DAYS[0], TODAY), Filters(), use_rows=False).total
    assert seen[-1] == live
    assert seen[0].first_contact == live.first_contact + 1
