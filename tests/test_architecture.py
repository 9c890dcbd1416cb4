"""The house rules, read from the code: which module may import which, what a job may
write, and how large a file may grow. README "Architecture in a page" is the map;
the rules below are its arrows, in one place."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kundtjanst"
TEMPLATES = ROOT / "templates"

MAX_PYTHON_LINES = 400
MAX_TEMPLATE_LINES = 150

# Third-party packages the pure core may use (besides the standard library).
CORE_MAY_IMPORT = {"holidays", "phonenumbers"}
# The application factory registers every feature's commands; nothing else imports them.
FACTORY = "kundtjanst"


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. kundtjanst.tickets.views.page
    path: Path
    tree: ast.Module

    @property
    def parts(self) -> list[str]:
        return self.name.split(".")

    @property
    def feature(self) -> str | None:
        """The feature package (``tickets``), or None for a top-level module."""
        package = self.path.name == "__init__.py" and len(self.parts) > 1
        return self.parts[1] if len(self.parts) > 2 or package else None

    @property
    def is_views(self) -> bool:
        return "views" in self.parts[2:] or self.parts[-1].endswith("_views")

    def imports(self) -> list[tuple[str, int]]:
        """Every module this one imports, absolute, with its line; ``from x import y``
        counts both ``x`` and ``x.y`` (y may be a module)."""
        package = self.parts if self.path.name == "__init__.py" else self.parts[:-1]
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                found += [(alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                found.append((module, node.lineno))
                found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
        return found


def modules() -> list[Module]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append(Module(".".join(parts), path, ast.parse(path.read_text(), str(path))))
    return found


MODULES = modules()


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def is_views_module(name: str) -> bool:
    parts = name.split(".")
    return "views" in parts[2:] or parts[-1].endswith("_views")


# --- the rules: (why, predicate(module, imported name) -> broken?) ----------------------

RULES = [
    (
        "the pure core imports only the standard library, holidays, phonenumbers and itself",
        lambda m, name: (
            within(m.name, "kundtjanst.core")
            and not within(name, "kundtjanst.core")
            and (
                within(name, "kundtjanst")
                or name.split(".")[0] not in sys.stdlib_module_names | CORE_MAY_IMPORT
            )
        ),
    ),
    (
        "models never import views or forms",
        lambda m, name: (
            m.parts[-1] == "models" and (is_views_module(name) or name.split(".")[-1] == "forms")
        ),
    ),
    (
        "services and queries never import views",
        lambda m, name: m.parts[-1] in ("services", "queries") and is_views_module(name),
    ),
    (
        "one feature's views never import another feature's views",
        lambda m, name: (
            m.is_views
            and is_views_module(name)
            and within(name, "kundtjanst")
            and name.split(".")[1] != m.feature
        ),
    ),
    (
        "tickets never import statistics (they send a signal: tickets.signals)",
        lambda m, name: within(m.name, "kundtjanst.tickets") and within(name, "kundtjanst.stats"),
    ),
    (
        "tickets never import the citizens' mail (it follows tickets.signals)",
        lambda m, name: (
            within(m.name, "kundtjanst.tickets") and within(name, "kundtjanst.citizenmail")
        ),
    ),
    (
        "only the application factory imports a feature's commands (cli.py)",
        lambda m, name: (
            m.name != FACTORY
            and name.split(".")[-1] == "cli"
            and within(name, "kundtjanst")
            and m.parts[-1] != "cli"
        ),
    ),
    (
        "only the application factory imports the administration screens",
        lambda m, name: (
            m.name != FACTORY
            and within(name, "kundtjanst.admin")
            and not within(m.name, "kundtjanst.admin")
        ),
    ),
    (
        "lazy messages come from kundtjanst.lazytext (Flask-Babel's would put their values "
        "into pages unescaped)",
        lambda m, name: name in ("flask_babel.lazy_gettext", "flask_babel.lazy_ngettext"),
    ),
    (
        "the job machinery (kundtjanst.jobs) knows no feature's jobs",
        lambda m, name: (
            within(m.name, "kundtjanst.jobs")
            and name.split(".")[-1] == "jobs"
            and within(name, "kundtjanst")
            and name != "kundtjanst.jobs"
        ),
    ),
]


def broken_arrows() -> list[str]:
    found = []
    for module in MODULES:
        for name, line in module.imports():
            for why, breaks in RULES:
                if breaks(module, name):
                    found.append(f"{module.path.relative_to(ROOT)}:{line} imports {name}: {why}")
    return found


def test_the_import_rules_hold():
    assert broken_arrows() == []


def test_the_rules_catch_what_they_forbid():
    """Each rule, fed a module that breaks it, says so (a rule that cannot fail is none)."""
    samples = {
        "kundtjanst.core.x": ["flask", "sqlalchemy", "kundtjanst.tickets.models"],
        "kundtjanst.tickets.models": ["kundtjanst.tickets.views.page", "kundtjanst.tickets.forms"],
        "kundtjanst.org.services": ["kundtjanst.admin.group_views"],
        "kundtjanst.stats.views.dashboard": ["kundtjanst.tickets.views.page"],
        "kundtjanst.tickets.services": [
            "kundtjanst.stats.aggregate",
            "kundtjanst.citizenmail.services",
        ],
        "kundtjanst.stats.jobs": ["kundtjanst.stats.cli"],
        "kundtjanst.tickets.queries": ["kundtjanst.admin.blueprint"],
        "kundtjanst.jobs.registry": ["kundtjanst.tickets.jobs"],
        "kundtjanst.attachments.forms": ["flask_babel.lazy_gettext"],
    }
    for name, imported in samples.items():
        path = PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".py")
        module = Module(name, path, ast.parse(""))
        for each in imported:
            assert any(breaks(module, each) for _, breaks in RULES), (name, each)


# --- jobs write through the services --------------------------------------------------


def _writes_behind_the_services(tree: ast.Module) -> list[int]:
    """Lines that issue ``update(Ticket)``/``insert(Event)``/``delete(...)`` on tickets or
    their timeline, or build an ``Event(...)`` row, themselves."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        first = node.args[0] if node.args else None
        target = first.id if isinstance(first, ast.Name) else None
        writes = name in ("update", "insert", "delete") and target in ("Ticket", "Event")
        if writes or (isinstance(func, ast.Name) and func.id == "Event"):
            lines.append(node.lineno)
    return sorted(lines)


