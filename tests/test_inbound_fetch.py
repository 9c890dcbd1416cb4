"""Incoming mail over IMAP against a real Dovecot: nothing lost, nothing twice.

Each message is stored before it is read, made a ticket, committed, and only then
flagged on the server. The same message fetched twice, by two processes at once,
after a fetcher was killed between the commit and the flag, or from two mailboxes,
gives one ticket; 200 messages waiting after an outage give 200 tickets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kundtjanst.core.vocabulary import Channel
from kundtjanst.extensions import db
from kundtjanst.inbound.fetch import PAUSE_BEFORE_FLAG
from kundtjanst.inbound.models import NEW_TICKET, InboundMail
from kundtjanst.jobs import registry, runner
from kundtjanst.routing.models import RoutingRule
from kundtjanst.routing.services import next_position
from kundtjanst.tickets.models import Ticket

from .conftest import TEST_SECRET
from .inbound_helpers import fetch, stored, tickets
from .mails import CITIZEN, mail

ROOT = Path(__file__).resolve().parent.parent
RECEIVED = datetime(2026, 12, 1, 8, 15, tzinfo=UTC)  # a Tuesday, 09:15 in Stockholm


def test_a_mail_becomes_an_email_ticket_received_when_the_mailbox_got_it(app, org, mailbox):
    message = mail(message_id="<first@example.org>")
    mailbox.append(message, received=RECEIVED)
    assert fetch(app) == {"waiting": 1, "ticket": 1}
    with app.app_context():
        (ticket,) = tickets()
        assert ticket.channel == Channel.EMAIL
        assert ticket.subject == "Fråga om bygglov"
        assert ticket.description.startswith("Hej! Behöver jag bygglov")
        assert (ticket.citizen_name, ticket.citizen_email) == ("Anna Svensson", CITIZEN)
        assert ticket.created_at == RECEIVED  # INTERNALDATE, not the fetch
        assert ticket.mail_root_id == ticket.mail_last_id == "<first@example.org>"
        assert ticket.status_token_hash is not None  # a person wrote it: a receipt goes out
        (row,) = stored()
        assert row.raw == message and row.status == NEW_TICKET and row.ticket_id == ticket.id
        assert row.received_at == RECEIVED
    (flags,) = mailbox.flags()
    assert "\\Seen" in flags
    assert fetch(app) == {"waiting": 0}


def test_the_routing_rules_route_mail(app, org, mailbox):
    """A rule on the sender's e-mail domain (first match wins) takes the new ticket."""
    with app.app_context():
        db.session.add(
            RoutingRule(
                position=next_position(),
                name="Byggföretag",
                channel="email",
                email_domain="bygg.example",
                group_id=org.groups.bygg,
            )
        )
        db.session.commit()
    mailbox.append(mail(sender="Firma <info@bygg.example>"))
    mailbox.append(mail("Annat", sender="privat@example.org"))
    fetch(app)
    with app.app_context():
        routed, not_routed = tickets()
        assert routed.group_id == org.groups.bygg
        assert not_routed.group_id == org.groups.kundtjanst


def test_the_command_says_what_it_did(app, org, mailbox, runner, monkeypatch):
    mailbox.append(mail())
    assert runner.invoke(args=["mail", "fetch"]).output == "waiting 1, ticket 1\n"
    monkeypatch.setitem(app.config, "IMAP_HOST", "")
    assert runner.invoke(args=["mail", "fetch"]).output == "mailbox not configured\n"


def test_the_same_message_twice_in_the_mailbox_is_one_ticket(app, org, mailbox):
    message = mail()
    mailbox.append_many([message, message])
    assert fetch(app) == {"waiting": 2, "duplicate": 1, "ticket": 1}
    with app.app_context():
        assert len(tickets()) == 1 and len(stored()) == 1
    assert mailbox.count(criterion="UNSEEN") == 0


def test_a_reused_message_id_with_other_content_is_a_new_message(app, org, mailbox):
    mailbox.append(mail("Om parkering", "Var får jag parkera?", message_id="<same@x.org>"))
    mailbox.append(mail("Om soptunnan", "Den töms inte.", message_id="<same@x.org>"))
    fetch(app)
    with app.app_context():
        assert [t.subject for t in tickets()] == ["Om parkering", "Om soptunnan"]


def test_the_same_mail_in_two_mailboxes_is_one_ticket(app, org, mailbox, monkeypatch):
    """Each mailbox adds its own trace headers; the content hash leaves them out."""
    message = mail(message_id="<both@example.org>")
    mailbox.append(b"Delivered-To: kundtjanst@sjostad.se\r\nReceived: from a\r\n" + message)
    mailbox.append(
        b"Delivered-To: bygglov@sjostad.se\r\nReceived: from b\r\n" + message, folder="Bygglov"
    )
    assert fetch(app)["ticket"] == 1
    monkeypatch.setitem(app.config, "IMAP_FOLDER", "Bygglov")
    assert fetch(app) == {"waiting": 1, "duplicate": 1}
    with app.app_context():
        assert len(tickets()) == 1
    assert mailbox.count("INBOX", "UNSEEN") == mailbox.count("Bygglov", "UNSEEN") == 0


def test_200_messages_waiting_after_an_outage_become_200_tickets(app, org, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "IMAP_BATCH", 37)  # several FETCH batches
    mailbox.append_many(
        [mail(f"Fråga nummer {n}", sender=f"person{n}@example.org") for n in range(200)]
    )
    assert fetch(app) == {"waiting": 200, "ticket": 200}
    with app.app_context():
        assert len(tickets()) == 200
    assert mailbox.count(criterion="UNSEEN") == 0


