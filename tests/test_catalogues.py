"""No silent English (issue 16, item 5): the compiled catalogues are built by the
application itself wherever it starts (kundtjanst/catalogues.py), and one that cannot
be built stops a production start with the language and the file. Checked on a copy
of the translations, on a read-only copy, and with gunicorn on a fresh copy of the
code that no `make` has touched."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from flask import Flask

from kundtjanst.extensions import babel

from .conftest import TEST_SECRET, another_app
from .test_logmask import GUNICORN, ROOT, free_port, wait_for

TRANSLATIONS = ROOT / "kundtjanst" / "translations"
LANGUAGES = ("sv", "en", "fi")


def catalogue(directory: Path, code: str, kind: str = "mo") -> Path:
    return directory / code / "LC_MESSAGES" / f"messages.{kind}"


@pytest.fixture
def translations(app, tmp_path) -> Iterator[Path]:
    """A copy of the catalogues (the .po files, nothing compiled). Flask-Babel keeps
    the translations it loaded for every application of the process (one Domain):
    forgotten before and after, so that a page shows this copy's text, and the tests
    after these see their own catalogues again."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    with app.app_context():
        babel.domain_instance.cache.clear()
        yield copy
        babel.domain_instance.cache.clear()


@contextmanager
def production(database_url: str, directory: Path, **overrides) -> Iterator[Flask]:
    """An application started as in production, on the catalogues in ``directory``;
    its connections closed at the end."""
    overrides = {"TESTING": False, "BABEL_TRANSLATION_DIRECTORIES": str(directory), **overrides}
    with another_app(database_url, **overrides) as app:
        yield app


def start(database_url: str, directory: Path, **overrides) -> None:
    with production(database_url, directory, **overrides):
        pass


def test_a_missing_or_outdated_catalogue_is_compiled_at_start(database_url, translations):
    start(database_url, translations)  # compiles all three
    sv, en, fi = (catalogue(translations, code) for code in LANGUAGES)
    sv.unlink()
    po = catalogue(translations, "en", "po")
    os.utime(en, (po.stat().st_mtime - 60,) * 2)  # compiled before the .po changed
    outdated, untouched = en.stat().st_mtime, fi.stat().st_mtime_ns

    start(database_url, translations)

    assert sv.is_file() and en.stat().st_mtime > outdated
    assert fi.stat().st_mtime_ns == untouched  # up to date: left alone
    assert not list(translations.rglob(".messages.mo.*"))  # no temporary file left
    with production(database_url, translations) as started:
        page = started.test_client().get("/fraga", headers={"Accept-Language": "sv"})
        finnish = started.test_client().get("/fraga", headers={"Accept-Language": "fi"})
    assert "<h1>Ställ en fråga</h1>" in page.get_data(as_text=True)
    assert "<h1>Esitä kysymys</h1>" in finnish.get_data(as_text=True)


def test_a_catalogue_changed_since_it_was_compiled_is_compiled_again(database_url, translations):
    start(database_url, translations)
    po = catalogue(translations, "sv", "po")
    po.write_text(
        po.read_text().replace('msgstr "Ställ en fråga"', 'msgstr "Fråga oss"'), encoding="utf-8"
    )
    os.utime(po, (catalogue(translations, "sv").stat().st_mtime + 5,) * 2)
    with production(database_url, translations) as started:
        page = started.test_client().get("/fraga")
    assert "<h1>Fråga oss</h1>" in page.get_data(as_text=True)


