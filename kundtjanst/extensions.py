"""Unbound Flask extensions; `create_app` binds them to an application."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, UpdateBase
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The key in db.session.info of the engine its reads go to (kundtjanst.replica sets it).
READS_FROM = "kundtjanst.reads_from"


class Session(FlaskSession):
    """db.session. While ``info[READS_FROM]`` holds an engine (a read replica's, set by
    `kundtjanst.replica.reads`), its queries read from that engine; whatever writes —
    a flush, an INSERT, UPDATE or DELETE, a SELECT … FOR UPDATE — goes to the primary
    as always."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        reads = self.info.get(READS_FROM)
        if reads is not None and bind is None and not self._flushing and not _writes(clause):
            return reads
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _writes(clause) -> bool:
    return isinstance(clause, UpdateBase) or getattr(clause, "_for_update_arg", None) is not None


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
