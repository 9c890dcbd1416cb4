"""What a mail says, and hostile mail: plain text first, HTML only as text (its markup
never reaches a page), any charset, attachments noted, the quoted history folded on
the ticket page; 10 MB bodies, 1,000 parts, NUL bytes, formula subjects and header
injection neither crash the pass nor reach a page unescaped; a mail nothing can read,
or one that breaks the placing, waits in the quarantine and the rest go on."""

from __future__ import annotations

import base64

from sqlalchemy import select

from kundtjanst.attachments.models import Attachment as StoredFile
from kundtjanst.core.vocabulary import EventKind
from kundtjanst.extensions import db
from kundtjanst.inbound import services as inbound_services
from kundtjanst.inbound.models import FAILED, QUARANTINED, UNPARSEABLE
from kundtjanst.stats.exports import as_text
from kundtjanst.tickets.models import Event

from .inbound_helpers import fetch, stored, tickets
from .mails import CITIZEN, mail

HEAD = f"From: Anna <{CITIZEN}>\r\nTo: kundtjanst@sjostad.se\r\nMessage-ID: <{{id}}@x.org>\r\n"


def raw(id_: str, rest: str | bytes) -> bytes:
    rest = rest.encode() if isinstance(rest, str) else rest
    return HEAD.format(id=id_).encode() + rest


def test_html_only_mail_becomes_text_and_its_markup_never_a_page(app, org, mailbox, login_as):
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<p>Hej!</p><p>Gatlampan &auml;r trasig<br>p&aring; Storgatan.</p>"
        "<script>alert('x')</script><img src=x onerror=alert(1)></body></html>"
    )
    mailbox.append(mail("Gatlampa", html=html, html_only=True))
    fetch(app)
    with app.app_context():
        (ticket,) = tickets()
        assert ticket.description == "Hej!\n\nGatlampan är trasig\npå Storgatan."
        reference = ticket.reference
    page = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Gatlampan är trasig" in page
    assert "alert" not in page and "onerror" not in page


def test_plain_text_wins_over_its_html_twin(app, org, mailbox):
    mailbox.append(mail("Fråga", "Texten", html="<p>HTML-versionen</p>"))
    fetch(app)
    with app.app_context():
        assert tickets()[0].description == "Texten"


def test_iso_8859_1_and_undeclared_8_bit_text_read_right(app, org, mailbox):
    mailbox.append(
        raw(
            "latin1",
            b"Subject: =?iso-8859-1?q?H=E4lsningar_fr=E5n_G=F6teborg?=\r\n"
            b"Content-Type: text/plain; charset=iso-8859-1\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "Åäö räksmörgås".encode("latin-1"),
        )
    )
    mailbox.append(
        raw("undeclared", b"Subject: Utan charset\r\n\r\n" + "Vänliga hälsningar".encode("latin-1"))
    )
    mailbox.append(
        raw("unknown", b"Subject: Okand\r\nContent-Type: text/plain; charset=x-nonsense\r\n\r\nok")
    )
    fetch(app)
    with app.app_context():
        first, second, third = tickets()
        assert (first.subject, first.description) == ("Hälsningar från Göteborg", "Åäö räksmörgås")
        assert second.description == "Vänliga hälsningar"
        assert third.description == "ok"


def test_a_mails_attachments_are_stored_with_its_ticket(app, org, mailbox, login_as):
    pdf = b"%PDF-1.4" + b"x" * 3000
    mailbox.append(
        mail(
            attachments=[
                ("ritning.pdf", "application/pdf", pdf),
                ("foto.jpg", "image/png", b"\xff\xd8\xff" + b"\x00" * 10),  # a JPEG, named wrong
            ]
        )
    )
    fetch(app)
    with app.app_context():
        (ticket,) = tickets()
        files = db.session.scalars(
            select(StoredFile).where(StoredFile.ticket_id == ticket.id).order_by(StoredFile.id)
        ).all()
        assert [(f.filename, f.content_type, f.size) for f in files] == [
            ("ritning.pdf", "application/pdf", len(pdf)),
            ("foto.jpg", "image/jpeg", 13),  # the type read from the bytes
        ]
        assert not db.session.query(Event).filter_by(ticket_id=ticket.id, kind=EventKind.NOTE).all()
        reference, first = ticket.reference, files[0].id
    download = login_as("agent").get(f"/arenden/{reference}/bilagor/{first}")
    assert download.status_code == 200 and download.data == pdf


def test_the_quoted_history_is_folded_on_the_ticket_page(app, org, mailbox, login_as):
    body = (
        "Tack, men en fråga till om plankets höjd.\n\n"
        "-----Original Message-----\nFrån: Kundtjänst\nSkickat: den 1 december 2026\n"
        "Ämne: Svar\n\nHEMLIG-HISTORIK"
    )
    mailbox.append(mail("Plank", body))
    fetch(app)
    with app.app_context():
        reference = tickets()[0].reference
    page = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    reply_at, details_at = page.index("höjd."), page.index('<details class="quoted-history">')
    assert reply_at < details_at < page.index("HEMLIG-HISTORIK")


