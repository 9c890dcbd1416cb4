"""Retention (gallring): personal data goes, the statistics stay exactly the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.core.timeutil import months_before
from kundtjanst.core.vocabulary import Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.org.models import Category
from kundtjanst.retention.services import MARKER, anonymise_expired
from kundtjanst.tickets.models import Event, Ticket

# Demo tickets from the year before 1 March 2025; retention judged on 27 November 2026.
SEEDED_AT = "2025-03-01T12:00:00+00:00"
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def seed(runner, tickets: int = 500) -> None:
    result = runner.invoke(
        args=["demo", "seed", "--tickets", str(tickets), "--seed", "4", "--now", SEEDED_AT]
    )
    assert result.exit_code == 0, result.output


def figures() -> dict:
    """What the dashboard is built from, computed straight from the tickets."""
    counted = (Ticket.status == Status.RESOLVED) & (Ticket.outcome != Outcome.WITHDRAWN)
    first = func.sum(case((counted & Ticket.first_contact.is_(True), 1), else_=0))
    totals = db.session.execute(
        select(
            func.count(Ticket.id),
            func.sum(case((counted, 1), else_=0)),
            first,
            func.sum(Ticket.frontline_seconds),
            func.sum(Ticket.answer_seconds),
            func.sum(Ticket.sla_breach_count),
            func.sum(Ticket.reopen_count),
        )
    ).one()
    grouped = {}
    for column in (
        Ticket.channel,
        Ticket.category_id,
        Ticket.group_id,
        Ticket.outcome,
        Ticket.answered_by,
        Ticket.first_contact,
        Ticket.confidential,
    ):
        grouped[column.key] = sorted(
            (str(k), n)
            for k, n in db.session.execute(select(column, func.count()).group_by(column)).all()
        )
    times = db.session.execute(
        select(
            Ticket.id,
            Ticket.created_at,
            Ticket.resolved_at,
            Ticket.first_response_at,
            Ticket.escalated_at,
            Ticket.due_at,
        ).order_by(Ticket.id)
    ).all()
    kinds = db.session.execute(
        select(Event.kind, func.count()).group_by(Event.kind).order_by(Event.kind)
    ).all()
    return {
        "totals": tuple(totals),
        "share": totals[2] / totals[1],
        "grouped": grouped,
        "times": [tuple(row) for row in times],
        "events": [tuple(row) for row in kinds],
    }


def test_months_before_clamps_the_day():
    # 31 March 12:00 summer time → 28 February 12:00 winter time.
    assert months_before(datetime(2026, 3, 31, 10, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, 11, tzinfo=UTC
    )
    assert months_before(NOW, 24) == datetime(2024, 11, 27, 3, tzinfo=UTC)
    # Across a daylight-saving change the Stockholm wall-clock time is kept.
    assert months_before(datetime(2026, 7, 1, 10, tzinfo=UTC), 6) == datetime(
        2026, 1, 1, 11, tzinfo=UTC
    )


def test_retention_anonymises_personal_data_and_keeps_the_statistics(app, runner):
    seed(runner)
    with app.app_context():
        before = figures()
        months = dict(db.session.execute(select(Category.id, Category.retention_months)).all())
        result = anonymise_expired(NOW)
        db.session.commit()
        after = figures()
        assert after == before  # every figure, to the last second and count

        assert result.tickets > 0 and result.events > 0
        for ticket in db.session.scalars(select(Ticket)):
            cutoff = months_before(NOW, months.get(ticket.category_id, 24))
            if ticket.status == Status.RESOLVED:
                expired = ticket.resolved_at < cutoff
            else:  # an open question counts from the last time anybody touched it
                expired = ticket.last_activity_at < cutoff
            if expired:
                assert ticket.anonymised_at == NOW
                assert (ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone) == (
                    None,
                    None,
                    None,
                )
                assert ticket.subject == MARKER
                assert ticket.description in (MARKER, "")
                assert ticket.status_token_hash is None
                assert ticket.referred_to in (MARKER, None)
                assert ticket.diarienummer in (MARKER, None)
            else:
                assert ticket.anonymised_at is None and ticket.subject != MARKER
        anonymised = select(Ticket.id).where(Ticket.anonymised_at.is_not(None))
        bodies = db.session.scalars(
            select(Event.body).where(Event.ticket_id.in_(anonymised), Event.body.is_not(None))
        ).all()
        assert bodies and set(bodies) == {MARKER}
        kept = db.session.scalars(
            select(Event.body).where(Event.ticket_id.not_in(anonymised), Event.body.is_not(None))
        ).all()
        assert MARKER not in kept

        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.run"))
        assert entry.details["tickets"] == result.tickets
        assert entry.details["events"] == result.events

        # A second run finds nothing new, and says so in the audit log.
        again = anonymise_expired(NOW + timedelta(minutes=1))
        db.session.commit()
        assert again.tickets == 0
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(AuditEntry.action == "retention.run")
            )
            == 2
        )


def test_the_category_retention_time_decides(app, runner):
    seed(runner, 300)
    with app.app_context():
        # 1 March 2025 + 12 months: only the 12-month categories have expired tickets by then.
        result = anonymise_expired(datetime(2026, 2, 15, tzinfo=UTC), dry_run=True)
        assert result.tickets > 0
        assert {c.months for c in result.categories} == {12}
        assert {c.name for c in result.categories} <= {
            "Ekonomiskt bistånd",
            "Individ- och familjeomsorg",
        }


def test_dry_run_and_the_command(app, runner):
    seed(runner, 300)
    with app.app_context():
        before = db.session.scalars(select(Ticket.subject).order_by(Ticket.id)).all()
    dry = runner.invoke(args=["retention", "run", "--dry-run", "--now", NOW.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert "Would anonymise" in dry.output and "Bygglov" in dry.output
    with app.app_context():
        assert db.session.scalars(select(Ticket.subject).order_by(Ticket.id)).all() == before
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 0

    done = runner.invoke(args=["retention", "run", "--now", NOW.isoformat()])
    assert done.exit_code == 0, done.output
    summary = done.output.strip().splitlines()[-1]
    assert summary.startswith("Anonymised ") and "tickets and" in summary
    assert summary.replace("Anonymised", "Would anonymise") == dry.output.strip().splitlines()[-1]
    with app.app_context():
        assert MARKER in db.session.scalars(select(Ticket.subject)).all()

    bad = runner.invoke(args=["retention", "run", "--now", "igår"])
    assert bad.exit_code != 0


def test_the_nightly_job_runs_retention(app, runner):
    from kundtjanst.jobs import registry
    from kundtjanst.jobs import runner as job_runner

    seed(runner, 200)
    outcome = job_runner.run(app, registry.load()["retention.nightly"], NOW, "test")
    assert outcome.ok and outcome.counts["tickets"] > 0


def test_retention_removes_a_referral_with_a_name_and_a_phone(app, org):
    """The referral and the diarienummer are free text: on the ticket and copied into the
    resolution's timeline entry, both go."""
    from kundtjanst.auth.models import User
    from kundtjanst.tickets import services

    from .factories import new_ticket

    referral = "Hänvisad till Försäkringskassan, handläggare Lena Svensson 070-555 12 34"
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        referred, _ = new_ticket(category_id=org.categories.avfall)
        services.resolve(referred, agent, Outcome.REFERRED, referred_to=referral)
        forwarded, _ = new_ticket(category_id=org.categories.avfall)
        services.resolve(forwarded, agent, Outcome.FORWARDED, diarienummer="SBN 2026/77 Svensson")
        db.session.commit()
        ids = (referred.id, forwarded.id)
        result = anonymise_expired(utcnow_plus(months=25))
        db.session.commit()
        assert result.tickets == 2
        for ticket_id in ids:
            ticket = db.session.get(Ticket, ticket_id)
            assert ticket.referred_to in (None, MARKER) and ticket.diarienummer in (None, MARKER)
        stored = str(db.session.execute(select(Ticket.__table__)).all())
        stored += str(db.session.execute(select(Event.__table__)).all())
        for secret in ("Lena", "070-555", "Svensson", "SBN 2026/77"):
            assert secret not in stored
        resolved = db.session.scalars(select(Event).where(Event.kind == "resolved")).all()
        assert {e.data["outcome"] for e in resolved} == {"referred", "forwarded"}


