"""Keep the Swedish catalogue in step with the code.

    python scripts/i18n.py update   # extract msgids, merge into sv, report untranslated
    python scripts/i18n.py check    # exit 1 if any msgid lacks a Swedish translation

English msgids live in the code and templates; the Swedish text lives in
kundtjanst/translations/sv/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "build" / "messages.pot"
PO = ROOT / "kundtjanst" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"


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


def untranslated() -> list[str]:
    with PO.open("rb") as handle:
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
    missing = untranslated()
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
