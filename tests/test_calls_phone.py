"""Phone numbers: the Swedish ways of writing one, and what names nobody."""

import pytest

from kundtjanst.core.phone import display, normalise

SAME_MOBILE = "+46701234567"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        # A mobile number, as people and phone systems write it.
        ("070-123 45 67", SAME_MOBILE),
        ("0701234567", SAME_MOBILE),
        ("070 123 45 67", SAME_MOBILE),
        ("070-1234567", SAME_MOBILE),
        ("070.123.45.67", SAME_MOBILE),
        ("+46 70 123 45 67", SAME_MOBILE),
        ("+46701234567", SAME_MOBILE),
        ("+46 (0)70-123 45 67", SAME_MOBILE),
        ("+46(0)701234567", SAME_MOBILE),
        ("0046701234567", SAME_MOBILE),
        ("0046 70 123 45 67", SAME_MOBILE),
        ("tel:+46701234567", SAME_MOBILE),
        ("  070-123 45 67  ", SAME_MOBILE),
        # Stockholm (08) and other area codes, two to four digits.
        ("08-123 456 78", "+46812345678"),
        ("08-12 34 56", "+468123456"),
        ("+46 8 123 456 78", "+46812345678"),
        ("031-123 45 67", "+46311234567"),
        ("040-12 34 56", "+4640123456"),
        ("0123-45 67 00", "+46123456700"),
        ("0910-123 45", "+4691012345"),
        # Non-geographic numbers that reach a person or a business.
        ("0771-11 22 33", "+46771112233"),
        ("020-12 34 56", "+4620123456"),
        # Foreign numbers keep their country.
        ("+47 22 12 34 56", "+4722123456"),
        ("004722123456", "+4722123456"),
        ("+358 9 1234 5678", "+358912345678"),
        ("+1 202 555 0100", "+12025550100"),
    ],
)
def test_the_same_number_however_written(written, e164):
    assert normalise(written) == e164


@pytest.mark.parametrize(
    "written",
    [
        None,
        "",
        "   ",
        # Withheld, as phone systems say it.
        "anonymous",
        "Anonymous",
        "withheld",
        "unknown",
        "private",
        "PRIVATE",
        "restricted",
        "Dolt nummer",
        # The country code alone, or too little of a number.
        "+46",
        "+4670",
        "0046",
        "070",
        "070-123 45 6",
        # Short and service numbers name no caller.
        "112",
        "1177",
        "11414",
        "90000",
        # Impossible: too long, a zone that does not exist.
        "070-123 45 67 89 01",
        "+46 00 123 45 67",
        "+999 123 456 789",
        # Junk and hostile text.
        "abc",
        "070-ABC DE FG",
        "070-123 45 67 ext 12",
        "070\x00123 45 67",
        "070-123 45 67\r\nX-Header: 1",
        "<script>alert(1)</script>",
        "0" * 41,
        "7" * 10_000,
        "'; DROP TABLE tickets; --",
        "+46 70 123 45 67; +46 70 765 43 21",
    ],
)
def test_what_names_nobody(written):
    assert normalise(written) is None


def test_not_text_names_nobody():
    assert normalise(701234567) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+46701234567", "070-123 45 67"),
        ("+46812345678", "08-123 456 78"),
        ("+46311234567", "031-123 45 67"),
        ("+46123456700", "0123-45 67 00"),
        ("+4722123456", "+47 22 12 34 56"),
        (None, ""),
        ("", ""),
    ],
)
def test_shown_as_people_write_it(e164, shown):
    assert display(e164) == shown


def test_shown_and_read_again_is_the_same_number():
    for e164 in ("+46701234567", "+46812345678", "+4722123456"):
        assert normalise(display(e164)) == e164