def test_open_questions_untouched_are_listed_then_anonymised(app, org, login_as):
    """An open question nobody touches is listed for staff after the setting's months,
    and anonymised once its subject area's retention time has passed since then."""
    from .factories import new_ticket

    with app.app_context():
        old, _ = new_ticket(subject="Glömd fråga från Nils", category_id=org.categories.avfall)
        old.last_activity_at = old.created_at = utcnow_plus(months=-13)
        recent, _ = new_ticket(subject="Färsk fråga", category_id=org.categories.avfall)
        db.session.commit()
        old_ref, recent_ref = old.reference, recent.reference
    page = login_as("agent").get("/arenden/utan-aktivitet").get_data(as_text=True)
    assert old_ref in page and recent_ref not in page
    assert login_as("other").get("/arenden/utan-aktivitet").status_code == 200
    assert old_ref not in login_as("other").get("/arenden/utan-aktivitet").get_data(as_text=True)
    with app.app_context():
        assert anonymise_expired(utcnow_plus(months=0)).tickets == 0  # 24 months: not yet
        result = anonymise_expired(utcnow_plus(months=12))
        db.session.commit()
        assert result.tickets == 1
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == old_ref))
        assert ticket.subject == MARKER and ticket.status == Status.OPEN
        assert db.session.scalar(select(Ticket.subject).where(Ticket.reference == recent_ref))


