"""``flask kb import`` and ``flask kb export``: JSON and Markdown folders, updates,
refusals with reasons (nothing stored of a refused article), hostile files, and the
round trip."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from kundtjanst.core.slugs import first_paragraph, slugify
from kundtjanst.extensions import db
from kundtjanst.kb.models import Article, ArticleState, ArticleVersion, Visibility

GOOD = {
    "title": "Hämtning av sopor",
    "category": "Avfall",
    "group": "miljo",
    "visibility": "public",
    "state": "published",
    "review": "2027-03-01",
    "summary": "Soporna hämtas varannan vecka.",
    "body": "Soporna hämtas **varannan vecka** på din hämtdag.",
}


def _articles(app) -> list[Article]:
    with app.app_context():
        articles = list(db.session.scalars(select(Article).order_by(Article.id)))
        for a in articles:
            _ = a.categories, a.group.slug
        db.session.expunge_all()
        return articles


def _count(app, model=Article) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _write_json(tmp_path, data, name="artiklar.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _import(runner, path):
    return runner.invoke(args=["kb", "import", str(path)])


def test_slugify_and_first_paragraph():
    assert slugify("Ekonomiskt bistånd") == "ekonomiskt-bistand"
    assert slugify("  Öppna förskolor & fritids!  ") == "oppna-forskolor-fritids"
    assert slugify("Crème brûlée") == "creme-brulee"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("a" * 50 + " " + "b" * 50, 60) == "a" * 50
    assert first_paragraph("# Rubrik\n\nFörsta stycket\nfortsätter.\n\nAndra.") == (
        "Första stycket fortsätter."
    )
    assert first_paragraph("# Bara rubrik") == ""


def test_json_import_creates_and_reports(app, runner, org, tmp_path):
    second = dict(GOOD, title="Bygglov för altan", category="bygglov", group="bygglov")
    del second["summary"], second["review"]
    second["body"] = "# Altan\n\nEn altan lägre än 1,2 meter kräver oftast inget bygglov.\n\nMer."
    result = _import(runner, _write_json(tmp_path, [GOOD, second]))
    assert result.exit_code == 0, result.output
    assert "created    artiklar.json #1: Hämtning av sopor" in result.output
    assert "Created 2, updated 0, unchanged 0, refused 0." in result.output
    first, altan = _articles(app)
    assert first.title == "Hämtning av sopor"
    assert [c.name for c in first.categories] == ["Avfall"]
    assert first.group.slug == "miljo"
    assert first.visibility == Visibility.PUBLIC
    assert first.state == ArticleState.PUBLISHED and first.published_at is not None
    assert first.review_on == date(2027, 3, 1)
    assert first.summary == GOOD["summary"] and first.body == GOOD["body"]
    # No summary given: the first paragraph that is not a heading.
    assert altan.summary == "En altan lägre än 1,2 meter kräver oftast inget bygglov."
    assert [c.name for c in altan.categories] == ["Bygglov"]  # found by slug
    assert _count(app, ArticleVersion) == 2


def test_same_title_and_category_updates(app, runner, org, tmp_path):
    assert _import(runner, _write_json(tmp_path, [GOOD])).exit_code == 0
    again = _import(runner, _write_json(tmp_path, [GOOD], "igen.json"))
    assert "unchanged  igen.json #1" in again.output
    changed = dict(GOOD, body="Soporna hämtas varje vecka.", state="archived")
    other_area = dict(GOOD, category="Bygglov")  # same title, other subject area: new
    result = _import(runner, _write_json(tmp_path, [changed, other_area], "ny.json"))
    assert result.exit_code == 0, result.output
    assert "updated    ny.json #1" in result.output and "created    ny.json #2" in result.output
    articles = _articles(app)
    assert len(articles) == 2
    assert articles[0].body == "Soporna hämtas varje vecka."
    assert articles[0].state == ArticleState.ARCHIVED and articles[0].version == 2
    assert _count(app, ArticleVersion) == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": None}, "title must be text"),
        ({"title": ""}, "title must be one line"),
        ({"title": "två\nrader"}, "title must be one line"),
        ({"title": "x" * 201}, "longer than 200"),
        ({"category": "Parkering"}, "unknown subject area 'Parkering'"),
        ({"category": {"name": "Avfall"}}, "category must be"),
        ({"group": "okand"}, "unknown group 'okand'"),
        ({"group": ["miljo"]}, "unknown group"),
        ({"visibility": "secret"}, "visibility must be internal or public"),
        ({"state": ["published"]}, "state draft, published or archived"),
        ({"review": "2027-02-30"}, "review is not a date"),
        ({"review": "nästa år"}, "review must be a date"),
        ({"review": 20270301}, "review must be a date"),
        ({"review": "9999-01-01"}, "review must be between"),
        ({"body": 42}, "body must be text"),
        ({"body": "a\x00b"}, "body contains NUL"),
        ({"body": "x" * 200_001}, "longer than 200,000"),
        ({"for_frontline": "ja"}, "for_frontline must be true or false"),
        ({"extra": 1}, "unknown keys extra"),
        ({"summary": "", "body": " "}, "Write the short answer or the text."),
    ],
)
def test_refusals_name_the_reason_and_store_nothing(app, runner, org, tmp_path, change, reason):
    bad = {**GOOD, **change}
    fine = dict(GOOD, title="Annan artikel")
    result = _import(runner, _write_json(tmp_path, [bad, fine]))
    assert result.exit_code == 1
    assert "refused    artiklar.json #1: " in result.output
    assert reason in result.output
    assert "Created 1, updated 0, unchanged 0, refused 1." in result.output
    assert [a.title for a in _articles(app)] == ["Annan artikel"]
    assert _count(app, ArticleVersion) == 1


def test_missing_keys_and_duplicates_are_refused(app, runner, org, tmp_path):
    missing = {k: v for k, v in GOOD.items() if k not in ("group", "state")}
    result = _import(runner, _write_json(tmp_path, [GOOD, missing, dict(GOOD), "text", 3]))
    assert result.exit_code == 1
    assert "#2: missing group, state" in result.output
    assert "#3: the same title and subject area came earlier" in result.output
    assert "#4: not an object" in result.output and "#5: not an object" in result.output
    assert len(_articles(app)) == 1


def test_inactive_group_is_refused(app, runner, org, tmp_path):
    from kundtjanst.org.models import Group

    with app.app_context():
        db.session.get(Group, org.groups.miljo).active = False
        db.session.commit()
    result = _import(runner, _write_json(tmp_path, [GOOD]))
    assert result.exit_code == 1 and "no longer active" in result.output
    assert _count(app) == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'[{"title": ', "not valid JSON"),
        (b'{"title": "x"}', "not a JSON list of objects"),
        (b"\xff\xfe\x00\x01binary", "not UTF-8 text"),
        (b'["\x00"]', "NUL"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_hostile_json_files(app, runner, org, tmp_path, content, reason):
    path = tmp_path / "fil.json"
    path.write_bytes(content)
    result = _import(runner, path)
    assert result.exit_code == 1
    assert reason in result.output
    assert _count(app) == 0


def test_huge_file_is_refused_unread(app, runner, org, tmp_path, monkeypatch):
    from kundtjanst.kb import transfer

    monkeypatch.setattr(transfer, "MAX_JSON_BYTES", 1024 * 1024)
    path = tmp_path / "stor.json"
    path.write_text(json.dumps([dict(GOOD, body="x" * 1024 * 1024)]), encoding="utf-8")
    result = _import(runner, path)
    assert result.exit_code == 1 and "larger than 1 MB" in result.output
    assert _count(app) == 0


def _markdown(meta: str, body: str = "Texten.") -> str:
    return f"---\n{meta}\n---\n\n{body}\n"


MD_META = (
    "title: Parkeringstillstånd för rörelsehindrade\n"
    "category: ekonomiskt-bistand\n"
    "group: socialtjanst\n"
    "visibility: internal\n"
    "state: published\n"
    "for_frontline: true\n"
    "review: 2027-01-15"
)


def test_markdown_folder_import(app, runner, org, tmp_path):
    folder = tmp_path / "artiklar"
    folder.mkdir()
    (folder / "a.md").write_text(_markdown(MD_META, "Ansök hos **socialtjänsten**."), "utf-8")
    (folder / "b.md").write_text(
        _markdown(
            "title: Sophämtning\ncategory: [Avfall, Bygglov]\ngroup: miljo\n"
            "visibility: public\nstate: draft\nsummary: Kort svar."
        ),
        "utf-8",
    )
    (folder / "notes.txt").write_text("ignored", "utf-8")
    result = _import(runner, folder)
    assert result.exit_code == 0, result.output
    assert "Created 2, updated 0, unchanged 0, refused 0." in result.output
    a, b = _articles(app)
    assert a.body == "Ansök hos **socialtjänsten**."
    assert a.summary == "Ansök hos socialtjänsten."  # the first paragraph, plain
    assert a.for_frontline and a.review_on == date(2027, 1, 15)
    assert [c.name for c in a.categories] == ["Ekonomiskt bistånd"]
    assert [c.name for c in b.categories] == ["Avfall", "Bygglov"]
    assert b.state == ArticleState.DRAFT and b.summary == "Kort svar."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("title: x\n\nNo front matter", "no front matter"),
        ("---\ntitle: x\nbody without end", "no closing line"),
        (
            _markdown(
                MD_META.replace(
                    "group: socialtjanst", 'group: !!python/object/apply:os.system ["true"]'
                )
            ),
            "not plain YAML",
        ),
        (_markdown("- a\n- b"), "not a set of keys"),
        (_markdown(MD_META.replace("2027-01-15", "2027-02-30")), "not plain YAML"),
        (_markdown("title: x\n" * 3), "missing category"),
        (_markdown(MD_META + "\nbody: här"), "the body goes after the front matter"),
        (_markdown(MD_META.replace("2027-01-15", "2027-01-15 10:00:00")), "review must be a date"),
        (_markdown("title: [a, b]\n" + MD_META.split("\n", 1)[1]), "title must be text"),
        (_markdown("a: &a [x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]"), "missing"),
    ],
)
def test_hostile_markdown_files_store_nothing(app, runner, org, tmp_path, text, reason):
    folder = tmp_path / "md"
    folder.mkdir()
    (folder / "bad.md").write_text(text, "utf-8")
    result = _import(runner, folder)
    assert result.exit_code == 1, result.output
    assert "refused    bad.md: " in result.output and reason in result.output
    assert _count(app) == 0


def test_binary_markdown_file(app, runner, org, tmp_path):
    path = tmp_path / "bild.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = _import(runner, path)
    assert result.exit_code == 1 and "not UTF-8 text" in result.output


def _comparable(articles):
    return sorted(
        (
            a.title,
            a.summary,
            a.body,
            a.group.slug,
            tuple(c.name for c in a.categories),
            a.visibility,
            a.state,
            a.for_frontline,
            a.review_on,
        )
        for a in articles
    )


@pytest.mark.parametrize("target", ["export.json", "export-md"])
def test_round_trip(app, runner, org, tmp_path, target):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(_markdown(MD_META, "# Rubrik\n\nStycke ett.\n\n- punkt"), "utf-8")
    none = dict(GOOD, title="Utan ämne: ../../x", category=[], state="draft", review=None)
    many = dict(GOOD, category=["Bygglov", "avfall"], visibility="internal")
    assert _import(runner, folder).exit_code == 0
    assert _import(runner, _write_json(tmp_path, [GOOD, none, many])).exit_code == 0
    before = _comparable(_articles(app))
    assert len(before) == 4

    out = tmp_path / target
    result = runner.invoke(args=["kb", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert "Exported 4 articles" in result.output
    if target.endswith(".md") or not target.endswith(".json"):
        names = sorted(p.name for p in out.iterdir())
        assert "utan-amne-x.md" in names and all("/" not in n for n in names)
        assert len(names) == 4  # two "Hämtning av sopor": -2 for the second
    # Refuses to overwrite without --force.
    assert runner.invoke(args=["kb", "export", str(out)]).exit_code != 0

    with app.app_context():
        db.session.execute(Article.__table__.delete())
        db.session.commit()
    assert _count(app) == 0
    result = _import(runner, out)
    assert result.exit_code == 0, result.output
    assert "Created 4" in result.output
    assert _comparable(_articles(app)) == before
    assert "unchanged" in _import(runner, out).output
