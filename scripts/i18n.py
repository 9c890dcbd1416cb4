"""Keep every catalogue in step with the code.

    python scripts/i18n.py update   # extract msgids, merge into each catalogue, report untranslated
    python scripts/i18n.py check    # exit 1 if any msgid lacks a translation in any catalogue

English msgids live in the code and templates; each language's text lives in
kundtjanst/translations/<language>/LC_MESSAGES/messages.po (sv, en, fi, …). The
English catalogue starts from the msgids themselves (`update` copies a new msgid
into an empty English msgstr), so its wording can be corrected without touching
the code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "build" / "messages.pot"
TRANSLATIONS = ROOT / "kundtjanst" / "translations"
SOURCE_LANGUAGE = "en"


def catalogues() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def extract() -> None:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(POT),
            "kundtjanst",
            "templates",
        ],
        check=True,
        cwd=ROOT,
    )


def copy_source_language() -> None:
    """An English msgstr left empty takes its msgid: the code's own English."""
    po = TRANSLATIONS / SOURCE_LANGUAGE / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = (message.id[0], *[message.id[1]] * (len(message.string) - 1))
        elif not message.string:
            message.string = message.id
    with po.open("wb") as handle:
        write_po(handle, catalog)


def untranslated(po: Path) -> list[str]:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    with POT.open("rb") as handle:
        template = read_po(handle)
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found else None
        ok = all(strings) if isinstance(strings, tuple) else bool(strings)
        if not ok or (found and found.fuzzy):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    extract()
    if command == "update":
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "-q",
                "update",
                "-i",
                str(POT),
                "-d",
                str(ROOT / "kundtjanst" / "translations"),
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            ],
            check=True,
        )
        copy_source_language()
    missing = 0
    for po in catalogues():
        language = po.parent.parent.name
        for msgid in untranslated(po):
            print(f"untranslated [{language}]: {msgid!r}")
            missing += 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