def test_jobs_change_tickets_only_through_the_services():
    job_modules = [m for m in MODULES if m.parts[-1] == "jobs" or within(m.name, "kundtjanst.jobs")]
    assert any(m.name == "kundtjanst.tickets.jobs" for m in job_modules)
    offending = {
        str(m.path.relative_to(ROOT)): lines
        for m in job_modules
        if (lines := _writes_behind_the_services(m.tree))
    }
    assert offending == {}


def test_the_write_check_sees_a_job_writing_behind_the_services():
    sample = ast.parse(
        "db.session.execute(update(Ticket).values(x=1))\n"
        "db.session.add(Event(ticket_id=1))\n"
        "db.session.execute(select(Ticket))\n"
    )
    assert _writes_behind_the_services(sample) == [1, 2]


# --- the pure core, imported with Flask and SQLAlchemy blocked ---------------------------


def test_the_core_imports_without_flask_or_sqlalchemy():
    core = sorted(m.name for m in MODULES if within(m.name, "kundtjanst.core"))
    assert "kundtjanst.core.firstcontact" in core and "kundtjanst.core.workingtime" in core
    blocked = ["flask", "flask_babel", "flask_login", "flask_sqlalchemy", "sqlalchemy", "wtforms"]
    script = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None  # importing it now raises ImportError\n"
        # kundtjanst/__init__.py builds the app and needs Flask: load core on its own.
        "import importlib.util, types\n"
        "package = types.ModuleType('kundtjanst')\n"
        f"package.__path__ = [{str(PACKAGE)!r}]\n"
        "sys.modules['kundtjanst'] = package\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --- sizes -------------------------------------------------------------------------------


def _too_long(paths, limit: int) -> dict[str, int]:
    counts = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in paths}
    return {path: n for path, n in counts.items() if n > limit}


def test_no_python_file_over_400_lines():
    assert _too_long(PACKAGE.rglob("*.py"), MAX_PYTHON_LINES) == {}


def test_no_template_over_150_lines():
    assert _too_long(TEMPLATES.rglob("*.html"), MAX_TEMPLATE_LINES) == {}


@pytest.mark.parametrize("module", [m for m in MODULES if m.feature], ids=lambda m: m.name)
def test_feature_modules_have_a_docstring(module):
    """A reader opening any file first learns what it holds."""
    assert ast.get_docstring(module.tree), f"{module.path.relative_to(ROOT)} says nothing"
