"""Visibility of articles over every surface, like the ticket secrecy tests: an
internal, draft or archived article never reaches citizens (`/fragor-och-svar`, the
answers step on `/fraga`), a confidential group's internal article never reaches a
non-member, and drafts and archived articles are never suggested or inserted in an
answer, not even for their owners.

Each article carries its own marker word in its title, short answer and body. Every
check is a row of a table — surface × user × article kind → allowed? — and asserts
both ways: a forbidden marker is absent, an allowed one present (the positive
controls prove each surface would show a marker it may show).

The kinds (`KINDS`: who may read each) and the surfaces' rules:

    kind         group   visible  state      readers (staff)
    pub          bygg    public   published  all
    internal     bygg    internal published  all
    draft        bygg    public   draft      all
    archived     bygg    public   archived   all
    s_internal   social  internal published  social
    s_frontline  social  internal published  social, agent (for kundtjänst)
    s_public     social  public   published  all

    citizens: /fragor-och-svar (list, areas, search, page), /fraga's step,
              "I found the answer"                      public and published
    /kunskap list (each state), article pages           readers
    /kunskap search, panel suggestions, panel search,
    inserts, recorded uses, used-in-answers, gap report readers, and published
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import local_today
from kundtjanst.extensions import db
from kundtjanst.kb import rules
from kundtjanst.kb import services as kb
from kundtjanst.kb.models import Article, ArticleState, KnowledgeUse, SelfServiceAnswer, Visibility
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets import services as tickets
from kundtjanst.tickets.models import Ticket

from .factories import new_ticket, version_field
from .test_intake import question

PUBLISHED, DRAFT, ARCHIVED = ArticleState.PUBLISHED, ArticleState.DRAFT, ArticleState.ARCHIVED
PUBLIC, INTERNAL = Visibility.PUBLIC, Visibility.INTERNAL

STAFF = ("agent", "member", "other", "social", "manager", "admin")
EVERYONE = frozenset(STAFF)

# kind: (marker, owning group, subject areas, visibility, state, for kundtjänst, readers)
# The open group's articles are about bins ("soptunnan") and filed under both Avfall and
# Bygglov, so that their owners (Bygglov: "member") get a ticket they may answer; the
# confidential group's are about "försörjningsstöd". `readers` is the staff who may
# read the article — the table the product promises, written out, not computed.
KINDS = {
    "pub": ("Zorbplix", "bygg", ("avfall", "bygglov"), PUBLIC, PUBLISHED, False, EVERYONE),
    "internal": ("Kwintaly", "bygg", ("avfall", "bygglov"), INTERNAL, PUBLISHED, False, EVERYONE),
    "draft": ("Frumdex", "bygg", ("avfall", "bygglov"), PUBLIC, DRAFT, False, EVERYONE),
    "archived": ("Glaptorn", "bygg", ("avfall", "bygglov"), PUBLIC, ARCHIVED, False, EVERYONE),
    "s_internal": ("Vexquib", "social", ("bistand",), INTERNAL, PUBLISHED, False, {"social"}),
    "s_frontline": (
        "Thrindal",
        "social",
        ("bistand",),
        INTERNAL,
        PUBLISHED,
        True,
        {"social", "agent"},
    ),
    "s_public": ("Pomplex", "social", ("bistand",), PUBLIC, PUBLISHED, False, EVERYONE),
}
MARKER = {kind: row[0] for kind, row in KINDS.items()}
AREAS = {kind: row[2] for kind, row in KINDS.items()}
TOPIC = {"avfall": "soptunnan", "bygglov": "soptunnan", "bistand": "försörjningsstöd"}
# What citizens may see: public and published, nothing else.
CITIZENS = {k for k, r in KINDS.items() if r[3] == PUBLIC and r[4] == PUBLISHED}


def reads(who: str, kind: str) -> bool:
    return who in KINDS[kind][6]


def published(kind: str) -> bool:
    return KINDS[kind][4] == PUBLISHED


def in_answers(who: str, kind: str) -> bool:
    """What a person may suggest, find in the panel, insert and use in an answer."""
    return reads(who, kind) and published(kind)


@pytest.fixture
def world(app, org):
    """The seven articles (by kind → id), each with its review date passed."""
    ids = {}
    with app.app_context():
        for kind, (marker, group, areas, visibility, state, frontline, _) in KINDS.items():
            topic = TOPIC[areas[0]]
            made = kb.create_article(
                None,
                kb.ArticleFields(
                    title=f"{marker} {topic}",
                    summary=f"{marker} svarar om {topic} och ansökan.",
                    body=f"Mer om {topic}: se {marker}.",
                    group=db.session.get(Group, getattr(org.groups, group)),
                    categories=[
                        db.session.get(Category, getattr(org.categories, a)) for a in areas
                    ],
                    visibility=visibility,
                    state=state,
                    for_frontline=frontline,
                    review_on=local_today() - timedelta(days=3),
                ),
            )
            ids[kind] = made.id
        db.session.commit()
    return ids


def shown(html: str) -> set[str]:
    """The kinds whose marker is on the page (highlighting taken out)."""
    text = re.sub(r"</?mark>", "", html)
    return {kind for kind, marker in MARKER.items() if marker in text}


def check(html: str, allowed: set[str], *, expect: set[str] | None = None, where: str = ""):
    """No marker outside ``allowed`` on the page; every one of ``expect`` (default:
    all allowed) on it."""
    seen = shown(html)
    assert not seen - allowed, f"{where}: leaked {sorted(seen - allowed)}"
    wanted = allowed if expect is None else expect
    assert wanted <= seen, f"{where}: missing {sorted(wanted - seen)}"


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


# --- citizens ------------------------------------------------------------------------


def test_citizens_list_and_each_subject_area(client, org, world):
    check(get(client, "/fragor-och-svar"), CITIZENS, where="list")
    for area in ("avfall", "bygglov", "bistand"):
        url = f"/fragor-och-svar?category={getattr(org.categories, area)}"
        check(get(client, url), {k for k in CITIZENS if area in AREAS[k]}, where=url)


@pytest.mark.parametrize("kind", KINDS)
def test_citizens_search_for_a_marker(client, world, kind):
    url = f"/fragor-och-svar?q={MARKER[kind].lower()}"
    html = get(client, url)
    allowed = {kind} & CITIZENS
    check(html, allowed, where=url)


@pytest.mark.parametrize("word", ["soptunnan", "försörjningsstöd", "ansökan"])
def test_citizens_search_for_a_shared_word(client, world, word):
    expect = {k for k in CITIZENS if word == "ansökan" or TOPIC[AREAS[k][0]] == word}
    check(get(client, f"/fragor-och-svar?q={word}"), CITIZENS, expect=expect, where=word)


@pytest.mark.parametrize("kind", KINDS)
def test_citizens_article_page(client, world, kind):
    html = get(client, f"/fragor-och-svar/{world[kind]}", 200 if kind in CITIZENS else 404)
    check(html, {kind} & CITIZENS, where=kind)


@pytest.mark.parametrize(
    ("area", "subject", "text"),
    [
        ("avfall", "Soptunnan har inte tömts", "Soptunnan tömdes inte. Hur gör jag en ansökan?"),
        ("bistand", "Försörjningsstöd", "Hur gör jag en ansökan om försörjningsstöd?"),
    ],
)
def test_the_answers_step_offers_public_published_only(
    app, client, org, world, area, subject, text
):
    data = question(
        org, category=str(getattr(org.categories, area)), subject=subject, question=text
    )
    response = client.post("/fraga", data=data)
    assert response.status_code == 200  # the step, not a ticket
    html = response.get_data(as_text=True)
    allowed = {k for k in CITIZENS if area in AREAS[k]}
    check(html, allowed, where=area)
    offered = {int(i) for i in re.findall(r'<h2 id="answer-(\d+)">', html)}
    assert offered == {world[k] for k in allowed}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_found_the_answer_only_for_public_published(app, client, org, world, kind):
    area = AREAS[kind][0]
    page = client.get(f"/fraga?category={getattr(org.categories, area)}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    data = {"article": str(world[kind]), "category": str(getattr(org.categories, area))}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/fraga/svaret-fanns", data=data)
    allowed = kind in CITIZENS
    assert response.status_code == (302 if allowed else 400), kind
    with app.app_context():
        recorded = list(db.session.scalars(select(SelfServiceAnswer.article_id)))
    assert recorded == ([world[kind]] if allowed else [])


# --- staff: /kunskap and an article's pages --------------------------------------------


# The group each user is a member of (the owning groups here: bygg and social).
OWN = {"member": "bygg", "other": "miljo", "social": "social"}
# The list's state filter → the states it shows (none chosen: published and drafts).
STATES = {
    "": (PUBLISHED, DRAFT),
    "draft": (DRAFT,),
    "published": (PUBLISHED,),
    "archived": (ARCHIVED,),
}


@pytest.mark.parametrize("who", STAFF)
def test_staff_list_in_every_state(login_as, world, who):
    client = login_as(who)
    for state, states in STATES.items():
        allowed = {k for k in KINDS if reads(who, k) and KINDS[k][4] in states}
        # Every page of the list (the tests' page size is small).
        html = "".join(get(client, f"/kunskap?state={state}&page={n}") for n in (1, 2, 3))
        check(html, allowed, where=f"{who} state={state!r}")
    # "My groups' articles due for review": the user's own groups', archived left out.
    own = {k for k in KINDS if reads(who, k) and KINDS[k][1] == OWN.get(who) and k != "archived"}
    check(get(client, "/kunskap?review=y"), own, where=f"{who} review")


@pytest.mark.parametrize("who", STAFF)
def test_staff_search(login_as, world, who):
    client = login_as(who)
    for kind in KINDS:
        url = f"/kunskap?q={MARKER[kind].lower()}"
        check(get(client, url), {kind} if in_answers(who, kind) else set(), where=f"{who} {url}")
    allowed = {k for k in KINDS if in_answers(who, k)}
    check(get(client, "/kunskap?q=ansökan"), allowed, where=f"{who} ansökan")


@pytest.mark.parametrize("who", STAFF)
def test_article_pages(app, org, login_as, world, who):
    client = login_as(who)
    with app.app_context():
        user = db.session.get(User, getattr(org.users, who))
        editable = {k: rules.may_edit(user, db.session.get(Article, i)) for k, i in world.items()}
    for kind, article_id in world.items():
        base = f"/kunskap/artiklar/{article_id}"
        for url in (base, f"{base}/historik", f"{base}/versioner/1"):
            html = get(client, url, 200 if reads(who, kind) else 404)
            check(html, {kind} if reads(who, kind) else set(), where=f"{who} {url}")
        status = client.get(f"{base}/andra").status_code
        if not reads(who, kind):
            assert status == 404, (who, kind)
            # Nor can it be changed, published or restored by its address.
            for action in ("andra", "tillstand", "versioner/1/aterstall"):
                data = {"state": "archived", "title": "x", "summary": "x", "body": "x"}
                assert client.post(f"{base}/{action}", data=data).status_code == 404
            with app.app_context():
                assert db.session.get(Article, article_id).version == 1
        else:
            assert status == (200 if editable[kind] else 403), (who, kind, status)


# --- staff: the knowledge panel on the ticket page and on Ny kontakt --------------------

QUESTION = {
    "avfall": ("Soptunnan har inte tömts", "Soptunnan tömdes inte. Hur gör jag en ansökan?"),
    "bygglov": ("Soptunnan vid altanen", "Behövs en ansökan för soptunnan?"),
    "bistand": ("Försörjningsstöd", "Hur gör jag en ansökan om försörjningsstöd?"),
}
# Who answers a question of which subject area (and so gets the panel beside the reply):
# kundtjänst the unrouted Avfall, the owners of the open group's articles (Bygglov) their
# own, Socialtjänst the confidential group's.
PANEL = {"agent": "avfall", "member": "bygglov", "social": "bistand"}


def ticket_for(app, org, area: str, who: str) -> str:
    """A question of ``area`` in the group that answers it, taken by ``who``."""
    with app.app_context():
        subject, text = QUESTION[area]
        ticket, _ = new_ticket(
            subject=subject, description=text, category_id=getattr(org.categories, area)
        )
        user = db.session.get(User, getattr(org.users, who))
        if area == "bygglov":  # kundtjänst sends it on to the owners
            agent = db.session.get(User, org.users.agent)
            tickets.transfer(ticket, agent, db.session.get(Group, org.groups.bygg), "Bygglov")
        if ticket.claimable and not ticket.group.is_frontline:
            tickets.claim(ticket, user)
        db.session.commit()
        return ticket.reference


def reply(client, reference: str, **fields):
    data = {"reply-body": "Hej", **version_field(client, reference, "reply"), **fields}
    return client.post(f"/arenden/{reference}/svara", data=data)


def panel_of(html: str) -> str:
    """The knowledge panel of a page (so the ticket's own text cannot count)."""
    assert 'name="kb-q"' in html, "no knowledge panel"
    start = html.index('name="kb-q"')
    return html[html.rfind("<section", 0, start) : html.index("</section>", start)]


def reply_text(html: str) -> str:
    match = re.search(r'<textarea[^>]*id="reply-body"[^>]*>(.*?)</textarea>', html, re.S)
    assert match
    return match.group(1)


@pytest.mark.parametrize(("who", "area"), PANEL.items())
def test_ticket_panel_suggests_and_finds_published_readable_only(
    app, org, login_as, world, who, area
):
    reference = ticket_for(app, org, area, who)
    client = login_as(who)
    suggested = panel_of(get(client, f"/arenden/{reference}"))
    allowed = {k for k in KINDS if in_answers(who, k) and area in AREAS[k]}
    assert allowed, "a positive control is needed"
    check(suggested, allowed, where=f"{who} suggestions")
    for kind in KINDS:
        response = reply(client, reference, **{"kb-q": MARKER[kind].lower(), "kb-search": "1"})
        assert response.status_code == 200
        found = panel_of(response.get_data(as_text=True))
        check(found, {kind} if in_answers(who, kind) else set(), where=f"{who} search {kind}")


@pytest.mark.parametrize(("who", "area"), PANEL.items())
def test_ticket_panel_inserts_and_records_published_readable_only(
    app, org, login_as, world, who, area
):
    reference = ticket_for(app, org, area, who)
    client = login_as(who)
    for kind, article_id in world.items():
        response = reply(client, reference, **{"kb-insert-article": str(article_id)})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        text = reply_text(html)
        if in_answers(who, kind):
            assert MARKER[kind] in text, (who, kind)
        else:
            assert text.strip() == "Hej" and "kan inte infogas" in html, (who, kind)
    # Every id smuggled into the sent reply: only what may be used is recorded.
    ids = ",".join(str(i) for i in world.values())
    assert reply(client, reference, **{"reply-used_articles": ids}).status_code == 302
    with app.app_context():
        used = set(db.session.scalars(select(KnowledgeUse.article_id)))
    assert used == {world[k] for k in KINDS if in_answers(who, k)}


def contact(org, **fields) -> dict:
    data = {
        "channel": "phone",
        "category": str(org.categories.avfall),
        "subject": "Soptunnan",
        "notes": "",
        "action": "answered",
        "answer": "",
    }
    return {**data, **fields}


@pytest.mark.parametrize("who", STAFF)
def test_new_contact_panel(app, org, login_as, world, who):
    client = login_as(who)
    if who != "agent":  # Ny kontakt is kundtjänst's only
        assert client.get("/ny-kontakt").status_code == 403
        return
    for kind, article_id in world.items():
        searched = client.post(
            "/ny-kontakt", data=contact(org, **{"kb-q": MARKER[kind].lower(), "kb-search": "1"})
        )
        assert searched.status_code == 200
        found = panel_of(searched.get_data(as_text=True))
        check(found, {kind} if in_answers(who, kind) else set(), where=f"{who} {kind}")
        inserted = client.post(
            "/ny-kontakt", data=contact(org, **{"kb-insert-article": str(article_id)})
        )
        html = inserted.get_data(as_text=True)
        assert (MARKER[kind] in html) == in_answers(who, kind), (who, kind)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


# --- staff: the gap report -----------------------------------------------------------


@pytest.mark.parametrize("who", STAFF)
def test_gap_report_lists_readable_published_only(app, org, login_as, world, who):
    """Every published article was used in an answer and is past its review date: the
    "most used" and "past review" lists name those the reader may read, no other."""
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.avfall)
        actor = db.session.get(User, org.users.admin)
        articles = [db.session.get(Article, world[k]) for k in KINDS if published(k)]
        kb.record_uses(ticket, actor, articles=articles)
        db.session.commit()
    response = login_as(who).get("/statistik/kunskap")
    if who == "agent":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    allowed = {k for k in KINDS if reads(who, k) and published(k)}
    # A svarsgrupp member's report is about their own groups: the articles they own.
    own = OWN.get(who)
    expect = {k for k in allowed if own in (None, KINDS[k][1])}
    check(response.get_data(as_text=True), allowed, expect=expect, where=who)


@pytest.mark.parametrize("who", STAFF)
def test_ticket_page_and_what_its_answers_used(app, org, login_as, world, who):
    """Every published article was used in an answer to a question kundtjänst handles.
    The ticket page's list of what was used names those the reader may read; those who
    may not answer the question get no panel (kundtjänst's is the positive control)."""
    reference = ticket_for(app, org, "avfall", "agent")
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        articles = [db.session.get(Article, world[k]) for k in KINDS if published(k)]
        kb.record_uses(ticket, db.session.get(User, org.users.agent), articles=articles)
        db.session.commit()
    response = login_as(who).get(f"/arenden/{reference}")
    if response.status_code != 200:
        assert who in ("member", "other", "social"), who  # not their group's question
        assert response.status_code in (403, 404)
        check(response.get_data(as_text=True), set(), where=who)
        return
    html = response.get_data(as_text=True)
    assert ('name="kb-q"' in html) == (who == "agent")
    assert "Använt i svaren på ärendet" in html
    used = html.split("Använt i svaren på ärendet", 1)[1].split("</ul>", 1)[0]
    allowed = {k for k in KINDS if in_answers(who, k)}
    check(used, allowed, where=f"{who} used")
    check(html, allowed, where=who)
