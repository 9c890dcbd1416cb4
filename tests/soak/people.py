"""The simulated people, part one: what they share (`World`), the thread each one is,
and the citizens — asking on the form, through the API, and writing again on the
status page. Staff are in `staff`.

A citizen's question carries a tag in its heading (``[soak-w-…]``, ``[soak-a-…]``):
it finds the question's tickets in the database afterwards. A question whose answer
was lost (no answer: refused, or cut by a kill) is sent again with the same
submission id (the form) or Idempotency-Key (the API), at most `TRIES` times, and on
the other server: both must make one ticket, however often they arrive."""

from __future__ import annotations

import random
import re
import threading
import traceback
import uuid
from dataclasses import dataclass, field

from .client import Answer, Client, Recorder, csrf, hidden, path_of

TRIES = 4
SUBJECTS = (
    ("Parkering vid skolan", "Var får jag parkera när jag lämnar barnen vid skolan?"),
    ("Gatlykta trasig", "Gatlyktan utanför Storgatan 12 har varit släckt i en vecka."),
    ("Sophämtning", "Mitt sopkärl har inte tömts på två veckor. Vad gör jag?"),
    ("Bibliotekskort", "Hur får jag ett nytt lånekort till biblioteket?"),
    ("Övrigt", "Vem ska jag kontakta om en fråga om kommunens evenemang?"),
)
# Subject areas kundtjänst handles itself (no routing rule sends them on): the
# questions reach the agents' inbox.
CATEGORIES = (
    "Parkering",
    "Gatubelysning",
    "Avfall och återvinning",
    "Bibliotek",
    "Övrigt",
)
REFERENCE = re.compile(r'id="reference">\s*([A-Z0-9-]+)\s*<')
STATUS_LINK = re.compile(r"/arende/([A-Za-z0-9_-]{20,})")


@dataclass
class Asked:
    """One question a citizen sent, with every answer it got."""

    kind: str  # web or api
    tag: str
    key: str  # the submission id or the Idempotency-Key
    references: list[str] = field(default_factory=list)  # one per answer with a reference
    tries: int = 0
    unanswered: int = 0  # tries without an answer (refused, cut, timeout)

    @property
    def answered(self) -> bool:
        return bool(self.references)


@dataclass
class World:
    """What the people share: the servers, the clock, the ids they need, and the record
    of what they were told."""

    ports: list[int]
    recorder: Recorder
    deadline: float  # seconds since the start
    token: str
    categories: dict[str, int]  # name → id
    race_group_id: int
    members: list[str]
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    asked: list[Asked] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # references the citizens were given
    status_links: list[str] = field(default_factory=list)
    races: list = field(default_factory=list)  # staff.Race

    def running(self) -> bool:
        return not self.stopping.is_set() and self.recorder.now() < self.deadline

    def new_asked(self, kind: str, tag: str, key: str) -> Asked:
        asked = Asked(kind, tag, key)
        with self.lock:
            self.asked.append(asked)
        return asked

    def answered(self, asked: Asked, reference: str) -> None:
        with self.lock:
            asked.references.append(reference)
            if reference not in self.known:
                self.known.append(reference)


class Person(threading.Thread):
    """A thread that takes turns until the soak's time is up; a failure of the soak's
    own code (not of a request) is kept in ``error`` and fails the soak."""

    think = (0.2, 1.0)  # seconds between turns

    def __init__(self, world: World, name: str, home: int, seed: int):
        super().__init__(name=name, daemon=True)
        self.world = world
        self.rng = random.Random(seed)
        self.client = Client(world.ports, home, world.recorder)
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.setup()
            while self.world.running():
                self.turn()
                self.world.stopping.wait(self.rng.uniform(*self.think))
        except Exception:
            self.error = traceback.format_exc()

    def setup(self) -> None:
        pass

    def turn(self) -> None:
        raise NotImplementedError

    def follow(self, answer: Answer | None, action: str, client: Client | None = None) -> None:
        """Go where a redirect points, as a browser does (and so read the flashed
        message, which would otherwise pile up in the session cookie)."""
        if answer is not None and 300 <= answer.status < 400 and answer.location:
            path = path_of(answer.location)
            (client or self.client).get(action, path, expect=(200, 302))

    def pause(self) -> None:
        self.world.stopping.wait(0.5)


