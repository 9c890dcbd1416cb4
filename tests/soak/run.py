"""The soak's schedule: set up, start the load, kill (a worker at a quarter of the
time, a whole server at 40 %, the scheduler holding the lease at 55 %) and restart,
let the load run out, wait for the outbox and the webhooks to drain, stop everything,
check. Everything started is stopped in a ``finally``, whatever happened."""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import checks, deliveries, report
from .client import Recorder
from .cluster import (
    RACE_GROUP,
    Prepared,
    Scheduler,
    Server,
    app_env,
    children,
    connect,
    fill,
    free_port,
    holder_pid,
    lease_holder,
    migrate,
)
from .people import ApiCitizen, Person, WebCitizen, World
from .report import Fault
from .sinks import HookReceiver, MailSink, redis_keys, remove_redis_keys
from .staff import AGENTS, Agent, ClaimRace, Manager

HEARTBEAT_SECONDS = 2


@dataclass
class Options:
    database_url: str
    duration: float = 180.0  # seconds of load
    redis_url: str = "redis://127.0.0.1:6379/15"
    seed_tickets: int = 60
    web_citizens: int = 3
    api_citizens: int = 2
    agents: int = 3
    drain_seconds: float = 60.0
    logs: Path | None = None
    seed: int = 1
    say: Callable[[str], None] = print


@dataclass
class Result:
    problems: list[str]
    facts: dict[str, Any]
    table: str
    faults: list[Fault]
    logs: Path
    load: list[str] = field(default_factory=list)  # /proc/loadavg now and then

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = ["Faults:"]
        for f in self.faults:
            back = f"back after {f.recovered - f.at:.1f} s" if f.recovered is not None else "–"
            lines.append(f"  {f.at:6.1f} s  {f.what:<9} {f.detail}; {back}")
        lines += ["", self.table, ""]
        width = max((len(k) for k in self.facts), default=0)
        lines += [f"  {k:<{width}}  {v}" for k, v in self.facts.items()]
        lines += ["", "Load average (1, 5, 15 min) during the soak:"]
        lines += [f"  {sample}" for sample in self.load]
        lines += ["", f"Logs: {self.logs}", ""]
        if self.problems:
            lines.append(f"FAILED: {len(self.problems)} problems")
            lines += [f"  - {p}" for p in self.problems]
        else:
            lines.append("OK: nothing lost, duplicated or inconsistent")
        return "\n".join(lines)


def settings(options: Options, prefix: str, sink: MailSink, logs: Path, port: int) -> dict:
    return {
        "RATELIMIT_STORAGE_URI": options.redis_url,
        "RATELIMIT_KEY_PREFIX": prefix,
        # Every simulated person comes from 127.0.0.1: per-address limits would stop them.
        "QUESTION_LIMIT_PER_ADDRESS": "1000000 per hour",
        "MESSAGE_LIMIT_PER_ADDRESS": "1000000 per hour",
        "API_RATE_LIMIT": "100000/minute",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink.port,
        "MAIL_FROM": "Sjöstads kommun <noreply@sjostad.se>",
        "WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "ATTACHMENT_DIR": str(logs / "attachments"),
        "SCHEDULER_MAIL_SECONDS": 2,
        "SCHEDULER_WEBHOOK_SECONDS": 2,
        "SCHEDULER_EXPORTS_SECONDS": 2,
        "SCHEDULER_HEARTBEAT_SECONDS": HEARTBEAT_SECONDS,
        "SCHEDULER_FETCH_SECONDS": 0,
        "SCHEDULER_LEASE_SECONDS": 5,
        "SCHEDULER_RENEW_SECONDS": 1,
    }


def make_people(world: World, options: Options) -> list[Person]:
    """The people, their home servers alternating."""
    seed = options.seed * 1000
    web = range(options.web_citizens)
    api = range(options.api_citizens)
    agents = range(options.agents)
    return [
        *(WebCitizen(world, f"web{i}", i % 2, seed + i) for i in web),
        *(ApiCitizen(world, f"api{i}", 1 - i % 2, seed + 100 + i) for i in api),
        *(Agent(world, f"agent{i}", i % 2, seed + 200 + i, AGENTS[i % 3]) for i in agents),
        ClaimRace(world, "claim-race", seed + 300),
        Manager(world, "manager", 1, seed + 400),
    ]