def utcnow_plus(*, months: int) -> datetime:
    from kundtjanst.core.timeutil import utcnow

    return months_before(utcnow(), -months)


def test_retention_empties_a_tickets_mail_both_ways_and_old_unplaced_mail(app, org):
    """The receipt and answers we sent, and the citizen's own mail as it came, hold
    personal data: they are emptied with the ticket. Mail that never became a ticket
    (the quarantine) and groups' notices go after the default time."""
    from kundtjanst.auth.models import User
    from kundtjanst.core.timeutil import utcnow
    from kundtjanst.inbound.models import QUARANTINED, InboundMail
    from kundtjanst.mail import services as outbox
    from kundtjanst.mail.models import OutgoingMail
    from kundtjanst.tickets import services

    from .factories import new_ticket

    raw = b"From: Nils Nilsson <nils@example.org>\r\nSubject: Min skuld\r\n\r\nNils 070-555\r\n"
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        ticket, _ = new_ticket(subject="Min skuld", category_id=org.categories.avfall)
        services.resolve(ticket, agent, Outcome.ANSWERED, reply_body="Hej Nils, ring 070-555.")
        for ticket_id, status in ((ticket.id, "ticket"), (None, QUARANTINED)):
            db.session.add(
                InboundMail(
                    message_id=f"<{status}@example.org>",
                    content_hash=status.ljust(64, "0"),
                    raw=raw,
                    size=len(raw),
                    mailbox="INBOX",
                    received_at=utcnow(),
                    status=status,
                    sender="nils@example.org",
                    subject="Min skuld",
                    ticket_id=ticket_id,
                )
            )
        notice = outbox.queue(["kundtjanst@sjostad.se"], "[Kundtjänst] Min skuld", "KT-… Nils")
        notice.created_at = utcnow_plus(months=-25)
        db.session.commit()
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 3  # receipt, closing

        assert anonymise_expired(utcnow_plus(months=25), dry_run=True).mails == 5
        result = anonymise_expired(utcnow_plus(months=25))
        db.session.commit()
        assert result.tickets == 1 and result.mails == 5
        stored = str(db.session.execute(select(OutgoingMail.__table__)).all())
        stored += str(db.session.execute(select(InboundMail.__table__)).all())
        for secret in ("Nils", "070-555", "Min skuld", "nils@example.org", "medborgare@"):
            assert secret not in stored
        # Never sent (no mail server here), and now with nothing to send: given up.
        assert {m.status for m in db.session.scalars(select(OutgoingMail))} == {"failed"}
        assert anonymise_expired(utcnow_plus(months=26)).mails == 0  # done once


def test_batches_anonymise_exactly_what_one_run_would(app, runner):
    """In batches of 7 with a commit after each, the same tickets and texts go as in
    one transaction, every batch is committed as it ends, and nothing is done twice."""
    seed(runner, tickets=300)
    with app.app_context():
        expected = anonymise_expired(NOW, dry_run=True)
        db.session.rollback()
        commits = []

        def commit() -> None:
            commits.append(
                db.session.scalar(select(func.count()).where(Ticket.anonymised_at.is_not(None)))
            )
            db.session.commit()

        result = anonymise_expired(NOW, batch=7, after_batch=commit)
        db.session.commit()
        assert result.tickets == expected.tickets > 7
        assert result.events == expected.events
        assert [(c.name, c.tickets) for c in result.categories] == [
            (c.name, c.tickets) for c in expected.categories
        ]
        assert len(commits) >= result.tickets / 7  # a commit per batch, not one at the end
        assert commits == sorted(commits) and commits[-1] == result.tickets
        assert anonymise_expired(NOW, batch=7, after_batch=commit).tickets == 0
