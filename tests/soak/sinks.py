"""Where the soak's outgoing traffic lands: an SMTP sink (aiosmtpd) counting messages
by Message-ID, a webhook receiver (http.server) counting deliveries by webhook-id, and
the Redis key prefix the servers' rate limits count under (removed afterwards)."""

from __future__ import annotations

import threading
from collections import Counter
from email.parser import BytesHeaderParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import redis
from aiosmtpd.controller import Controller

from .cluster import free_port


class MailSink:
    """Accepts every message; ``ids`` counts each Message-ID received."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.without_id = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message_id = BytesHeaderParser().parsebytes(envelope.content)["Message-ID"]
        with self.lock:
            if message_id:
                self.ids[message_id.strip()] += 1
            else:
                self.without_id += 1
        return "250 OK"

    def start(self) -> MailSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class HookReceiver:
    """Answers every POST 200; ``ids`` counts each webhook-id received."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.ids[self.headers.get("webhook-id") or ""] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> HookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def redis_keys(url: str, prefix: str) -> int:
    """How many keys the servers wrote under ``prefix`` (the limits counted there)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        return sum(1 for _ in client.scan_iter(match=f"*{prefix}*", count=500))
    finally:
        client.close()


def remove_redis_keys(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        keys = list(client.scan_iter(match=f"*{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
