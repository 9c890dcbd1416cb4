"""The accessibility statement (tillgänglighetsredogörelse) that Swedish law requires,
linked from every public page. The real-browser checks are in tests/browser/."""

import re

import pytest

from .factories import new_ticket

FOOTER_LINK = re.compile(
    r'<footer class="site-footer">.*<a href="/tillganglighet">Tillgänglighetsredogörelse</a>',
    re.S,
)


@pytest.fixture
def token(app, org):
    with app.app_context():
        return new_ticket(category_id=org.categories.avfall)[1]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/fraga", 200),
        ("/fraga/skickad", 200),
        ("/arende/{token}", 200),
        ("/tillganglighet", 200),
        ("/personuppgifter", 200),
        ("/logga-in", 200),
        ("/finns-inte", 404),
    ],
)
def test_every_public_page_links_the_statement(client, token, path, status):
    response = client.get(path.format(token=token))
    assert response.status_code == status
    assert FOOTER_LINK.search(response.get_data(as_text=True))


def test_the_public_form_with_errors_links_the_statement(client, org):
    response = client.post("/fraga", data={})
    assert response.status_code == 400
    assert FOOTER_LINK.search(response.get_data(as_text=True))


def test_the_statement_names_the_standard_the_gaps_and_how_to_report(client):
    html = client.get("/tillganglighet").get_data(as_text=True)
    for text in (
        "WCAG 2.1 nivå AA",
        "EN 301 549",
        "lagen (2018:1937) om tillgänglighet till digital offentlig service",
        "Kända brister",
        "Rapportera brister",
        '<a href="/fraga">Frågeformuläret</a>',
        '<a href="mailto:kundtjanst@sjostad.se">kundtjanst@sjostad.se</a>',
        '<a href="tel:0123456700">0123-45 67 00</a>',
        "Myndigheten för digital förvaltning (DIGG)",
    ):
        assert text in html, text
