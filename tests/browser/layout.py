"""The language tests' tools: a catalogue's text for a msgid, and measurements of a
rendered page (layout.js): text over other text, past the window's edges, cut off."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "kundtjanst" / "translations"
SCRIPT = Path(__file__).with_name("layout.js")

# The elements whose text a reader reads, and the controls they work.
TEXT_ELEMENTS = (
    "h1, h2, h3, p, label, legend, dt, dd, th, td, caption, summary, li > a, .badge, "
    "input:not([type=hidden]), select, textarea, button, "
    ".brand, .language-links a, .language-links span, .main-nav a, .user-box > *"
)


@cache
def translator(code: str) -> Callable[[str], str]:
    """``t = translator("fi"); t("Send question")`` → the compiled catalogue's text."""
    catalogue = Translations.load(str(TRANSLATIONS), [code])
    assert isinstance(catalogue, Translations), f"no compiled catalogue for {code!r}"
    return catalogue.gettext


def _measure(page, what: str, *args):
    if not page.evaluate("() => typeof window.layoutCheck !== 'undefined'"):
        page.evaluate(SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(f"(args) => window.layoutCheck.{what}(...args)", list(args))


def overlaps(page, selector: str = TEXT_ELEMENTS) -> list[str]:
    """Pairs of text elements (neither inside the other) whose text boxes overlap."""
    return _measure(page, "overlaps", selector)


def outside_window(page) -> list[str]:
    """Text or a control past the window's left or right edge, and a page wider than
    its window."""
    return _measure(page, "outsideWindow")


def cut_text(page) -> list[str]:
    """Elements whose text is wider than their box: clipped, or spilling over its edge;
    a select too narrow for the option it shows."""
    return _measure(page, "cutText")


def label_sides(page) -> list[dict]:
    """Every visible label of a text field: ``{"label", "text", "field"}``, the last two
    boxes ``{"left", "right", "top", "bottom"}`` in page pixels."""
    return _measure(page, "labelSides")
