"""The knowledge gap report in a real browser: axe-core on the report, with every
table filled, and on the list of tickets behind a first-contact share."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from kundtjanst.extensions import db
from kundtjanst.kb import services as kb
from kundtjanst.kb.models import ArticleState, SearchScope, Visibility
from kundtjanst.org.models import Category, Group

from . import scenes
from .helpers import check_accessibility, log_in

pytestmark = pytest.mark.browser


def test_gap_report_has_no_wcag_21_aa_violations(app, new_page, org, axe_source):
    with app.app_context():
        scenes.could_have_answered(org, subject="Bygga förråd")
        kb.create_article(
            None,
            kb.ArticleFields(
                title="Bygglov för förråd",
                summary="Förråd under 15 kvm kräver oftast inget bygglov.",
                body="Text.",
                group=db.session.get(Group, org.groups.bygg),
                categories=[db.session.get(Category, org.categories.avfall)],
                visibility=Visibility.PUBLIC,
                state=ArticleState.PUBLISHED,
                review_on=date(2025, 1, 1),
            ),
        )
        kb.record_miss("parkeringstillstånd", SearchScope.PUBLIC, org.categories.bygglov)
        db.session.commit()
    manager = new_page()
    log_in(manager, org.emails.manager)
    manager.goto("/statistik/kunskap")
    expect(manager.locator("#area-table")).to_be_visible()
    expect(manager.locator("#miss-table")).to_be_visible()
    expect(manager.locator("#overdue-table")).to_be_visible()
    check_accessibility(manager, axe_source, "the knowledge gap report")
    manager.locator("#without-article a").first.click()
    expect(manager.get_by_role("heading", level=1)).to_have_count(1)
    check_accessibility(manager, axe_source, "the tickets behind the gap report")
