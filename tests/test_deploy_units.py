"""The sample systemd units (deploy/systemd/): what each runs exists and starts (gunicorn
loads wsgi:app, `flask scheduler run` and `flask db upgrade` are real commands, the
backup script answers), every service runs as the dedicated user with the settings
file and the hardening, the web unit keeps its metrics and instance folders where it
may write, env.example names only real settings, and systemd itself accepts the units
(systemd-analyze verify, and its security score)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from kundtjanst import create_app
from kundtjanst.config import Defaults

from .conftest import TEST_SECRET
from .test_logmask import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALLED = "/opt/kundtjanst"  # where the units expect the code
SERVICES = ("web", "scheduler", "migrate", "backup")
# Read by gunicorn.conf.py and create_app, not keys of config.Defaults.
OTHER_SETTINGS = {
    "SECRET_KEY",
    "DATABASE_URL",
    "PROMETHEUS_MULTIPROC_DIR",
    "KUNDTJANST_BIND",
    "KUNDTJANST_WORKERS",
    "KUNDTJANST_INSTANCE_PATH",
}


def parse(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as systemd reads it: sections of keys, a key may come again."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service(name: str) -> dict[str, list[str]]:
    return parse(UNITS / f"kundtjanst-{name}.service")["Service"]


def environment(unit: dict[str, list[str]]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in unit.get("Environment", []))


def here(command: str) -> list[str]:
    """An ExecStart command as it would run from this working copy."""
    return shlex.split(command.replace(INSTALLED, str(ROOT)))


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_runs_as_the_dedicated_user_with_the_settings_and_hardening(name):
    unit = service(name)
    expected = {
        "User": ["kundtjanst"],
        "Group": ["kundtjanst"],
        "WorkingDirectory": [INSTALLED],
        "EnvironmentFile": ["/etc/kundtjanst/env"],
        "NoNewPrivileges": ["yes"],
        "ProtectSystem": ["strict"],
        "ProtectHome": ["yes"],
        "PrivateTmp": ["yes"],
        "CapabilityBoundingSet": [""],
    }
    assert {key: unit.get(key) for key in expected} == expected
    assert environment(unit)["KUNDTJANST_INSTANCE_PATH"] == "/var/lib/kundtjanst"
    if name in ("web", "scheduler"):
        assert unit["Restart"] == ["on-failure"]
        # The instance folder (attachments) is where they may write, under strict.
        assert unit["StateDirectory"] == ["kundtjanst"]


def test_the_web_unit_binds_to_loopback_and_keeps_metrics_in_its_runtime_folder():
    unit = service("web")
    env = environment(unit)
    assert env["KUNDTJANST_BIND"] == "127.0.0.1:8000"
    [runtime] = unit["RuntimeDirectory"]
    assert Path(env["PROMETHEUS_MULTIPROC_DIR"]).is_relative_to(f"/run/{runtime}")
    assert unit["Type"] == ["notify"]  # gunicorn says READY=1 when it listens
    assert here(unit["ExecStart"][0])[1:] == ["-c", "gunicorn.conf.py", "wsgi:app"]
    # The scheduler's metrics are not the web server's: it has no such folder.
    assert "PROMETHEUS_MULTIPROC_DIR" not in environment(service("scheduler"))


# Each command with an option that makes it load what it would run, and stop; the
# backup script's own run is tests/test_backup_restore.py.
CHECKS = {
    "web": lambda argv: [*argv, "--check-config"],
    "scheduler": lambda argv: [*argv, "--help"],
    "migrate": lambda argv: [*argv, "--help"],
    "backup": lambda argv: [argv[0], "--help"],
}


@pytest.mark.parametrize("name", SERVICES)
def test_what_each_service_runs_exists_and_loads(name, tmp_path):
    [command] = service(name)["ExecStart"]
    argv = CHECKS[name](here(command))
    assert Path(argv[0]).is_file() and os.access(argv[0], os.X_OK), argv[0]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/units.db",
        "SECRET_KEY": TEST_SECRET,
        "KUNDTJANST_INSTANCE_PATH": str(tmp_path),
    }
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    if name == "scheduler":
        assert "Run the scheduler until stopped" in done.stdout
    if name == "migrate":
        assert "Upgrade to a later version" in done.stdout


def settings_file() -> dict[str, str]:
    """env.example's settings, read as systemd reads an EnvironmentFile."""
    found = {}
    for line in (UNITS / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return found


def test_env_example_names_only_real_settings():
    named = re.findall(r"^#?([A-Z][A-Z0-9_]*)=", (UNITS / "env.example").read_text(), re.M)
    assert {"SECRET_KEY", "DATABASE_URL", "KUNDTJANST_BASE_URL"} <= set(named)
    unknown = [
        name
        for name in named
        if name not in OTHER_SETTINGS
        and not (name.startswith("KUNDTJANST_") and hasattr(Defaults, name[len("KUNDTJANST_") :]))
    ]
    assert unknown == []


def test_env_example_starts_the_application_once_its_secret_is_set(monkeypatch, tmp_path):
    settings = settings_file()
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("KUNDTJANST_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()  # the placeholder is refused: nobody runs with a published key
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    app = create_app()
    assert app.config["MUNICIPALITY"] == settings["KUNDTJANST_MUNICIPALITY"]
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is True  # an https:// BASE_URL


@pytest.fixture(scope="module")
def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        message = "no systemd-analyze (apt-get install systemd)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI requires the unit check", pytrace=False)
        pytest.skip(message)
    return found


def test_systemd_accepts_the_units(systemd_analyze, tmp_path):
    """`systemd-analyze verify` on the units as installed from this working copy (it
    checks that the programs exist): no error and no warning; and each service's
    exposure stays low (`systemd-analyze security`, 0 best … 10 worst)."""
    for unit in UNITS.glob("kundtjanst-*"):
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(ROOT)))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == len(SERVICES) + 1  # and the timer
    verified = subprocess.run(
        [systemd_analyze, "verify", "--man=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    for name in SERVICES:
        scored = subprocess.run(
            [
                systemd_analyze,
                "security",
                "--offline=yes",
                "--threshold=20",
                f"kundtjanst-{name}.service",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert scored.returncode == 0, scored.stdout + scored.stderr