def test_nul_bytes_broken_mime_and_a_formula_subject_are_stored_safely(app, org, mailbox):
    mailbox.append(raw("nul", b"Subject: Noll\x00byte\r\n\r\nText\x00med\x00nollor\r\n"))
    mailbox.append(
        raw(
            "broken",
            'Subject: Trasig\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "SGVqIGTDpHI=!!!not base64\r\n--b\r\nContent-Type: application/pdf\r\n",
        )
    )
    mailbox.append(raw("formula", "Subject: =cmd|' /C calc'!A0\r\n\r\nhej"))
    assert fetch(app) == {"waiting": 3, "ticket": 3}
    with app.app_context():
        nul, broken, formula = tickets()
        assert "\x00" not in nul.subject + nul.description
        # Dovecot itself stores NUL as 0x80 (read as "€"); the parser drops NULs it gets
        # (tests/test_inbound_parse.py).
        assert nul.description.startswith("Text") and nul.description.endswith("nollor")
        assert broken.subject == "Trasig"
        assert formula.subject == "=cmd|' /C calc'!A0"
        assert as_text(formula.subject).startswith("'")  # the exports neutralise it


def test_header_injection_stays_in_one_header(app, org, mailbox, login_as):
    subject = base64.b64encode(b"Hej\r\nBcc: offer@evil.example\r\n\r\n<b>x</b>").decode()
    mailbox.append(raw("inject", f"Subject: =?utf-8?b?{subject}?=\r\n\r\nText"))
    fetch(app)
    with app.app_context():
        (ticket,) = tickets()
        assert "\n" not in ticket.subject and "\r" not in ticket.subject
        reference = ticket.reference
    page = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    assert "<b>x</b>" not in page


def test_a_10_mb_body_and_1000_parts_are_stored_and_cut_to_size(app, org, mailbox):
    big = "Stor text. " * (10 * 1024 * 1024 // 11)
    mailbox.append(mail("Stor", big))
    parts = "".join(
        f"--p\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        f'filename="del{n}.bin"\r\n\r\nx{n}\r\n'
        for n in range(1000)
    )
    mailbox.append(
        raw(
            "parts",
            'Subject: Tusen delar\r\nContent-Type: multipart/mixed; boundary="p"\r\n\r\n'
            f"--p\r\nContent-Type: text/plain\r\n\r\nSe bilagorna.\r\n{parts}--p--\r\n",
        )
    )
    assert fetch(app) == {"waiting": 2, "ticket": 2}
    with app.app_context():
        large, many = tickets()
        assert len(large.description) < inbound_services.MAX_TEXT + 200
        assert large.description.endswith("]")  # says it was cut
        assert stored()[0].size > 10 * 1024 * 1024  # the whole mail is kept
        assert many.description == "Se bilagorna."
        # Five files are kept (the per-ticket limit); the rest are named as left out.
        kept = db.session.scalars(select(StoredFile).where(StoredFile.ticket_id == many.id))
        assert [f.filename for f in kept] == [f"del{n}.bin" for n in range(5)]
        note = db.session.query(Event).filter_by(ticket_id=many.id, kind=EventKind.NOTE).one()
        assert note.data["left_out"] == 995 and "945" in note.body


def test_unreadable_and_failing_mail_wait_in_quarantine_and_the_rest_go_on(
    app, org, mailbox, monkeypatch
):
    real = inbound_services._new_ticket

    def breaks_on_boom(row, parsed, **kwargs):
        if "BOOM" in parsed.subject:
            raise RuntimeError("something in this mail broke the placing")
        return real(row, parsed, **kwargs)

    monkeypatch.setattr(inbound_services, "_new_ticket", breaks_on_boom)
    mailbox.append(b"\x00\x01\x02 nothing here is a mail header\r\n\r\n\xff\xfe")
    mailbox.append(mail("BOOM"))
    mailbox.append(mail("Helt vanlig fråga"))
    assert fetch(app) == {"waiting": 3, QUARANTINED: 2, "ticket": 1}
    with app.app_context():
        unreadable, failed, fine = stored()
        assert (unreadable.status, unreadable.reason) == (QUARANTINED, UNPARSEABLE)
        assert (failed.status, failed.reason) == (QUARANTINED, FAILED)
        assert "something in this mail broke the placing" in failed.error
        assert fine.ticket_id is not None
        assert [t.subject for t in tickets()] == ["Helt vanlig fråga"]
    assert mailbox.count(criterion="UNSEEN") == 0  # all three were handled
