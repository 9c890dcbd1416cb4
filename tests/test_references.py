"""Ticket references: KT-<year>-<6 digits>, counted per year."""

from kundtjanst.extensions import db
from kundtjanst.tickets.queries import normalise_reference
from kundtjanst.tickets.references import format_reference, next_reference, reserve_block


def test_format():
    assert format_reference(2026, 123) == "KT-2026-000123"


def test_numbers_count_per_year(app, org):
    with app.app_context():
        assert next_reference(2025) == "KT-2025-000001"
        assert next_reference(2025) == "KT-2025-000002"
        assert next_reference(2026) == "KT-2026-000001"
        db.session.commit()


def test_reserved_block_is_skipped_by_later_numbers(app, org):
    with app.app_context():
        first = reserve_block(2027, 100)
        db.session.commit()
        assert first == 1
        assert next_reference(2027) == "KT-2027-000101"
        db.session.commit()


def test_normalise_reference_accepts_sloppy_input():
    assert normalise_reference(" kt-2026-42 ") == "KT-2026-000042"
    assert normalise_reference("KT-2026-000042") == "KT-2026-000042"
    assert normalise_reference("KT-26-1") is None
    assert normalise_reference("hello") is None


def test_a_years_millionth_ticket_is_reachable_by_its_reference():
    from kundtjanst.tickets.queries import CANONICAL_REFERENCE

    reference = format_reference(2026, 1_000_000)
    assert reference == "KT-2026-1000000"
    assert CANONICAL_REFERENCE.match(reference)
    assert normalise_reference("kt-2026-1000000") == reference
