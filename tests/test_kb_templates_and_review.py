"""Answer templates on the knowledge pages (personal and shared, unknown placeholders
refused) and the daily review reminder (one e-mail per owning group through the
outbox, not twice for one date, again for a new date)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.kb import services
from kundtjanst.kb.jobs import review_reminder
from kundtjanst.kb.models import AnswerTemplate, Article, ArticleState, Visibility
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.org.models import Group

from .test_kb_pages import make_article


def templates(app) -> list[AnswerTemplate]:
    with app.app_context():
        rows = list(db.session.scalars(select(AnswerTemplate).order_by(AnswerTemplate.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def template_data(**changes) -> dict:
    data = {
        "name": "Tack för samtalet",
        "body": "Hej {namn}! Ditt ärende {ärendenummer} handläggs av {handläggare}.",
        "group_id": "",
        "category_id": "",
    }
    data.update(changes)
    return data


# --- templates -------------------------------------------------------------------------------


def test_a_personal_template_is_its_owners_alone(app, org, login_as):
    agent = login_as("agent")
    assert agent.post("/kunskap/mallar/ny", data=template_data()).status_code == 302
    (saved,) = templates(app)
    assert saved.owner_id == org.users.agent and saved.group_id is None
    assert "Tack för samtalet" in agent.get("/kunskap/mallar").get_data(as_text=True)
    colleague = login_as("agent2")
    assert "Tack för samtalet" not in colleague.get("/kunskap/mallar").get_data(as_text=True)
    assert colleague.get(f"/kunskap/mallar/{saved.id}/andra").status_code == 404
    assert colleague.post(f"/kunskap/mallar/{saved.id}/ta-bort").status_code == 404
    changed = colleague.post(f"/kunskap/mallar/{saved.id}/andra", data=template_data(name="Mitt"))
    assert changed.status_code == 404
    assert templates(app)[0].name == "Tack för samtalet"


def test_a_shared_template_is_for_the_groups_members(app, org, login_as):
    agent = login_as("agent")
    response = agent.post(
        "/kunskap/mallar/ny", data=template_data(group_id=str(org.groups.kundtjanst))
    )
    assert response.status_code == 302
    (saved,) = templates(app)
    assert saved.group_id == org.groups.kundtjanst and saved.owner_id is None
    colleague = login_as("agent2")
    assert "Tack för samtalet" in colleague.get("/kunskap/mallar").get_data(as_text=True)
    edited = colleague.post(
        f"/kunskap/mallar/{saved.id}/andra",
        data=template_data(name="Tack!", group_id=str(org.groups.kundtjanst)),
    )
    assert edited.status_code == 302 and templates(app)[0].name == "Tack!"
    outsider = login_as("member")
    assert "Tack!" not in outsider.get("/kunskap/mallar").get_data(as_text=True)
    assert outsider.get(f"/kunskap/mallar/{saved.id}/andra").status_code == 404


def test_sharing_only_in_ones_own_groups(app, org, login_as):
    response = login_as("member").post(
        "/kunskap/mallar/ny", data=template_data(group_id=str(org.groups.kundtjanst))
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert templates(app) == []


def test_unknown_placeholders_are_refused_by_name(app, org, login_as):
    response = login_as("agent").post(
        "/kunskap/mallar/ny", data=template_data(body="Hej {namm}, se {statuslank} och {namn}.")
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Okända platshållare: {namm}, {statuslank}" in body
    assert "{ärendenummer}" in body  # the hint, and the message, name the known ones
    assert templates(app) == []


def test_the_form_lists_the_placeholders(app, org, login_as):
    body = login_as("agent").get("/kunskap/mallar/ny").get_data(as_text=True)
    for name in ("{namn}", "{ärendenummer}", "{handläggare}", "{kommun}", "{statuslänk}"):
        assert name in body


def test_deleting_a_template_asks_first(app, org, login_as):
    agent = login_as("agent")
    agent.post("/kunskap/mallar/ny", data=template_data())
    (saved,) = templates(app)
    question = agent.get(f"/kunskap/mallar/{saved.id}/ta-bort")
    assert question.status_code == 200
    assert "Ta bort mallen Tack för samtalet?" in question.get_data(as_text=True)
    assert len(templates(app)) == 1
    assert agent.post(f"/kunskap/mallar/{saved.id}/ta-bort").status_code == 302
    assert templates(app) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 121}, "name"),
        ({"name": "Rad\r\nBcc: x@example.org"}, "name"),
        ({"body": ""}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "a\x00b"}, "body"),
        ({"group_id": "abc"}, "group_id"),
        ({"group_id": "99999999999999"}, "group_id"),
        ({"category_id": "-1"}, "category_id"),
    ],
)
def test_bad_template_input_is_refused_clearly(app, org, login_as, changes, field):
    response = login_as("agent").post("/kunskap/mallar/ny", data=template_data(**changes))
    assert response.status_code == 400
    assert f'href="#{field}"' in response.get_data(as_text=True)
    assert templates(app) == []


# --- the review reminder ----------------------------------------------------------------------

MORNING = datetime(2026, 12, 4, 6, 45, tzinfo=UTC)


@pytest.fixture
def due(app, org):
    """Bygglov (no group address: its members) has two articles due and one not yet;
    Miljö (an address) one due and a draft; Socialtjänst (confidential) one due."""
    past = date(2026, 11, 30)
    with app.app_context():
        db.session.get(Group, org.groups.miljo).email = "miljo-grupp@kommun.test"
        db.session.commit()
        ids = {
            "altan": make_article(org.groups.bygg, "Altan och bygglov", review_on=past),
            "plank": make_article(org.groups.bygg, "Plank och mur", review_on=date(2026, 12, 4)),
            "later": make_article(org.groups.bygg, "Attefallshus", review_on=date(2027, 6, 1)),
            "buller": make_article(org.groups.miljo, "Buller från grannen", review_on=past),
            "draft": make_article(
                org.groups.miljo, "Utkast om bajamajor", state=ArticleState.DRAFT, review_on=past
            ),
            "secret": make_article(org.groups.social, "Hemlig rutin", review_on=past),
            "public": make_article(
                org.groups.social, "Ansök om bistånd", review_on=past, visibility=Visibility.PUBLIC
            ),
        }
    return ids


def run(app) -> dict:
    with app.app_context():
        counts = review_reminder(MORNING)
        db.session.commit()
        return counts


def mails(app) -> list[OutgoingMail]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_one_reminder_per_owning_group(app, org, due):
    assert run(app) == {"mails": 3, "articles": 5}
    sent = {tuple(sorted(m.recipients)): m for m in mails(app)}
    assert set(sent) == {
        (org.emails.member, org.emails.member2),
        ("miljo-grupp@kommun.test",),
        (org.emails.social,),
    }
    bygg = sent[(org.emails.member, org.emails.member2)]
    assert bygg.subject == "[Bygglov] Artiklar att granska"
    assert "Altan och bygglov" in bygg.body and "Plank och mur" in bygg.body
    assert "Attefallshus" not in bygg.body
    base = app.config["BASE_URL"].rstrip("/")
    assert f"{base}/kunskap/artiklar/{due['altan']}" in bygg.body
    assert "granskas senast 2026-11-30" in bygg.body
    miljo = sent[("miljo-grupp@kommun.test",)]
    assert "Buller från grannen" in miljo.body and "bajamajor" not in miljo.body
    # A confidential group's internal article leaves the application by number only.
    social = sent[(org.emails.social,)]
    assert "Hemlig rutin" not in social.body and f"Artikel {due['secret']}" in social.body
    assert "Ansök om bistånd" in social.body


def test_not_twice_for_one_date_and_again_for_a_new_one(app, org, due):
    run(app)
    assert run(app) == {"mails": 0, "articles": 0}
    assert len(mails(app)) == 3
    with app.app_context():
        article = db.session.get(Article, due["altan"])
        member = db.session.get(User, org.users.member)
        services.update_article(
            article, member, services.fields_of(article, review_on=date(2026, 12, 1))
        )
        db.session.commit()
    assert run(app) == {"mails": 1, "articles": 1}
    latest = mails(app)[-1]
    assert "Altan och bygglov" in latest.body and "Plank och mur" not in latest.body
    with app.app_context():
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 4


def test_a_group_without_any_address_is_reminded_later(app, org, due):
    with app.app_context():
        db.session.get(User, org.users.social).active = False
        db.session.commit()
    assert run(app)["mails"] == 2
    with app.app_context():
        assert db.session.get(Article, due["secret"]).reminded_for is None
        db.session.get(User, org.users.social).active = True
        db.session.commit()
    assert run(app) == {"mails": 1, "articles": 2}
