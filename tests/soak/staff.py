"""The simulated people, part two: staff through the real pages — agents working the
inbox, the members of one svarsgrupp racing to claim the same tickets, a manager on
the dashboard and its exports.

Staff act only on the soak's own tickets (the references citizens were given), and
never repeat a change whose answer was lost: a person reloads the page and looks."""

from __future__ import annotations

import contextlib
import re
import threading
import traceback
from dataclasses import dataclass, field

from .client import Client, hidden, path_of
from .cluster import PASSWORD, RACE_GROUP
from .people import Person, World

TICKET_LINK = re.compile(r'href="/arenden/([A-Z]+-\d{4}-\d+)"')
CLAIM_FORM = re.compile(r'action="/arenden/([A-Z]+-\d{4}-\d+)/ta"')
AGENTS = ("sara.nilsson@sjostad.se", "johan.berg@sjostad.se", "amina.yusuf@sjostad.se")
MANAGER = "maria.holmberg@sjostad.se"
WON, LOST, NO_ANSWER, OTHER = "won", "lost", "no answer", "other"


def log_in(person: Person, client: Client, email: str) -> None:
    """Log in through the form, trying again until it works."""
    while not person.world.stopping.is_set():
        page = client.get("login_form", "/logga-in")
        if page is not None and page.status == 200:
            form = {"csrf_token": hidden(page.text, "csrf_token"), "email": email}
            answer = client.post(
                "login", "/logga-in", {**form, "password": PASSWORD}, expect=(302,)
            )
            if answer is not None and answer.status == 302:
                return
        person.pause()


def act_on_ticket(person: Person, client: Client, reference: str, choice: float) -> None:
    """Open the ticket and do one thing its page offers: escalate to the race group
    (kundtjänst's tickets), answer and close, reply, or release a claim."""
    page = client.get("ticket_page", f"/arenden/{reference}")
    if page is None or page.status != 200:
        return
    text = page.text

    def form(prefix: str, **fields: str) -> dict[str, str]:
        base = {f"{prefix}-{n}": hidden(text, f"{prefix}-{n}") for n in ("csrf_token", "version")}
        return {**base, **{f"{prefix}-{k}": v for k, v in fields.items()}}

    if f"/arenden/{reference}/eskalera" in text and choice < 0.45:
        data = form("escalate", group=str(person.world.race_group_id), note="Till gata/park.")
        action, path = "escalate", "eskalera"
    elif f"/arenden/{reference}/slapp" in text and choice > 0.88:
        data, action, path = form("release"), "release", "slapp"
    elif f"/arenden/{reference}/svara" in text and choice > 0.75:
        data = form("reply", body="Tack, vi undersöker saken och återkommer.")
        action, path = "reply", "svara"
    elif f"/arenden/{reference}/avsluta" in text:
        data = form("resolve", outcome="answered", reply="Här är svaret på din fråga.")
        action, path = "resolve", "avsluta"
    else:
        return
    # 409: someone changed the ticket since the page was read (no lost update).
    answer = client.post(action, f"/arenden/{reference}/{path}", data, expect=(302, 409))
    person.follow(answer, "after_action", client)


class Agent(Person):
    """A kundtjänst agent: the inbox, then one of the soak's tickets in it."""

    def __init__(self, world: World, name: str, home: int, seed: int, email: str):
        super().__init__(world, name, home, seed)
        self.email = email

    def setup(self) -> None:
        log_in(self, self.client, self.email)

    def turn(self) -> None:
        inbox = self.client.get("inbox", "/inkorg")
        if inbox is None or inbox.status != 200:
            return
        with self.world.lock:
            known = set(self.world.known)
        mine = [r for r in dict.fromkeys(TICKET_LINK.findall(inbox.text)) if r in known]
        if mine:
            act_on_ticket(self, self.client, self.rng.choice(mine[:8]), self.rng.random())


@dataclass
class Race:
    """One ticket every member tried to claim at the same moment, and what each was told."""

    reference: str
    at: float
    claims: dict[str, str] = field(default_factory=dict)  # member e-mail → WON, LOST …

    @property
    def winners(self) -> list[str]:
        return [m for m, said in self.claims.items() if said == WON]