class WebCitizen(Person):
    """Asks on /fraga, reads the receipt; now and then writes again on a status page."""

    think = (0.4, 1.6)

    def turn(self) -> None:
        if self.world.status_links and self.rng.random() < 0.2:
            self.write_again()
        else:
            self.ask()

    def ask(self) -> None:
        browser = self.client
        browser.forget()  # a new person asking
        page = browser.get("ask_form", "/fraga")
        if page is None or page.status != 200:
            return
        subject, question = self.rng.choice(SUBJECTS)
        tag = f"soak-w-{uuid.uuid4().hex[:12]}"
        form = {
            "csrf_token": csrf(page.text),
            "submission": hidden(page.text, "submission"),
            "anyway": "1",  # no public answers first: send the question
            "category": str(self.world.categories[self.rng.choice(CATEGORIES)]),
            "subject": f"{subject} [{tag}]",
            "question": question,
            "name": "Soak Testsson",
            "email": f"{tag}@example.se",
            "phone": "",
        }
        asked = self.world.new_asked("web", tag, form["submission"])
        for _ in range(TRIES):
            asked.tries += 1
            sent = browser.post("ask_post", "/fraga", form, expect=(302,))
            receipt = None
            if sent is not None and sent.status == 302:
                receipt = browser.get("receipt", "/fraga/skickad")
            elif sent is not None:
                return  # an answer, not the one expected: recorded as such
            if receipt is None or receipt.status != 200:
                asked.unanswered += 1  # the post or its receipt lost: send it again
                self.pause()
                continue
            found = REFERENCE.search(receipt.text)
            if found:
                self.world.answered(asked, found.group(1))
            link = STATUS_LINK.search(receipt.text)
            if link and self.rng.random() < 0.5:
                with self.world.lock:
                    self.world.status_links.append(link.group(1))
            return

    def write_again(self) -> None:
        """A message on the status page: back in play if answered, reopened if closed."""
        with self.world.lock:
            if not self.world.status_links:
                return
            token = self.world.status_links.pop(0)
        browser = self.client
        browser.forget()
        page = browser.get("status_page", f"/arende/{token}")
        if page is None or page.status != 200:
            return
        form = {"csrf_token": csrf(page.text), "message": "Jag har en fråga till om detta."}
        answer = browser.post("citizen_message", f"/arende/{token}", form, expect=(302,))
        self.follow(answer, "status_page", browser)


class ApiCitizen(Person):
    """An e-service posting questions to /api/v1/tickets with an Idempotency-Key; now
    and then it sends the same request again although it got an answer."""

    think = (0.4, 1.6)

    def turn(self) -> None:
        key = uuid.uuid4().hex
        tag = f"soak-a-{key[:12]}"
        subject, question = self.rng.choice(SUBJECTS)
        body = {
            "channel": "web",
            "subject": f"{subject} [{tag}]",
            "text": question,
            "category": self.world.categories[self.rng.choice(CATEGORIES)],
            "citizen": {"name": "Soak Apisson", "email": f"{tag}@example.se"},
        }
        headers = {"Authorization": f"Bearer {self.world.token}", "Idempotency-Key": key}
        asked = self.world.new_asked("api", tag, key)
        again = self.rng.random() < 0.15
        for _ in range(TRIES):
            asked.tries += 1
            answer = self.client.request(
                "api_create", "POST", "/api/v1/tickets", body=body, headers=headers, expect=(201,)
            )
            if answer is None:
                asked.unanswered += 1
                self.pause()
                continue
            if answer.status != 201:
                return
            self.world.answered(asked, answer.json()["reference"])
            if not again:
                break
            again = False  # once more with the same key: the same answer, no new ticket
        if asked.answered and self.rng.random() < 0.3:
            self.client.get(
                "api_read",
                f"/api/v1/tickets/{asked.references[0]}",
                headers={"Authorization": f"Bearer {self.world.token}"},
            )
