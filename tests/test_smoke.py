from tests.conftest import login


def test_public_pages_render_in_swedish(client, org):
    page = client.get("/fraga")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="sv" dir="ltr">' in html
    assert "Ställ en fråga" in html
    assert "Hoppa till innehållet" in html


def test_agent_sees_inbox(app, org, client):
    login(client, org.users.agent)
    page = client.get("/inkorg")
    assert page.status_code == 200, page.get_data(as_text=True)
    assert "Inkorg" in page.get_data(as_text=True)
