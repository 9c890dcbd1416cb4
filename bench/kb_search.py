"""Benchmark the knowledge base search: 20,000 Swedish articles, 300 varied queries.

Fills a fresh database (PostgreSQL: drops and recreates ``kb_bench``; SQLite: a
temporary file) with the demo municipality's groups and subject areas and
generated articles (seven subject areas, word lists below; 80 % published, a
third public, the confidential groups' internal ones too), migrates it, then
times `find_for_staff` (as a kundtjänst agent) and `find_public` for each query
inside an application context: exact words, compounds, two-word queries,
misspellings and queries that find nothing. p50/p95 are nearest-rank. Besides the
wall-clock time each search's CPU time is measured (this thread's, plus on
PostgreSQL the server process's, from /proc/<pid>/schedstat): on a machine shared
with other work the wall clock counts the wait for a CPU, the CPU time does not.

    .venv/bin/python bench/kb_search.py                     # both backends
    .venv/bin/python bench/kb_search.py --backend sqlite --articles 5000

Writes bench/results/kb-search-<backend>.json. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import flask_migrate  # noqa: E402
from generate import recreate  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from kundtjanst import create_app  # noqa: E402
from kundtjanst.auth.models import User  # noqa: E402
from kundtjanst.demo.municipality import build_municipality  # noqa: E402
from kundtjanst.extensions import db  # noqa: E402
from kundtjanst.kb import search  # noqa: E402
from kundtjanst.kb.models import Article, article_categories  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kb_bench"

# subject area: (group slug, category key, topic words, compounds not in any text)
AREAS = {
    "avfall": (
        "vatten-avfall",
        "avfall",
        "sopor sophämtning hämtning kärl soptunna matavfall kompost återvinningscentral "
        "grovavfall slam tömning renhållning avfallstaxa hushållsavfall förpackningar",
        ["sophämtningsavgift", "kärltömningsschema", "matavfallspåse"],
    ),
    "bygglov": (
        "bygg",
        "bygglov",
        "bygglov attefallshus friggebod altan tillbyggnad rivningslov marklov strandskydd "
        "detaljplan nybyggnadskarta startbesked slutbesked kontrollplan fasad plank",
        ["bygglovsansökan", "altanbygge", "attefallshusregler"],
    ),
    "parkering": (
        "gata-park",
        "parkering",
        "parkeringstillstånd parkering felparkering gatubelysning snöröjning halkbekämpning "
        "vägarbete cykelbana hastighet trafiksäkerhet boendeparkering laddstolpe",
        ["parkerings tillstånd", "snöröjningsschema", "gatubelysningsfel"],
    ),
    "skola": (
        "utbildning",
        "forskola",
        "förskoleplats skolskjuts fritidshem modersmål läsårstider skolval barnomsorg "
        "skollunch förskola grundskola elevhälsa lovdagar",
        ["förskoleplatsansökan", "skolskjutsbehov", "fritidshemsavgift"],
    ),
    "omsorg": (
        "socialtjanst",
        "bistand",
        "försörjningsstöd hemtjänst färdtjänst bostadsanpassning godman trygghetslarm "
        "boendestöd riksnorm handläggning biståndsbeslut",
        ["hemtjänstavgift", "färdtjänstkort", "försörjningsstödsansökan"],
    ),
    "miljo": (
        "miljo",
        "miljo",
        "livsmedelstillsyn avlopp värmepump radon buller eldning luftkvalitet hälsoskydd "
        "strandbad badvatten köldmedium trädgårdsavfall",
        ["radonmätning", "värmepumpsanmälan", "avloppsanläggning"],
    ),
    "fritid": (
        "kultur-fritid",
        "parker",
        "bibliotek lånekort simhall föreningsbidrag idrottshall bokning kulturskola "
        "motionsspår lekplats fritidsgård öppettider",
        ["simhallsbesök", "lånekortsregler", "idrottshallsbokning"],
    ),
}
ASPECTS = [
    "så ansöker du",
    "avgifter och taxor",
    "handläggningstid",
    "regler och undantag",
    "vanliga frågor",
    "blankett och e-tjänst",
    "kontakt och öppettider",
    "överklagande",
    "för företag",
    "för privatpersoner",
]
_GENERAL = """kommunen ansökan beslut avgift handläggare blankett e-tjänst information
regler telefon besök vecka månad tid svar fråga ärende underlag kontakt adress hemsida"""
GENERAL = _GENERAL.split()
SENTENCES = [
    "Du som vill veta mer om {a} kan kontakta kommunen via {g}.",
    "{A} hanteras av handläggare som svarar inom en {g}.",
    "För {a} gäller särskilda regler, och {b} kan påverka beslutet.",
    "Kommunen tar ut en avgift för {a} enligt taxan; {b} ingår inte.",
    "Skicka in {g} tillsammans med underlag om {a} och {b}.",
    "Vanliga frågor om {a}: hur lång tid tar det, vad kostar {b}, vem beslutar?",
    "Läs mer om {a} på kommunens hemsida eller fråga om {b} i kundtjänst.",
]
_NO_HITS = "xylofonstämning rymdraket kvantdator zebrarandig ubåtsflotta vulkanutbrott"
NO_HITS = _NO_HITS.split()


def article_rows(count: int, muni, rng: random.Random):
    """Rows for `articles` and the category each belongs to."""
    areas = list(AREAS.values())
    for n in range(count):
        slug, category, topic, _ = areas[n % len(areas)]
        words = topic.split()
        a, b = rng.sample(words, 2)
        sentences = [
            rng.choice(SENTENCES).format(a=a, A=a.capitalize(), b=b, g=rng.choice(GENERAL))
            for _ in range(rng.randint(4, 12))
        ]
        body = " ".join(sentences)
        state = rng.choices(["published", "draft", "archived"], [80, 15, 5])[0]
        visibility = "public" if rng.random() < 0.33 else "internal"
        yield (
            {
                "title": f"{a.capitalize()} – {rng.choice(ASPECTS)}",
                "summary": sentences[0],
                "body": body,
                "group_id": muni.group_ids[slug],
                "visibility": visibility,
                "state": state,
                "for_frontline": rng.random() < 0.5,
                "version": 1,
            },
            muni.category_ids[category],
        )


def misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return rng.choice([word[:i] + word[i + 1 :], word[:i] + word[i + 1] + word[i] + word[i + 2 :]])


def queries(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) pairs: a fifth each of exact, compound, two-word, misspelt, no-hit."""
    areas = list(AREAS.values())
    made = []
    for n in range(count):
        _, _, topic, compounds = areas[n % len(areas)]
        words = [w for w in topic.split() if len(w) > 5]
        kind = ["exact", "compound", "two_words", "misspelt", "no_hit"][n % 5]
        if kind == "exact":
            query = rng.choice(words)
        elif kind == "compound":
            query = rng.choice(compounds)
        elif kind == "two_words":
            query = " ".join(rng.sample(words, 2))
        elif kind == "misspelt":
            query = misspell(rng.choice(words), rng)
        else:
            query = rng.choice(NO_HITS)
        made.append((kind, query))
    return made


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered) + 0.5) - 1)]


