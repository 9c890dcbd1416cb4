"""Who may download a ticket's files (whoever may read the ticket, and the citizen with
their status link), how a file is served (always a download, typed from its bytes),
the lists on the ticket page and the status page, the audit of confidential downloads,
retention deleting the files, and hostile parameters never causing a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from kundtjanst.attachments import services as attachments
from kundtjanst.attachments.models import Attachment
from kundtjanst.audit.models import AuditEntry, TicketRead
from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.retention.services import anonymise_expired
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

from .factories import new_ticket
from .test_fuzz import FUZZ, check_answer, encode, hostile

PDF = b"%PDF-1.4\n%%EOF\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def _own_store(app, tmp_path):
    before = app.config["ATTACHMENT_DIR"]
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "store")
    yield
    app.config["ATTACHMENT_DIR"] = before


def files_on_disk(app) -> list[Path]:
    return [p for p in Path(app.config["ATTACHMENT_DIR"]).rglob("*") if p.is_file()]


def attach(ticket: Ticket, *parts) -> list[int]:
    assert attachments.store_incoming(ticket, parts) == []
    db.session.commit()
    return list(
        db.session.scalars(
            select(Attachment.id).where(Attachment.ticket_id == ticket.id).order_by(Attachment.id)
        )
    )


@pytest.fixture
def files(app, org) -> dict:
    """A question in Bygglov claimed by "member", one in Socialtjänst (confidential),
    and one in kundtjänst's inbox, each with a file."""
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        open_ticket, token = new_ticket(category_id=org.categories.avfall)
        services.escalate(open_ticket, agent, db.session.get(Group, org.groups.bygg))
        services.claim(open_ticket, db.session.get(User, org.users.member))
        [plain] = attach(open_ticket, ("Ritning.pdf", "application/pdf", PDF))
        secret, secret_token = new_ticket(category_id=org.categories.bistand)
        assert secret.confidential
        [hidden] = attach(secret, ("Läkarintyg.pdf", "application/pdf", PDF))
        other, other_token = new_ticket()
        [elsewhere] = attach(other, ("svar.pdf", None, HTML))
        return {
            "ref": open_ticket.reference,
            "token": token,
            "id": plain,
            "secret_ref": secret.reference,
            "secret_token": secret_token,
            "secret_id": hidden,
            "other_ref": other.reference,
            "other_token": other_token,
            "other_id": elsewhere,
        }


def staff_url(files, ref="ref", id_="id") -> str:
    return f"/arenden/{files[ref]}/bilagor/{files[id_]}"


def citizen_url(files, token="token", id_="id") -> str:
    return f"/arende/{files[token]}/bilagor/{files[id_]}"


@pytest.mark.parametrize(
    ("who", "plain", "secret"),
    [
        ("agent", 200, 404),  # kundtjänst: not a confidential group's files
        ("agent2", 200, 404),
        ("member", 200, 404),  # the answer group holding it, and its claimant
        ("member2", 200, 404),
        ("other", 404, 404),  # another answer group's member
        ("social", 404, 200),  # the confidential group's member
        ("manager", 200, 404),
        ("admin", 200, 404),  # managers and administrators read what is not secret
    ],
)
def test_staff_download_as_they_may_read_the_ticket(login_as, files, who, plain, secret):
    client = login_as(who)
    assert client.get(staff_url(files)).status_code == plain
    assert client.get(staff_url(files, "secret_ref", "secret_id")).status_code == secret
    # The ticket's page and its files say the same.
    assert client.get(f"/arenden/{files['ref']}").status_code in ({200} if plain == 200 else {404})


def test_anonymous_staff_download_is_sent_to_the_login(login_as, files):
    response = login_as("anonymous").get(staff_url(files))
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


def test_a_file_of_another_ticket_is_not_found_through_this_one(login_as, files):
    agent = login_as("agent")
    assert agent.get(f"/arenden/{files['ref']}/bilagor/{files['other_id']}").status_code == 404
    assert (
        agent.get(f"/arenden/{files['other_ref']}/bilagor/{files['other_id']}").status_code == 200
    )


def test_the_citizen_downloads_their_own_files_with_their_link(client, files):
    response = client.get(citizen_url(files))
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # Their link opens no other ticket's files; no link or a wrong one opens nothing.
    assert client.get(citizen_url(files, "token", "other_id")).status_code == 404
    assert client.get(citizen_url(files, "other_token", "id")).status_code == 404
    assert client.get(f"/arende/{'x' * 43}/bilagor/{files['id']}").status_code == 404
    assert client.get(f"/arende//bilagor/{files['id']}").status_code == 404


