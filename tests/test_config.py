"""Configuration layers and start-up safety."""

import pytest

from kundtjanst import create_app
from kundtjanst.config import normalise_database_url


def test_weak_secret_is_refused_outside_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_environment_configures_database_and_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("KUNDTJANST_MUNICIPALITY", "Testby kommun")
    monkeypatch.setenv("KUNDTJANST_PAGE_SIZE", "7")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["MUNICIPALITY"] == "Testby kommun"
    assert app.config["PAGE_SIZE"] == 7


def test_generated_secret_is_kept_in_instance_folder(monkeypatch, tmp_path):
    import kundtjanst.config as config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    key1 = config._instance_secret(tmp_path)
    key2 = config._instance_secret(tmp_path)
    assert key1 == key2 and len(key1) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_gets_psycopg_driver(given, expected):
    assert normalise_database_url(given) == expected
