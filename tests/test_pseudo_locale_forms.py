"""Every form in the pseudo-locale (issue 16): what a person reads after sending it.

Each form of tests/test_fuzz.py's table is sent as its user would, with sensible
values (the page it leads to, with its notice: "saved", "sent" …), and with values no
field takes (the form again, with its errors: the application's messages, never a
validator's own English). Then every page with query parameters, once with each.
And the pages only some state shows. What is read is checked as in
test_pseudo_locale.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.org.models import Group

from .factories import new_ticket
from .test_fuzz import FORMS, PAGES, scene  # noqa: F401  (fixture)
from .test_pseudo_locale import CODE, Reader, client_as, pseudo_app, pseudo_directory  # noqa: F401

# What no field takes: too long for any text, no number, date, time or choice.
NOTHING_VALID = "x" * 10_001


def send(client, reader: Reader, url: str, pairs: list[tuple[str, str]], where: str) -> None:
    response = client.post(url, data=urlencode(pairs), content_type=FORM, follow_redirects=True)
    reader.read(response, f"POST {url} {where}")
    response.close()


FORM = "application/x-www-form-urlencoded"


def test_every_form_is_translated(app, pseudo_app, scene):  # noqa: F811
    reader = Reader(pseudo_app, NOTHING_VALID, changing=True)
    for name, form in sorted(FORMS.items()):
        values = dict(scene.values)
        if form.setup is not None:
            values.update(form.setup(app, scene))
        client = client_as(pseudo_app, getattr(scene.org.users, form.who, None))
        url = form.url.format(**values)
        sensible = [(k, v[0].format(**values)) for k, v in form.fields.items() if v]
        # The account page's language stays the pseudo one, for the pages after it.
        sensible = [(k, CODE if k == "language" else v) for k, v in sensible]
        send(client, reader, url, sensible, f"({name}, as {form.who})")
        values.update(form.setup(app, scene) if form.setup is not None else {})
        wrong = [(k, NOTHING_VALID) for k in form.fields]
        send(client, reader, form.url.format(**values), wrong, f"({name}, nothing valid)")
    report = reader.untranslated()
    assert not report, report


def test_every_page_with_parameters_is_translated(pseudo_app, scene):  # noqa: F811
    reader = Reader(pseudo_app)
    for name, page in sorted(PAGES.items()):
        client = client_as(pseudo_app, getattr(scene.org.users, page.who, None))
        for index in range(3):
            params = [
                (key, choices[min(index, len(choices) - 1)].format(**scene.values))
                for key, choices in page.params.items()
                if choices
            ]
            url = page.url.format(**scene.values) + "?" + urlencode(params)
            with client.get(url) as response:
                reader.read(response, f"GET {url} ({name})")
    report = reader.untranslated()
    assert not report, report


def test_the_pages_only_some_state_shows_are_translated(app, pseudo_app, scene):  # noqa: F811
    org = scene.org
    with app.app_context():
        member = db.session.get(User, org.users.member)
        member.groups.append(db.session.get(Group, org.groups.miljo))
        secret = new_ticket(category_id=org.categories.bistand)[0].reference  # Socialtjänst
        db.session.commit()
    pages = [
        ("member", "/ko", None),  # a member of two groups chooses a queue
        ("agent", f"/arenden/{secret}", None),  # a confidential ticket's outside
        ("admin", "/admin/api", {"name": "E-tjänst", "scopes": "tickets:read"}),  # a new token
    ]
    reader = Reader(pseudo_app)
    for who, url, form in pages:
        client = client_as(pseudo_app, getattr(org.users, who))
        with client.open(url, method="POST" if form else "GET", data=form) as response:
            assert response.status_code == 200, (url, response.status_code)
            reader.read(response, f"{url} as {who}")
    report = reader.untranslated()
    assert not report, report
