"""The jobs: SLA watch and unclaimed alerts (with a real SMTP server), the runner's
record of every run, idempotency per trigger, and failures that stop nothing else."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import EventKind, Status
from kundtjanst.extensions import db
from kundtjanst.jobs import registry, runner
from kundtjanst.jobs.models import JobRun
from kundtjanst.org.models import Group
from kundtjanst.tickets import services
from kundtjanst.tickets.jobs import record_alerts, record_breaches
from kundtjanst.tickets.models import Event, Ticket

from .factories import new_ticket

TRIGGER = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on a free loopback port, and the app configured to use it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "En väg in <noreply@sjostad.se>")
    monkeypatch.setitem(app.config, "BASE_URL", "https://arenden.sjostad.se")
    yield inbox
    controller.stop()


def run(app, name: str, trigger: datetime = TRIGGER):
    return runner.run(app, registry.load()[name], trigger, "test")


def overdue(reference: str) -> None:
    db.session.execute(
        update(Ticket)
        .where(Ticket.reference == reference)
        .values(due_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()


def events(kind: EventKind) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def test_sla_watch_records_each_breach_once_and_mails_the_group(app, org, smtp):
    with app.app_context():
        db.session.get(Group, org.groups.kundtjanst).email = "kundtjanst@sjostad.se"
        db.session.commit()
        late, _ = new_ticket(subject="Soptunnan står kvar")
        on_time, _ = new_ticket(subject="Ny fråga")
        overdue(late.reference)
        late_ref, on_time_ref = late.reference, on_time.reference

    outcome = run(app, "sla.watch")
    assert outcome.ok and outcome.counts == {"breached": 1, "groups": 1, "emails": 1}
    assert run(app, "sla.watch", TRIGGER + timedelta(minutes=5)).counts["breached"] == 0

    with app.app_context():
        breaches = events(EventKind.SLA_BREACHED)
        assert len(breaches) == 1
        assert breaches[0].data["stage"] == "frontline"
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == late_ref))
        assert ticket.sla_breached_at is not None and ticket.sla_breach_count == 1
        runs = db.session.scalars(select(JobRun).order_by(JobRun.trigger_time)).all()
        assert [(r.job, r.outcome) for r in runs] == [("sla.watch", "ok")] * 2
        assert runs[0].counts["breached"] == 1 and runs[0].finished_at is not None
        assert runs[0].duration_ms is not None

    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["kundtjanst@sjostad.se"]
    assert message["From"] == "En väg in <noreply@sjostad.se>"
    assert message["Subject"] == "[Kundtjänst] Ärenden som passerat svarstiden"
    body = message.get_content()
    assert late_ref in body and f"https://arenden.sjostad.se/arenden/{late_ref}" in body
    assert "Soptunnan står kvar" in body
    assert on_time_ref not in body


def test_a_confidential_tickets_contents_never_leave_in_mail(app, org, smtp):
    with app.app_context():
        ticket, _ = new_ticket(
            subject="Hyresskuld och vräkning",
            description="Personliga förhållanden",
            category_id=org.categories.bistand,  # routed to the confidential social services
        )
        assert ticket.confidential
        overdue(ticket.reference)
        reference = ticket.reference
    assert run(app, "sla.watch").ok
    ((recipients, message),) = smtp.messages
    # No group address: the members get it.
    assert recipients == ["social@kommun.test"]
    body = message.get_content()
    assert reference in body
    assert "Hyresskuld" not in body and "Personliga" not in body
    assert "Hyresskuld" not in message["Subject"]


def test_without_a_mail_server_a_log_line_is_written(app, org, caplog):
    with app.app_context():
        ticket, _ = new_ticket()
        overdue(ticket.reference)
    with caplog.at_level(logging.WARNING, logger="kundtjanst.mail"):
        outcome = run(app, "sla.watch")
    assert outcome.ok and outcome.counts == {"breached": 1, "groups": 1, "emails": 0}
    assert "No MAIL_SERVER set; not sent to" in caplog.text
    assert "agent@kommun.test" in caplog.text


def test_a_mail_failure_fails_the_run_but_keeps_the_breach(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    with app.app_context():
        ticket, _ = new_ticket()
        overdue(ticket.reference)
    outcome = run(app, "sla.watch")
    assert not outcome.ok
    assert "kundtjanst: ConnectionRefusedError" in outcome.error
    with app.app_context():
        assert len(events(EventKind.SLA_BREACHED)) == 1
        assert db.session.scalar(select(JobRun.outcome)) == "error"
        assert "ConnectionRefusedError" in db.session.scalar(select(JobRun.error))


def test_resolved_tickets_and_moved_on_tickets_are_not_breached(app, org):
    with app.app_context():
        done, _ = new_ticket()
        overdue(done.reference)
        services.resolve(done, db.session.get(User, org.users.agent), services.Outcome.ANSWERED)
        db.session.commit()
        assert record_breaches(utcnow()) == {}


def test_a_trigger_runs_once(app, org):
    first = run(app, "scheduler.heartbeat")
    assert first.ok and first.counts == {"beats": 1}
    assert run(app, "scheduler.heartbeat") is None
    with app.app_context():
        assert db.session.scalar(select(func.count(JobRun.id))) == 1
        assert runner.already_claimed("scheduler.heartbeat", TRIGGER)
        assert not runner.already_claimed("scheduler.heartbeat", TRIGGER + timedelta(seconds=1))


def test_a_quiet_jobs_idle_runs_are_forgotten_once_no_standby_waits(app, org, monkeypatch):
    """A job looking for work every 5 s leaves a handful of idle rows, not one per run:
    each is kept while a standby scheduler may still wait for its trigger (so the
    trigger still runs once), then deleted. Runs that did something stay."""
    work = {TRIGGER + timedelta(seconds=5 * 7)}

    def look(trigger_time):
        return {"found": 1} if trigger_time in work else None

    monkeypatch.setitem(
        registry._JOBS,
        "test.quiet",
        registry.Job("test.quiet", registry.Every(5), "", look, quiet=True),
    )
    job = registry.load()["test.quiet"]
    triggers = [TRIGGER + timedelta(seconds=5 * n) for n in range(60)]
    for trigger in triggers:
        assert runner.run(app, job, trigger, "test").ok
    grace = runner.standby_grace(app.config)
    with app.app_context():
        kept = {r.trigger_time: r.outcome for r in db.session.scalars(select(JobRun))}
        waited_for = {t for t in triggers if t >= triggers[-1] - grace}
        assert kept == {t: "idle" for t in waited_for} | {min(work): "ok"}
        assert len(waited_for) == grace // timedelta(seconds=5) + 1 == 17
    # Within the grace time a trigger is still claimed: it does not run again.
    assert run(app, "test.quiet", triggers[-1]) is None
    assert runner.run(app, job, triggers[-1] - grace, "test") is None


def test_a_failing_job_is_recorded_and_the_others_run(app, org, monkeypatch):
    def broken(trigger_time):
        db.session.add(Group(slug="halv", name="Halvsparad", kind="answer"))
        db.session.flush()
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(
        registry._JOBS, "test.broken", registry.Job("test.broken", registry.Daily(1), "", broken)
    )
    failed = run(app, "test.broken")
    assert not failed.ok and "RuntimeError: the disk is full" in failed.error
    assert run(app, "scheduler.heartbeat").ok
    with app.app_context():
        runs = {r.job: r for r in db.session.scalars(select(JobRun))}
        assert runs["test.broken"].outcome == "error"
        assert "the disk is full" in runs["test.broken"].error
        assert runs["test.broken"].finished_at is not None
        assert runs["scheduler.heartbeat"].outcome == "ok"
        # Nothing of the failed run was kept.
        assert db.session.scalar(select(Group).where(Group.slug == "halv")) is None


def escalated(org, subject: str, hours_ago: float) -> str:
    ticket, _ = new_ticket(subject=subject)
    services.escalate(
        ticket, db.session.get(User, org.users.agent), db.session.get(Group, org.groups.bygg)
    )
    ticket.stage_started_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()
    return ticket.reference


def test_unclaimed_escalations_alert_the_group_once(app, org, smtp):
    with app.app_context():
        db.session.get(Group, org.groups.bygg).unclaimed_alert_hours = 4
        db.session.commit()
        lying = escalated(org, "Bygglov för altan", hours_ago=24 * 7)
        fresh = escalated(org, "Nytt bygglov", hours_ago=0.5)
        claimed = escalated(org, "Taget bygglov", hours_ago=24 * 7)
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == claimed))
        services.claim(ticket, db.session.get(User, org.users.member))
        db.session.commit()

    outcome = run(app, "sla.unclaimed")
    assert outcome.ok and outcome.counts == {"alerted": 1, "groups": 1, "emails": 1}
    assert run(app, "sla.unclaimed", TRIGGER + timedelta(minutes=5)).counts["alerted"] == 0
    with app.app_context():
        alerts = events(EventKind.UNCLAIMED_ALERT)
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == lying))
        assert len(alerts) == 1 and alerts[0].data == {"hours": 4, "version": ticket.version}
        assert ticket.unclaimed_alerted_at is not None and ticket.status == Status.OPEN
    ((recipients, message),) = smtp.messages
    assert sorted(recipients) == ["bygg1@kommun.test", "bygg2@kommun.test"]
    body = message.get_content()
    assert lying in body and fresh not in body and claimed not in body


def test_groups_without_an_alert_time_are_never_alerted(app, org):
    with app.app_context():
        db.session.get(Group, org.groups.bygg).unclaimed_alert_hours = None
        db.session.commit()
        escalated(org, "Bygglov", hours_ago=24 * 30)
        assert record_alerts(utcnow()) == {}


def test_registry_and_configuration(app, monkeypatch):
    jobs = registry.load()
    assert {"sla.watch", "sla.unclaimed", "retention.nightly", "scheduler.heartbeat"} <= set(jobs)
    config = dict(app.config)
    assert "scheduler.heartbeat" not in registry.enabled(config)  # off by default
    config.update(SCHEDULER_HEARTBEAT_SECONDS=2, SCHEDULER_JOBS="scheduler.heartbeat")
    assert list(registry.enabled(config)) == ["scheduler.heartbeat"]
    trigger = jobs["sla.watch"].trigger.build(app.config)
    # Every process computes the same trigger times.
    now = datetime(2026, 11, 27, 13, 7, 31, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, now) == datetime(2026, 11, 27, 13, 10, tzinfo=UTC)
    nightly = jobs["retention.nightly"].trigger.build(app.config)
    assert nightly.get_next_fire_time(None, now) == datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def test_every_job_a_feature_declares_is_registered(app):
    """The factory's one list (`kundtjanst.register_jobs`) leaves no job out: every
    `Job` in a feature's jobs.py (and the scheduler's own heartbeat) is registered."""
    import importlib
    from pathlib import Path

    package = Path(importlib.import_module("kundtjanst").__file__).parent
    declared = set()
    for path in [*package.glob("*/jobs.py"), package / "jobs" / "heartbeat.py"]:
        module = importlib.import_module(
            "kundtjanst." + ".".join(path.relative_to(package).with_suffix("").parts)
        )
        declared |= {v.name for v in vars(module).values() if isinstance(v, registry.Job)}
    assert {"sla.watch", "sla.unclaimed", "retention.nightly", "stats.snapshot"} <= declared
    assert declared == set(registry.load())


def test_run_job_command_and_status(app, org, runner):
    result = runner.invoke(args=["scheduler", "run-job", "sla.watch"])
    assert result.exit_code == 0, result.output
    assert "sla.watch: ok" in result.output
    result = runner.invoke(args=["scheduler", "run-job", "nope"])
    assert result.exit_code != 0 and "No job 'nope'" in result.output
    status = runner.invoke(args=["scheduler", "status"])
    assert status.exit_code == 0, status.output
    assert "Lease: free" in status.output
    lines = {line.split()[0]: line for line in status.output.splitlines() if line.strip()}
    assert " ok " in lines["sla.watch"] and "breached 0" in lines["sla.watch"]
    assert "never" in lines["retention.nightly"]
    assert "not scheduled" in lines["scheduler.heartbeat"]


def test_demo_data_leaves_the_jobs_nothing_to_catch_up(app, runner):
    """The demo fills due times, breaches and alerts as the jobs would have: run at the
    demo's "now", they find nothing new."""
    now = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    result = runner.invoke(
        args=["demo", "seed", "--tickets", "600", "--seed", "3", "--now", now.isoformat()]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        open_tickets = db.session.scalars(select(Ticket).where(Ticket.status != Status.RESOLVED))
        assert all(t.due_at is not None and t.stage_started_at for t in open_tickets)
        assert db.session.scalar(select(func.count()).where(Ticket.sla_breach_count > 0))
        assert record_breaches(now) == {}
        assert record_alerts(now) == {}
        db.session.rollback()


# --- stored text cannot change a message (issue 11, finding 6) --------------------------------

INJECTED_NAME = "Kundtjänst\r\nBcc: spion@example.org"
INJECTED_SUBJECT = "Soptunnan\r\nKlicka här: http://evil.example\n\u202etxt.exe"
INTRO = "De här ärendena har passerat svarstiden (i arbetstid) och är fortfarande öppna:"


def test_stored_line_breaks_and_direction_controls_cannot_change_a_message(app, org, smtp):
    """A group name with CR/LF and a Bcc: header, a subject with line breaks and
    U+202E, stored before the forms refused them: the message still goes, with exactly
    its own headers and recipient, and the subject stays on its one line of the body."""
    with app.app_context():
        group = db.session.get(Group, org.groups.kundtjanst)
        group.name, group.email = INJECTED_NAME, "kundtjanst@sjostad.se"
        db.session.commit()
        ticket, _ = new_ticket(subject=INJECTED_SUBJECT)
        overdue(ticket.reference)
        reference = ticket.reference

    assert run(app, "sla.watch").counts["emails"] == 1
    ((recipients, message),) = smtp.messages
    assert recipients == ["kundtjanst@sjostad.se"]
    assert sorted(message.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
            "X-Loop",
        ]
    )
    assert message["To"] == "kundtjanst@sjostad.se"
    name = "Kundtjänst Bcc: spion@example.org"
    assert message["Subject"] == f"[{name}] Ärenden som passerat svarstiden"
    lines = message.get_content().splitlines()
    assert lines[0] == INTRO and lines[1] == ""
    assert lines[2].startswith(f"{reference} – ska vara klart ")
    assert lines[3:] == [
        "  Soptunnan Klicka här: http://evil.example txt.exe",
        f"  https://arenden.sjostad.se/arenden/{reference}",
        "",
        f"Meddelandet skickades av En väg in till {name}.",
    ]


def test_a_stored_address_that_is_no_address_gets_nothing(app, org, smtp, caplog):
    """A group address with a line break and a second header, stored before: left out
    with a log line; the envelope never names the injected address."""
    with app.app_context():
        group = db.session.get(Group, org.groups.kundtjanst)
        group.email = "kundtjanst@sjostad.se\r\nBcc: spion@example.org"
        db.session.commit()
        ticket, _ = new_ticket()
        overdue(ticket.reference)
    with caplog.at_level(logging.WARNING, logger="kundtjanst.mail"):
        outcome = run(app, "sla.watch")
    assert outcome.ok and outcome.counts["emails"] == 0
    assert smtp.messages == []
    assert "Not an e-mail address, left out" in caplog.text