def fill(count: int, seed: int) -> float:
    start = time.perf_counter()
    muni = build_municipality("!bench-no-login")
    rng = random.Random(seed)
    rows = list(article_rows(count, muni, rng))
    for chunk in range(0, len(rows), 2000):
        part = rows[chunk : chunk + 2000]
        ids = db.session.scalars(insert(Article).returning(Article.id), [r for r, _ in part]).all()
        db.session.execute(
            insert(article_categories),
            [{"article_id": i, "category_id": c} for i, (_, c) in zip(ids, part)],
        )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return time.perf_counter() - start


def server_cpu(backend: str):
    """A function giving the milliseconds of CPU the database server process of the
    one pooled connection has used (PostgreSQL; SQLite runs in this thread)."""
    if backend != "postgresql":
        return lambda: 0.0
    pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    db.session.rollback()
    path = Path(f"/proc/{pid}/schedstat")  # first field: nanoseconds on a CPU
    return lambda: int(path.read_text().split()[0]) / 1e6


def run(backend: str, url: str, args) -> dict:
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40}
    if backend == "postgresql":  # one server process, whose CPU time is read below
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 1, "max_overflow": 0}
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        fill_seconds = fill(args.articles, args.seed)
        agent = db.session.scalar(
            select(User).where(User.groups.any(slug="kundtjanst")).order_by(User.id)
        )
        workload = queries(args.queries, random.Random(args.seed + 1))
        for _, q in workload[:20]:  # warm-up
            search.find_for_staff(agent, q)
            search.find_public(q)
            db.session.rollback()
        server = server_cpu(backend)
        timings: dict[str, list[float]] = {"staff": [], "public": []}
        cpu: dict[str, list[float]] = {"staff_cpu": [], "public_cpu": []}
        by_kind: dict[str, list[float]] = {}
        hits = {"staff": 0, "public": 0}
        load_before = os.getloadavg()
        for kind, q in workload:
            for scope, call in (
                ("staff", lambda q=q: search.find_for_staff(agent, q)),
                ("public", lambda q=q: search.find_public(q)),
            ):
                start, start_cpu, start_server = time.perf_counter(), time.thread_time(), server()
                found = call()
                elapsed = (time.perf_counter() - start) * 1000
                used = (time.thread_time() - start_cpu) * 1000 + server() - start_server
                db.session.rollback()  # the misses recorded are not kept
                timings[scope].append(elapsed)
                cpu[f"{scope}_cpu"].append(used)
                by_kind.setdefault(kind, []).append(elapsed)
                hits[scope] += bool(found)
        result = {
            "backend": backend,
            "articles": args.articles,
            "queries": len(workload),
            "fill_seconds": round(fill_seconds, 1),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
        }
        for name, values in [*timings.items(), *cpu.items(), *sorted(by_kind.items())]:
            result[name] = {
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "max_ms": round(max(values), 1),
            }
        result["queries_with_hits"] = hits
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--database-url", default=PG_URL, help="PostgreSQL; recreated")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    RESULTS.mkdir(exist_ok=True)
    for backend in backends:
        if backend == "postgresql":
            recreate(args.database_url)
            url = args.database_url
        else:
            url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="kb-bench-"), "kb.db")
        result = run(backend, url, args)
        print(json.dumps(result, indent=2, ensure_ascii=False))
        (RESULTS / f"kb-search-{backend}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n"
        )


if __name__ == "__main__":
    main()