def test_a_processed_folder_takes_handled_mail_out_of_the_inbox(app, org, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "IMAP_PROCESSED_FOLDER", "Hanterat")
    mailbox.append(mail())
    mailbox.append(mail("Läst av någon", sender="b@example.org"))
    with mailbox.connect() as client:  # someone read it in a mail client: still fetched
        client.select("INBOX")
        client.store("2", "+FLAGS", r"(\Seen)")  # the second message
    assert fetch(app) == {"waiting": 2, "ticket": 2}
    assert mailbox.count("INBOX") == 0 and mailbox.count("Hanterat") == 2


def test_no_mailbox_configured_the_job_does_nothing_and_says_so(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "IMAP_HOST", "")
    trigger = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    outcome = runner.run(app, registry.load()["mail.fetch"], trigger, "test")
    assert outcome.ok and outcome.counts == {"mailbox": "not configured"}


def test_the_job_reads_the_mailbox(app, org, mailbox):
    mailbox.append(mail())
    trigger = datetime(2026, 12, 4, 12, 1, tzinfo=UTC)
    outcome = runner.run(app, registry.load()["mail.fetch"], trigger, "test")
    assert outcome.ok and outcome.counts == {"waiting": 1, "ticket": 1}


# --- separate processes: `flask mail fetch` as run in production -------------------------


def _fetch_process(app, mailbox, **env) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": TEST_SECRET,
        "KUNDTJANST_MAIL_FROM": "noreply@sjostad.se",
        **{f"KUNDTJANST_{k}": str(v) for k, v in mailbox.config().items()},
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "fetch"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_two_fetch_processes_at_once_make_one_ticket_per_message(app, org, mailbox):
    mailbox.append_many([mail(f"Fråga {n}", sender=f"p{n}@example.org") for n in range(40)])
    first, second = _fetch_process(app, mailbox), _fetch_process(app, mailbox)
    for process in (first, second):
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    with app.app_context():
        subjects = [t.subject for t in tickets()]
        assert sorted(subjects) == sorted(f"Fråga {n}" for n in range(40))
        assert db.session.scalar(select(func.count()).select_from(InboundMail)) == 40
    assert mailbox.count(criterion="UNSEEN") == 0


def test_a_fetcher_killed_between_the_commit_and_the_flag_leaves_one_ticket(app, org, mailbox):
    mailbox.append(mail(message_id="<crash@example.org>"))
    process = _fetch_process(app, mailbox, **{PAUSE_BEFORE_FLAG: "60"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with app.app_context():
                if db.session.scalar(select(func.count()).select_from(Ticket)) == 1:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(process.stderr.read1().decode())
        time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()  # waits, and closes its pipes
    assert mailbox.count(criterion="UNSEEN") == 1  # committed, never flagged
    assert fetch(app) == {"waiting": 1, "duplicate": 1}
    with app.app_context():
        (ticket,) = tickets()
        assert ticket.mail_root_id == "<crash@example.org>"
        assert db.session.scalar(select(func.count()).select_from(InboundMail)) == 1
    assert mailbox.count(criterion="UNSEEN") == 0


def test_a_mailbox_that_cannot_be_reached_fails_the_run_and_loses_nothing(app, org, mailbox):
    from .imapserver import free_port

    mailbox.append(mail())
    trigger = datetime(2026, 12, 4, 12, 2, tzinfo=UTC)
    job = registry.load()["mail.fetch"]
    app.config["IMAP_PORT"] = free_port()  # nobody listens there (the fixture restores it)
    outcome = runner.run(app, job, trigger, "test")
    assert not outcome.ok and "ConnectionRefusedError" in outcome.error
    app.config["IMAP_PORT"] = mailbox.port
    assert fetch(app) == {"waiting": 1, "ticket": 1}


def test_an_unknown_security_setting_is_named():
    from kundtjanst.inbound.imap import ImapSource

    with pytest.raises(ValueError, match="IMAP_SECURITY must be one of ssl, starttls, none"):
        ImapSource.from_config({"IMAP_HOST": "x", "IMAP_SECURITY": "tls"})


def test_a_mail_left_half_placed_is_taken_over_after_a_while(app, org, mailbox):
    """A fetcher that died after storing the bytes (before placing them) left the row
    "processing": another pass leaves it alone while it may still be at work, takes it
    over after ten minutes, and the message is flagged only then."""
    from datetime import timedelta

    from kundtjanst.core.mailparse import content_hash, message_id_of
    from kundtjanst.core.timeutil import utcnow
    from kundtjanst.inbound.models import PROCESSING

    message = mail(message_id="<half@example.org>")
    mailbox.append(message)
    with app.app_context():
        row = InboundMail(
            message_id=message_id_of(message),
            content_hash=content_hash(message),
            raw=message,
            size=len(message),
            mailbox="imap://died",
            received_at=RECEIVED,
            status=PROCESSING,
            claimed_at=utcnow(),
        )
        db.session.add(row)
        db.session.commit()
        row_id = row.id
    assert fetch(app) == {"waiting": 1, "busy": 1}
    assert mailbox.count(criterion="UNSEEN") == 1
    with app.app_context():
        db.session.get(InboundMail, row_id).claimed_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    assert fetch(app) == {"waiting": 1, "ticket": 1}
    assert mailbox.count(criterion="UNSEEN") == 0
    with app.app_context():
        (ticket,) = tickets()
        assert db.session.get(InboundMail, row_id).ticket_id == ticket.id
