"""Pseudo-translations, for finding text that escapes translation and layouts that
cut it.

`build(directory, code, kind)` writes a compiled catalogue for ``code`` into
``directory`` (give it to the app as a second BABEL_TRANSLATION_DIRECTORIES entry,
and add ``code`` to LANGUAGES and CITIZEN_LANGUAGES). Every msgid comes from the
English catalogue (which holds every msgid: scripts/i18n.py check), its letters
changed, wrapped in ⟦ ⟧ and lengthened by 40 %:

- ``"accented"``: "Ask a question" → "⟦Åšķ á ƣüéšţíöñ·····⟧" (left to right);
- ``"rtl"``: the letters become Hebrew ones, so the text runs right to left; use it
  with a right-to-left language code ("ar", "fa", "he") so that the page's
  ``dir`` is "rtl".

Placeholders (``%(name)s``, ``%(minutes)02d``, ``%s``, ``{name}``), HTML tags and entities
are kept as they are. Visible text on a page rendered in a pseudo-locale that has
none of the markers' letters was not translated.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "kundtjanst" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
OPEN, CLOSE, PAD = "⟦", "⟧", "·"
KEEP = re.compile(r"(%\([a-z_0-9]+\)0?\d*[sd]|%[sd%]|\{[a-z_0-9]*\}|<[^>]*>|&[a-z#0-9]+;)")
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒğĥíĵķĺɱñöþʠŕšţüṽŵẋýžÅƁÇĐÉƑĞĤÍĴĶĹṀÑÖÞǪŔŠŢÜṼŴẊÝŽ",
)
HEBREW = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "אבגדהוזחטיכלמנסעפצקרשתװױײםאבגדהוזחטיכלמנסעפצקרשתװױײם",
)
KINDS = {"accented": ACCENTED, "rtl": HEBREW}


def pseudo(text: str, kind: str = "accented") -> str:
    table = KINDS[kind]
    parts = KEEP.split(text)
    changed = "".join(part if KEEP.fullmatch(part) else part.translate(table) for part in parts)
    words = [part for part in parts if not KEEP.fullmatch(part)]
    # 40 % of the text a reader sees: placeholders and tags are not lengthened.
    visible = sum(len(part) for part in words)
    padding = PAD * max(1, round(visible * 0.4)) if any(part.strip() for part in words) else ""
    return f"{OPEN}{changed}{padding}{CLOSE}"


def build(directory: Path, code: str, kind: str = "accented") -> Path:
    """A compiled pseudo catalogue for ``code`` in ``directory``; returns its path."""
    with SOURCE.open("rb") as handle:
        source = read_po(handle)
    catalog = Catalog(locale="en", fuzzy=False)  # English plural rules: one and other
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            catalog.add(message.id, (pseudo(singular, kind), pseudo(plural, kind)))
        else:
            catalog.add(message.id, pseudo(message.id, kind))
    target = Path(directory) / code / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_mo(handle, catalog)
    return target


def untranslated_words(visible_text: str) -> list[str]:
    """Runs of plain ASCII letters (three or more) outside the markers: text that was
    not translated. The caller strips what is data (names, references, e-mail)."""
    outside = re.sub(rf"{OPEN}[^{CLOSE}]*{CLOSE}", " ", visible_text)
    return re.findall(r"[A-Za-z]{3,}", outside)