def test_a_replaced_status_link_no_longer_opens_the_files(app, client, org, files):
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == files["ref"]))
        services.replace_status_link(ticket, db.session.get(User, org.users.agent))
        db.session.commit()
    assert client.get(citizen_url(files)).status_code == 404


def test_a_file_is_always_a_download_typed_from_its_bytes(login_as, files):
    response = login_as("agent").get(staff_url(files, "other_ref", "other_id"))
    assert response.status_code == 200 and response.data == HTML
    assert response.mimetype == "application/octet-stream"  # not text/html, not a PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="svar.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Length"] == str(len(HTML))


def test_a_name_beyond_ascii_is_offered_as_rfc_6266_says(login_as, files):
    response = login_as("social").get(staff_url(files, "secret_ref", "secret_id"))
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Lakarintyg.pdf\"; filename*=UTF-8''L%C3%A4karintyg.pdf"
    )


def test_a_confidential_download_is_audited_and_every_download_counts_as_a_read(
    app, login_as, org, files
):
    login_as("social").get(staff_url(files, "secret_ref", "secret_id"))
    login_as("agent").get(staff_url(files))
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry)).all()
        assert [(e.action, e.target, e.details) for e in entries] == [
            ("ticket.attachment", files["secret_ref"], {"attachment": files["secret_id"]})
        ]
        reads = {r.user_id for r in db.session.scalars(select(TicketRead))}
        assert reads == {org.users.social, org.users.agent}


def test_the_ticket_page_lists_the_files(login_as, files):
    html = login_as("member").get(f"/arenden/{files['ref']}").get_data(as_text=True)
    assert "Bifogade filer" in html and "Ritning.pdf" in html
    assert f'href="{staff_url(files)}"' in html
    assert "från e-post" in html


def test_the_status_page_lists_the_citizens_files(client, files):
    html = client.get(f"/arende/{files['token']}").get_data(as_text=True)
    assert "Dina filer" in html and "Ritning.pdf" in html and "15 B" in html
    assert f'href="{citizen_url(files)}"' in html


def test_kundtjanst_sees_no_file_names_of_a_confidential_ticket(login_as, files):
    html = login_as("agent").get(f"/arenden/{files['secret_ref']}").get_data(as_text=True)
    assert "Läkarintyg" not in html and "/bilagor/" not in html


# --- retention -------------------------------------------------------------------------


def test_retention_deletes_the_files_with_the_personal_data(app, org, files, client):
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == files["other_ref"]))
        services.resolve(ticket, agent, Outcome.ANSWERED)
        db.session.commit()
        assert len(files_on_disk(app)) == 3
        later = utcnow() + timedelta(days=30 * 25)
        dry = anonymise_expired(later, dry_run=True)
        db.session.rollback()
        assert dry.attachments == 3 and len(files_on_disk(app)) == 3
        result = anonymise_expired(later)
        assert result.attachments == 3  # the two open ones, untouched for as long, too
        assert len(files_on_disk(app)) == 3  # the bytes go once the run commits
        db.session.commit()
        assert files_on_disk(app) == []
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.run"))
        assert entry.details["attachments"] == 3
    assert client.get(citizen_url(files, "other_token", "other_id")).status_code == 404


def test_retention_keeps_the_files_of_tickets_not_yet_due(app, org, files):
    with app.app_context():
        assert anonymise_expired(utcnow()).attachments == 0
        db.session.commit()
        assert len(files_on_disk(app)) == 3


# --- hostile parameters ----------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_hostile_parameters_never_cause_a_500(app, login_as, files, data):
    reference = data.draw(st.one_of(st.just(files["ref"]), hostile), label="reference")
    token = data.draw(st.one_of(st.just(files["token"]), hostile), label="token")
    number = data.draw(st.one_of(st.just(str(files["id"])), hostile), label="id")

    def path(*parts) -> str:
        return "/" + "/".join(encode([("", p)])[1:] for p in parts)

    for who, url in (
        ("member", path("arenden", reference, "bilagor", number)),
        ("anonymous", path("arende", token, "bilagor", number)),
    ):
        response = login_as(who).get(url)
        check_answer(response, {200, 302, 308, 400, 404})
        if response.status_code == 200:
            assert response.headers["Content-Disposition"].startswith("attachment;")


def test_found_by_fuzzing(login_as, files):
    member = login_as("member")
    for number in ("2147483648", "9" * 5000, "-1", "٣", "²", "0x1", "1.0"):
        check_answer(member.get(f"/arenden/{files['ref']}/bilagor/{number}"), {404})
    assert re.fullmatch(r"\d+", str(files["id"]))
