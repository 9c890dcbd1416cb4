"""A real HTTP receiver for webhook tests (http.server on a loopback port, in a
thread), and helpers to subscribe and read deliveries."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from kundtjanst.extensions import db
from kundtjanst.webhooks import services
from kundtjanst.webhooks.models import WebhookDelivery

ALL_EVENTS = [
    "ticket.created",
    "ticket.escalated",
    "ticket.claimed",
    "ticket.resolved",
    "ticket.reopened",
    "ticket.citizen_message",
]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of ``script`` (a status code, or
    ("redirect", url)), then with ``default``."""

    script: list = field(default_factory=list)
    default: int | tuple = 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def start(self, port: int = 0) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    answer = receiver.script.pop(0) if receiver.script else receiver.default
                if isinstance(answer, tuple):
                    self.send_response(302)
                    self.send_header("Location", answer[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                text = f"answer {answer} <b>\x00ok</b>".encode()
                self.send_response(answer)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def loopback(app, monkeypatch):
    """Receivers on loopback allowed (as a test's own network)."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8")


@pytest.fixture
def receiver(loopback):
    r = Receiver().start()
    yield r
    r.stop()


def subscribe(url: str, events=None, **kwargs):
    sub, secret = services.subscribe(url, events or ALL_EVENTS, **kwargs)
    db.session.commit()
    return sub, secret


def deliveries(sub_id: int | None = None) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if sub_id is not None:
        query = query.where(WebhookDelivery.subscription_id == sub_id)
    return list(db.session.scalars(query))