class Conductor:
    """Kills and restarts on the schedule, noting each fault and when it was over."""

    def __init__(self, world: World, url: str, servers: list[Server], schedulers: list[Scheduler]):
        self.world, self.url = world, url
        self.servers, self.schedulers = servers, schedulers
        self.faults: list[Fault] = []
        self.killed: list[tuple[str, datetime]] = []

    def now(self) -> float:
        return self.world.recorder.now()

    def at(self, seconds: float) -> None:
        self.world.stopping.wait(max(0.0, seconds - self.now()))

    def until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not happen within {timeout:.0f} s")
            time.sleep(0.1)

    def fault(self, what: str, server: int | None, detail: str) -> Fault:
        fault = Fault(what, server, self.now(), datetime.now(UTC), detail)
        self.faults.append(fault)
        return fault

    def run(self, duration: float, say: Callable[[str], None]) -> None:
        self.at(0.25 * duration)
        server = self.servers[0]
        victim = server.kill_worker()
        fault = self.fault("worker", 0, f"SIGKILL worker {victim} of server 0")
        say(f"{fault.at:.1f} s: {fault.detail}")
        self.until(
            lambda: victim not in (now := children(server.pid)) and len(now) >= server.workers,
            60,
            "a new worker",
        )
        fault.recovered = self.now()

        self.at(0.40 * duration)
        self.servers[1].kill()
        fault = self.fault("server", 1, "SIGKILL server 1 (master and workers)")
        say(f"{fault.at:.1f} s: {fault.detail}")
        time.sleep(1.5)  # down: its clients are refused and go to server 0
        self.servers[1].start()
        self.servers[1].ready()
        fault.recovered = self.now()

        self.at(0.55 * duration)
        self.until(lambda: lease_holder(self.url)[1], 60, "a lease holder")
        holder = lease_holder(self.url)[0]
        victim = next(s for s in self.schedulers if s.pid == holder_pid(holder))
        victim.kill()
        self.killed.append((holder, datetime.now(UTC)))
        fault = self.fault("scheduler", None, f"SIGKILL the lease holder {holder}")
        say(f"{fault.at:.1f} s: {fault.detail}")
        time.sleep(1.0)
        victim.start()  # back as a standby
        self.until(
            lambda: (now := lease_holder(self.url))[0] != holder and now[1], 60, "a new holder"
        )
        fault.recovered = self.now()
        say(f"{fault.recovered:.1f} s: the lease passed on; faults over")


def sample_load(stop: threading.Event, samples: list[str], every: float = 10.0) -> None:
    while True:
        samples.append(Path("/proc/loadavg").read_text().strip())
        if stop.wait(every):
            return


