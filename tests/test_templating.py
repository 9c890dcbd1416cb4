"""The number filters take shortcuts for speed; they must say exactly what Babel says."""

from __future__ import annotations

import random

import pytest
from flask import session
from flask_babel import format_decimal, refresh

from kundtjanst.templating import number, percent


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_number_and_percent_agree_with_babel(app, lang):
    rng = random.Random(7)
    counts = [0, 1, 999, 1000, 12_345, 10**9, *(rng.randrange(10**12) for _ in range(500))]
    shares = [0, 1, 0.0, 0.5, 0.705, 0.7005, 0.0005, 0.0015, 9.9995, 12.5, -0.1]
    shares += [rng.random() for _ in range(2000)] + [a / b for b in range(1, 60) for a in range(b)]
    with app.test_request_context():
        session["lang"] = lang
        refresh()
        for value in [*counts, -5, 2.5, 1234.5]:
            assert number(value) == format_decimal(value, format="#,##0"), value
        for value in shares:
            expected = format_decimal(value * 100, format="#,##0.0") + "\u00a0%"
            assert percent(value) == expected, value
        assert number(None) == percent(None) == "–"
