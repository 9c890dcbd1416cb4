"""Configuration layers and start-up safety."""

import pytest
from sqlalchemy import event

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


def test_instance_folder_from_the_environment(monkeypatch, tmp_path):
    """KUNDTJANST_INSTANCE_PATH: instance/config.py is read there, the generated secret
    kept there, and attachments stored there by default."""
    folder = tmp_path / "state"
    folder.mkdir()
    (folder / "config.py").write_text('MUNICIPALITY = "Instansby kommun"\n')
    monkeypatch.setenv("KUNDTJANST_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("KUNDTJANST_ATTACHMENT_DIR", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    app = create_app()
    assert app.instance_path == str(folder)
    assert app.config["MUNICIPALITY"] == "Instansby kommun"
    assert app.config["SECRET_KEY"] == (folder / "secret_key").read_text()
    with app.app_context():
        from kundtjanst.attachments.storage import store

        assert store().root == folder / "attachments"


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


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KUNDTJANST_PAGE_SIZE", "tjugo", "KUNDTJANST_PAGE_SIZE must be a whole number"),
        ("KUNDTJANST_HSTS_MAX_AGE", "1.5", "KUNDTJANST_HSTS_MAX_AGE must be a whole number"),
        ("KUNDTJANST_STATS_CACHE", "ja", "KUNDTJANST_STATS_CACHE must be on or off"),
    ],
)
def test_a_setting_of_the_wrong_kind_stops_the_start_naming_it(
    monkeypatch, tmp_path, name, value, message
):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=message):
        create_app()


@pytest.mark.parametrize(("value", "expected"), [("off", False), ("0", False), ("YES", True)])
def test_on_and_off_settings(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("KUNDTJANST_STATS_CACHE", value)
    assert create_app().config["STATS_CACHE"] is expected


def test_json_columns_keep_swedish_letters_whatever_the_engine_options(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql://u@h/db",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3},
        }
    )
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_size"] == 3
    assert options["json_serializer"]({"namn": "Förvaltning"}) == '{"namn": "Förvaltning"}'


@pytest.mark.parametrize("name", ["DATABASE_REPLICA_URL", "KUNDTJANST_DATABASE_REPLICA_URL"])
def test_a_read_replica_from_the_environment(monkeypatch, tmp_path, name):
    from kundtjanst.replica import EXTENSION

    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv(name, "postgresql://reader@replica.kommun.se/kundtjanst")
    app = create_app()
    assert app.config["DATABASE_REPLICA_URL"] == (
        "postgresql+psycopg://reader@replica.kommun.se/kundtjanst"
    )
    engine = app.extensions[EXTENSION].engine
    assert engine.pool._pre_ping is True
    asked = {}

    @event.listens_for(engine, "do_connect")
    def record(dialect, connection_record, cargs, cparams):
        asked.update(cparams)
        raise RuntimeError("no connection in this test")

    with pytest.raises(RuntimeError, match="no connection"):
        engine.connect()
    assert asked["connect_timeout"] == 2 and asked["host"] == "replica.kommun.se"
    assert "kundtjanst.replica" not in create_app({"DATABASE_REPLICA_URL": ""}).extensions


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DATABASE_REPLICA_URL": "sqlite:///replica.db"}, "must be a PostgreSQL"),
        ({"REPLICA_MAX_LAG_SECONDS": 0}, "REPLICA_MAX_LAG_SECONDS must be from 1 to 119"),
        ({"REPLICA_MAX_LAG_SECONDS": 300}, "REPLICA_MAX_LAG_SECONDS must be from 1 to 119"),
    ],
)
def test_a_read_replica_that_cannot_be_used_stops_the_start(monkeypatch, overrides, message):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    monkeypatch.delenv("KUNDTJANST_DATABASE_REPLICA_URL", raising=False)
    config = {"DATABASE_REPLICA_URL": "postgresql://reader@replica/kundtjanst", **overrides}
    with pytest.raises(RuntimeError, match=message):
        create_app({"SECRET_KEY": "s" * 40, **config})