def soak(options: Options) -> Result:
    say = options.say
    logs = options.logs or Path(tempfile.mkdtemp(prefix="soak-"))
    logs.mkdir(parents=True, exist_ok=True)
    prefix = f"soak-{uuid.uuid4().hex[:12]}"
    url = options.database_url
    sink, receiver = MailSink(), HookReceiver()
    ports = [free_port(), free_port()]
    servers: list[Server] = []
    schedulers: list[Scheduler] = []
    people: list[Person] = []
    stop_sampling = threading.Event()
    load: list[str] = []
    world = None
    try:
        sink.start()
        receiver.start()
        env = app_env(url, settings(options, prefix, sink, logs, ports[0]))
        started = time.monotonic()
        say(f"Preparing {url.rsplit('/', 1)[1]}: migrate; seed and token while servers start")
        migrate(url, env)
        servers = [Server(f"server{i}", env, logs, port) for i, port in enumerate(ports)]
        schedulers = [Scheduler(f"scheduler{i}", env, logs) for i in range(2)]
        for process in [*servers, *schedulers]:
            process.start()
        prepared = fill(url, env, options.seed_tickets, receiver.url)
        for server in servers:
            server.ready()
        say(f"  ready after {time.monotonic() - started:.1f} s")
        threading.Thread(target=sample_load, args=(stop_sampling, load), daemon=True).start()
        world = make_world(url, ports, prepared, options.duration)
        people = make_people(world, options)
        say(f"Load for {options.duration:.0f} s from {len(people)} people on ports {ports}")
        for person in people:
            person.start()
        conductor = Conductor(world, url, servers, schedulers)
        conductor.run(options.duration, say)
        world.stopping.wait(max(0.0, options.duration - world.recorder.now()))
        world.stopping.set()
        for person in people:
            person.join(timeout=150)
        end = world.recorder.now()
        say(f"{end:.1f} s: load over; waiting for the outbox and the webhooks")
        drained = time.monotonic()
        drain(url, conductor.killed, options.drain_seconds)
        say(f"  drained in {time.monotonic() - drained:.1f} s")
        keys = redis_keys(options.redis_url, prefix)
        for process in [*servers, *schedulers]:
            process.stop()
        stop_sampling.set()
        return check(world, people, conductor, prepared, url, sink, receiver, keys, end, logs, load)
    finally:
        stop_sampling.set()
        if world is not None:
            world.stopping.set()
        for process in [*servers, *schedulers]:
            process.stop()
        for person in people:
            person.join(timeout=5)
        sink.stop()
        receiver.stop()
        remove_redis_keys(options.redis_url, prefix)


def make_world(url: str, ports: list[int], prepared: Prepared, duration: float) -> World:
    with connect(url) as conn:
        categories = dict(conn.execute("SELECT name, id FROM categories").fetchall())
        group = conn.execute("SELECT id FROM groups WHERE slug = %s", (RACE_GROUP,)).fetchone()[0]
    return World(
        ports=ports,
        recorder=Recorder(),
        deadline=duration,
        token=prepared.token,
        categories=categories,
        race_group_id=group,
        members=prepared.members,
    )


def drain(url: str, killed: list[tuple[str, datetime]], seconds: float) -> None:
    since = max((at for _, at in killed), default=None)
    deadline = time.monotonic() + seconds
    with connect(url) as conn:
        while deliveries.backlog(conn, since) and time.monotonic() < deadline:
            time.sleep(0.5)


def logged_errors(logs: Path) -> list[str]:
    """Tracebacks and errors the processes logged; but for gunicorn's own line about a
    worker the soak killed."""
    found = []
    for log in sorted(logs.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if ("Traceback" in line or "ERROR" in line or "CRITICAL" in line) and (
                "was sent SIGKILL" not in line
            ):
                found.append(f"{log.name}: {line.strip()[:200]}")
    return found


def check(world, people, conductor, prepared, url, sink, receiver, keys, end, logs, load):
    found = checks.Findings()
    for person in people:
        if person.error or person.is_alive():
            found.problems.append(f"{person.name} failed: {person.error or 'still running'}")
    with connect(url) as conn:
        found.add(checks.check_questions(conn, world.asked, prepared.seeded_max_id))
        found.add(checks.check_timelines(conn, prepared.seeded_max_id))
        found.add(checks.check_races(conn, world.races))
        found.add(deliveries.check_jobs(conn, conductor.killed, HEARTBEAT_SECONDS))
        found.add(deliveries.check_mail(conn, sink.ids, sink.without_id))
        found.add(deliveries.check_webhooks(conn, receiver.ids))
        manager = next(p for p in people if isinstance(p, Manager))
        found.add(deliveries.check_exports(conn, len(manager.exports)))
    found.add(report.check_answers(world.recorder.attempts, conductor.faults))
    found.problem("faults not over", [f.detail for f in conductor.faults if f.recovered is None])
    found.problem("errors in the servers' and schedulers' logs", logged_errors(logs))
    found.facts["rate-limit keys in Redis"] = keys
    if not keys:
        found.problems.append("the servers counted nothing in Redis")
    return Result(
        problems=found.problems,
        facts=found.facts,
        table=report.table(world.recorder.attempts, conductor.faults, end),
        faults=conductor.faults,
        logs=logs,
        load=load,
    )
