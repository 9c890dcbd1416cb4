"""Compiled catalogues, wherever the application is started.

The ``.mo`` files are built from the ``.po`` files and not kept in git. A server
started without ``make`` (``pip install``, then ``flask db upgrade`` or gunicorn)
would find none, and Flask-Babel would quietly show the English msgids. So at every
start, for each language of LANGUAGES and CITIZEN_LANGUAGES, each translation
directory's catalogue is compiled here when its ``.mo`` is missing or older than its
``.po`` (into a temporary file, then renamed: workers starting together never read
half a file). When that cannot be done — the code is installed read-only, the
language has no catalogue at all, the ``.po`` does not parse — the start fails with
the language and the file, except in debug or testing, where it is a warning.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from flask import Flask


class CatalogueError(Exception):
    """A language whose catalogue cannot be used; its text names the file."""


def ensure(app: Flask) -> None:
    """Every language's catalogue compiled and up to date (after Flask-Babel's init)."""
    babel = app.extensions["babel"]
    domains = babel.default_domain.split(";")
    sources = [
        (Path(directory), domains[0] if len(domains) == 1 else domains[index])
        for index, directory in enumerate(babel.translation_directories)
    ]
    config = app.config
    for code in dict.fromkeys((*config["LANGUAGES"], *config["CITIZEN_LANGUAGES"])):
        try:
            ensure_language(code, sources)
        except CatalogueError as problem:
            if not (app.debug or app.testing):
                raise RuntimeError(str(problem)) from None
            app.logger.warning("%s", problem)


def ensure_language(code: str, sources: list[tuple[Path, str]]) -> None:
    """Compile ``code``'s catalogue in each directory that has its ``.po``; at least
    one directory must then hold a compiled one."""
    found = False
    for directory, domain in sources:
        for name in _folder_names(code):
            folder = directory / name / "LC_MESSAGES"
            po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
            if po.is_file() and (not mo.is_file() or _older(mo, po)):
                compile_catalogue(code, po, mo)
            found = found or mo.is_file()
    if not found:
        places = ", ".join(str(directory) for directory, _ in sources)
        raise CatalogueError(
            f"No catalogue for the language {code!r} in {places}: its text would be "
            f"shown in English. Add <directory>/{code}/LC_MESSAGES/messages.po, or "
            f"remove {code!r} from LANGUAGES and CITIZEN_LANGUAGES."
        )


def compile_catalogue(code: str, po: Path, mo: Path) -> None:
    """``po`` compiled into ``mo`` (fuzzy entries left out, as pybabel compile does)."""
    try:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=code, abort_invalid=True)
    except (PoFileError, OSError, ValueError) as error:
        raise CatalogueError(f"The catalogue of {code!r}, {po}, cannot be read: {error}") from None
    temporary = mo.with_name(f".{mo.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        # os.open honours the umask (a temporary file's 0600 would not be readable by
        # a service running as another user).
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, mo)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        state = "is missing" if not mo.is_file() else "is older than its .po"
        raise CatalogueError(
            f"The compiled catalogue of {code!r}, {mo}, {state} and cannot be written "
            f"({error.strerror or error}): its text would be shown in English. Compile "
            f"it where the code is installed: pybabel compile -d {mo.parents[2]} "
            "(or make translations)."
        ) from None


def _older(mo: Path, po: Path) -> bool:
    return mo.stat().st_mtime < po.stat().st_mtime


def _folder_names(code: str) -> list[str]:
    """Where Babel looks for ``code``: "pt_BR", then "pt"."""
    locale = Locale.parse(code.replace("-", "_"))
    return list(dict.fromkeys((str(locale), locale.language)))