class ClaimRace(Person):
    """The members of the race group: one looks at the queue, then all of them claim
    its oldest ticket at once (a barrier); the winner answers, replies or releases."""

    think = (0.1, 0.6)

    def __init__(self, world: World, name: str, seed: int):
        super().__init__(world, name, 0, seed)
        self.clients = {
            email: Client(world.ports, i % len(world.ports), world.recorder)
            for i, email in enumerate(world.members)
        }
        self.tokens: dict[str, str] = {}

    def setup(self) -> None:
        for email, client in self.clients.items():
            log_in(self, client, email)
            while email not in self.tokens and not self.world.stopping.is_set():
                page = client.get("queue", f"/ko/{RACE_GROUP}")
                if page is not None and page.status == 200:
                    self.tokens[email] = hidden(page.text, "csrf_token")  # the session's

    def turn(self) -> None:
        looker = self.rng.choice(list(self.clients))
        queue = self.clients[looker].get("queue", f"/ko/{RACE_GROUP}")
        if queue is None or queue.status != 200:
            return
        with self.world.lock:
            known = set(self.world.known)
        waiting = [r for r in CLAIM_FORM.findall(queue.text) if r in known]
        if not waiting:
            return
        race = Race(waiting[0], self.world.recorder.now())
        self.race(race)
        with self.world.lock:
            self.world.races.append(race)
        if race.winners:
            winner = self.clients[race.winners[0]]
            act_on_ticket(self, winner, race.reference, self.rng.uniform(0.45, 1.0))

    def race(self, race: Race) -> None:
        start = threading.Barrier(len(self.clients))
        queue_path = f"/ko/{RACE_GROUP}"

        def claim(email: str, client: Client) -> None:
            try:
                claim_once(email, client)
            except Exception:
                race.claims[email] = OTHER
                self.error = traceback.format_exc()

        def claim_once(email: str, client: Client) -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=30)
            answer = client.post(
                "claim",
                f"/arenden/{race.reference}/ta",
                {"csrf_token": self.tokens[email], "from_queue": "1"},
                expect=(302,),
            )
            if answer is None:
                said = NO_ANSWER
            elif answer.status == 302 and path_of(answer.location) == f"/arenden/{race.reference}":
                said = WON
            elif answer.status == 302 and path_of(answer.location) == queue_path:
                said = LOST
            else:
                said = OTHER
            race.claims[email] = said
            self.follow(answer, "after_claim", client)

        threads = [
            threading.Thread(target=claim, args=(email, client), daemon=True)
            for email, client in self.clients.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=200)


class Manager(Person):
    """The dashboard, its JSON, and now and then an export: asked for, waited for
    (the job `exports.produce` writes it), downloaded."""

    think = (0.5, 1.5)

    def __init__(self, world: World, name: str, home: int, seed: int):
        super().__init__(world, name, home, seed)
        self.export: str | None = None  # the page of the export waited for
        self.exports: list[str] = []

    def setup(self) -> None:
        log_in(self, self.client, MANAGER)

    def turn(self) -> None:
        if self.export is not None:
            self.wait_for_export()
            return
        choice = self.rng.random()
        if choice < 0.55:
            self.client.get("dashboard", "/statistik")
        elif choice < 0.85:
            self.client.get("stats_json", "/statistik.json")
        else:
            self.ask_for_export()

    def ask_for_export(self) -> None:
        page = self.client.get("dashboard", "/statistik")
        if page is None or page.status != 200:
            return
        form = {"csrf_token": hidden(page.text, "csrf_token"), "format": "csv"}
        answer = self.client.post(
            "export_request", "/statistik/exporter?period=month", form, expect=(303,)
        )
        if answer is not None and answer.status == 303:
            self.export = path_of(answer.location)
            self.exports.append(self.export)

    def wait_for_export(self) -> None:
        state = self.client.get("export_state", f"{self.export}.json")
        if state is None or state.status != 200:
            return
        status = state.json()["status"]
        if status == "done":
            self.client.get("export_download", f"{self.export}/fil")
        if status in ("done", "failed", "expired"):
            self.export = None
