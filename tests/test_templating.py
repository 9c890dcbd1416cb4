"""The filters and the translations take shortcuts for speed; they must say exactly
what Babel and Flask-Babel say."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import flask_babel
import pytest
from babel import dates as babel_dates
from babel.numbers import format_decimal
from flask import render_template_string, session
from flask_babel import refresh

from kundtjanst import locales
from kundtjanst.templating import localtime, number, percent

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize("lang", ["sv", "en", "fi"])
def test_number_and_percent_agree_with_babel(app, lang):
    rng = random.Random(7)
    counts = [0, 1, 999, 1000, 12_345, 10**9, *(rng.randrange(10**12) for _ in range(500))]
    shares = [0, 1, 0.0, 0.5, 0.705, 0.7005, 0.0005, 0.0015, 9.9995, 12.5, -0.1]
    shares += [rng.random() for _ in range(2000)] + [a / b for b in range(1, 60) for a in range(b)]
    with app.test_request_context():
        session["lang"] = lang
        refresh()
        formats = locales.formats()
        for value in [*counts, -5, 2.5, 1234.5]:
            assert number(value) == format_decimal(value, format="#,##0", locale=formats), value
        for value in shares:
            expected = format_decimal(value * 100, format="#,##0.0", locale=formats) + "\u00a0%"
            assert percent(value) == expected, value
        assert number(None) == percent(None) == "–"


@pytest.mark.parametrize(
    "pattern", [None, "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd", "HH:mm", "d MMM y"]
)
def test_localtime_agrees_with_babel(app, pattern):
    """Every hour of two years (both daylight-saving changes twice), a naive value
    taken as UTC, in every language; by default the language's short date and time."""
    start = datetime(2025, 1, 1, 0, 17, 41, tzinfo=UTC)
    instants = [start + timedelta(minutes=59 * n) for n in range(2 * 366 * 24 * 60 // 59)]
    instants += [datetime(2026, 3, 29, 0, 59, 59), datetime(2026, 10, 25, 1, 0, 0)]
    shown = {}
    for lang in ("sv", "en", "fi"):
        with app.test_request_context():
            session["lang"] = lang
            refresh()
            formats = locales.formats()
            expected_pattern = pattern or babel_dates.get_datetime_format("short", formats).replace(
                "{1}", babel_dates.get_date_format("short", formats).pattern
            ).replace("{0}", babel_dates.get_time_format("short", formats).pattern)
            for value in instants:
                expected = babel_dates.format_datetime(
                    value, expected_pattern, tzinfo=STOCKHOLM, locale=formats
                )
                assert localtime(value, pattern) == expected, value
            assert localtime(None) == ""
            shown[lang] = localtime(datetime(2026, 12, 5, 20, 40, tzinfo=UTC), pattern)
    if pattern is None:
        assert shown == {
            "sv": "2026-12-05 21:40",
            "en": "2026-12-05, 21:40",
            "fi": "5.12.2026 21.40",
        }


def test_translations_looked_up_once_agree_with_flask_babel(app):
    """The templates' and the lazy labels' quick catalogue says what Flask-Babel says,
    in each language, and follows force_locale."""
    from kundtjanst import labels

    with app.test_request_context():
        for lang in ("sv", "en"):
            session["lang"] = lang
            refresh()
            for label in labels.STATUS.values():
                assert str(label) == flask_babel.gettext(label._args[0])
            one, many = "%(num)d active group", "%(num)d active groups"
            page = render_template_string(
                '{{ _("Inbox") }} {{ ngettext(one, many, 3) }}', one=one, many=many
            )
            expected = flask_babel.gettext("Inbox"), flask_babel.ngettext(one, many, 3)
            assert page == " ".join(expected)
        session["lang"] = "sv"
        refresh()
        assert str(labels.STATUS["open"]) == "Öppen"
        with flask_babel.force_locale("en"):
            assert str(labels.STATUS["open"]) == "Open"
        assert str(labels.STATUS["open"]) == "Öppen"