def run_start(directory: Path, tmp_path: Path, *, read_only: bool) -> subprocess.CompletedProcess:
    """create_app in a process of its own, in production; with ``read_only`` the
    translations cannot be written. Root writes anywhere, so as root the process runs
    in a user namespace of its own, where the files' modes bind it as anyone else."""
    prefix: list[str] = []
    if read_only:
        for folder in [directory, *directory.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o555)
        if os.geteuid() == 0:
            if not shutil.which("unshare"):
                pytest.skip("needs unshare (util-linux) to drop root's right to write")
            prefix = ["unshare", "--user"]
    overrides = {
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SECRET_KEY": TEST_SECRET,
        "BABEL_TRANSLATION_DIRECTORIES": str(directory),
    }
    script = f"from kundtjanst import create_app; create_app({json.dumps(overrides)})"
    env = {**os.environ, "KUNDTJANST_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("FLASK_DEBUG", None)
    try:
        return subprocess.run(
            [*prefix, sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        for folder in [directory, *directory.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)


def test_a_read_only_install_without_its_catalogue_does_not_start(translations, tmp_path):
    started = run_start(translations, tmp_path, read_only=True)
    assert started.returncode != 0
    last = started.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: The compiled catalogue of 'sv'"), started.stderr
    assert str(catalogue(translations, "sv")) in last
    assert "is missing and cannot be written" in last and "pybabel compile -d" in last
    assert not catalogue(translations, "sv").exists()


def test_a_read_only_install_with_compiled_catalogues_starts(translations, tmp_path):
    assert run_start(translations, tmp_path, read_only=False).returncode == 0
    started = run_start(translations, tmp_path, read_only=True)
    assert started.returncode == 0, started.stderr


def test_a_catalogue_that_does_not_parse_stops_the_start(database_url, translations):
    po = catalogue(translations, "fi", "po")
    po.write_text("<<<<<<< HEAD\n" + po.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"The catalogue of 'fi', .*fi/LC_MESSAGES/messages.po"):
        start(database_url, translations)
    assert not catalogue(translations, "fi").exists()


def test_a_language_without_a_catalogue_stops_the_start(database_url, translations):
    with pytest.raises(RuntimeError, match="No catalogue for the language 'de'"):
        start(database_url, translations, CITIZEN_LANGUAGES=("sv", "en", "fi", "de"))


def test_in_debug_or_testing_it_is_a_warning(database_url, translations, caplog):
    with caplog.at_level(logging.WARNING):
        start(database_url, translations, TESTING=True, CITIZEN_LANGUAGES=("sv", "en", "fi", "de"))
    assert "No catalogue for the language 'de'" in caplog.text


def fresh_copy(target: Path) -> Path:
    """The code as a release or a checkout has it: no compiled catalogue anywhere."""
    skip = shutil.ignore_patterns("*.mo", "__pycache__")
    for name in ("kundtjanst", "templates", "static"):
        shutil.copytree(ROOT / name, target / name, ignore=skip)
    for name in ("wsgi.py", "gunicorn.conf.py"):
        shutil.copy2(ROOT / name, target / name)
    assert not list(target.rglob("*.mo"))
    return target


def test_gunicorn_on_a_fresh_copy_serves_swedish(app, database_url, tmp_path):
    code = fresh_copy(tmp_path / "code")
    port = free_port()
    log = tmp_path / "error.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "KUNDTJANST_BIND": f"127.0.0.1:{port}",
        "KUNDTJANST_WORKERS": "2",  # both compile at once: each renames its own file
        "KUNDTJANST_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    for variable in ("PROMETHEUS_MULTIPROC_DIR", "FLASK_DEBUG", "PYTHONPATH"):
        env.pop(variable, None)
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "--error-logfile", str(log)]
    process = subprocess.Popen(
        [*command, "--access-logfile", "/dev/null", "wsgi:app"], cwd=code, env=env
    )
    try:
        wait_for(port, process, log)
        pages = {}
        for language in LANGUAGES:
            request = Request(
                f"http://127.0.0.1:{port}/fraga", headers={"Accept-Language": language}
            )
            with urlopen(request, timeout=30) as answer:
                pages[language] = answer.read().decode()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    translations = code / "kundtjanst" / "translations"
    assert all(catalogue(translations, language).is_file() for language in LANGUAGES)
    assert '<html lang="sv"' in pages["sv"] and "<h1>Ställ en fråga</h1>" in pages["sv"]
    assert "Ask a question" not in pages["sv"]
    assert "<h1>Esitä kysymys</h1>" in pages["fi"] and "<h1>Ask a question</h1>" in pages["en"]
