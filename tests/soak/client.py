"""HTTP for the simulated people: one connection per request, no automatic retry
(a retry is the person's decision, and only where the request is idempotent), and
every attempt recorded with its outcome: an HTTP status, or no answer — refused (the
server was down: nothing was sent) or cut (sent; the answer was lost)."""

from __future__ import annotations

import html
import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass

TIMEOUT = 60
REFUSED, CUT, TIMEOUT_FAILURE = "refused", "cut", "timeout"


@dataclass(frozen=True)
class Attempt:
    action: str
    server: int  # index of the server asked
    started: float  # seconds since the soak started
    seconds: float
    status: int | None  # None: no answer
    failure: str | None  # refused, cut or timeout when there was no answer
    expected: bool  # an answer the action expects (a 409 conflict is expected)


class Recorder:
    """Every attempt of every person, and the soak's clock."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.attempts: list[Attempt] = []
        self.lock = threading.Lock()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def add(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.append(attempt)


@dataclass
class Answer:
    status: int
    location: str
    text: str

    def json(self):
        return json.loads(self.text)


def hidden(text: str, name: str) -> str | None:
    """The value of the input named ``name`` in a page."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', text)
    if match is None:
        match = re.search(rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', text)
    return html.unescape(match.group(1)) if match else None


def csrf(text: str) -> str | None:
    return hidden(text, "csrf_token")


class Client:
    """A person's browser (or integration): cookies, and the server it uses."""

    def __init__(self, ports: list[int], home: int, recorder: Recorder):
        self.ports, self.home, self.recorder = ports, home, recorder
        self.cookies: dict[str, str] = {}

    def fail_over(self) -> None:
        """After no answer, a load balancer sends the next request to the other server."""
        self.home = (self.home + 1) % len(self.ports)

    def forget(self) -> None:
        """Another person at the same computer: no cookies."""
        self.cookies = {}

    def request(
        self,
        action: str,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        body: dict | None = None,
        headers: dict | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Answer | None:
        """One attempt; the answer, or None when there was none (and the next request
        goes to the other server)."""
        sent = {"Accept-Language": "sv", **(headers or {})}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body)
            sent["Content-Type"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        server = self.home
        conn = http.client.HTTPConnection("127.0.0.1", self.ports[server], timeout=TIMEOUT)
        started = self.recorder.now()
        answer = failure = None
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            keep_cookies(self.cookies, response.headers.get_all("Set-Cookie") or [])
            answer = Answer(response.status, response.headers.get("Location") or "", text)
        except ConnectionRefusedError:
            failure = REFUSED
        except TimeoutError:
            failure = TIMEOUT_FAILURE
        except (OSError, http.client.HTTPException):
            failure = CUT
        finally:
            conn.close()
        if failure is not None:
            self.fail_over()
        self.recorder.add(
            Attempt(
                action=action,
                server=server,
                started=started,
                seconds=self.recorder.now() - started,
                status=answer.status if answer else None,
                failure=failure,
                expected=answer is not None and answer.status in expect,
            )
        )
        return answer

    def get(self, action: str, path: str, **kwargs) -> Answer | None:
        return self.request(action, "GET", path, **kwargs)

    def post(self, action: str, path: str, form: dict, **kwargs) -> Answer | None:
        return self.request(action, "POST", path, form=form, **kwargs)


def keep_cookies(jar: dict[str, str], headers: list[str]) -> None:
    """What a browser keeps of an answer's Set-Cookie headers (a deleted one goes)."""
    for header in headers:
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        if value and "max-age=0" not in header.lower():
            jar[name.strip()] = value
        else:
            jar.pop(name.strip(), None)


def path_of(location: str) -> str:
    """A redirect's path (Flask sends absolute or relative locations)."""
    return urllib.parse.urlsplit(location).path
