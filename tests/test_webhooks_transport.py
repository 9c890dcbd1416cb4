"""The POST goes to the address the guard checked: the name is resolved once (no
DNS-rebinding window), the request still names the host, and over https the
certificate is checked against the host name (SNI), not the address."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kundtjanst.core import netguard
from kundtjanst.webhooks import transport

from .webhook_helpers import Receiver

NAME = "hooks.example.test"
LOOPBACK = netguard.parse_networks("127.0.0.0/8")


@pytest.fixture
def resolver(monkeypatch):
    """``hooks.example.test`` resolves to the addresses in ``answers``, in turn."""
    answers: list[list[str]] = []
    asked = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != NAME:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, asked


def test_the_name_is_resolved_once_and_the_host_is_named(resolver):
    answers, asked = resolver
    receiver = Receiver().start()
    port = receiver.server.server_address[1]
    answers += [["127.0.0.1"], ["10.0.0.1"]]  # a second lookup would lead elsewhere
    try:
        answer = transport.post(
            f"http://{NAME}:{port}/in", b"{}", {"x-test": "1"}, timeout=5, allow=LOOPBACK
        )
    finally:
        receiver.stop()
    assert answer.ok and answer.status_code == 200 and answer.latency_ms >= 0
    assert asked == [NAME]
    (got,) = receiver.received
    assert got.headers["host"] == f"{NAME}:{port}" and got.path == "/in"
    assert answer.excerpt.startswith("answer 200") and "\x00" not in answer.excerpt


def test_a_name_with_one_private_address_is_refused_before_connecting(resolver):
    answers, _asked = resolver
    receiver = Receiver().start()
    port = receiver.server.server_address[1]
    answers.append(["127.0.0.1", "10.0.0.1"])
    try:
        answer = transport.post(f"http://{NAME}:{port}/", b"{}", {}, timeout=5, allow=LOOPBACK)
    finally:
        receiver.stop()
    assert not answer.ok and "10.0.0.1" in answer.error
    assert receiver.received == []


@pytest.fixture
def certificate(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={NAME}",
            "-addext", f"subjectAltName=DNS:{NAME}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return key, cert


def tls_server(key, cert):
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen["host"] = self.headers["Host"]
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def remember_name(sock, name, _context):
        seen["sni"] = name

    context.sni_callback = remember_name
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def test_https_checks_the_certificate_for_the_host_name(resolver, certificate):
    answers, _asked = resolver
    answers.append(["127.0.0.1"])
    key, cert = certificate
    server, seen = tls_server(key, cert)
    port = server.server_address[1]
    trusted = ssl.create_default_context(cafile=str(cert))
    try:
        answer = transport.post(
            f"https://{NAME}:{port}/", b"{}", {}, timeout=5, allow=LOOPBACK, context=trusted
        )
        assert answer.status_code == 204 and answer.ok
        assert seen == {"sni": NAME, "host": f"{NAME}:{port}"}
        # The same server under another name: the certificate does not match.
        wrong = transport.post(
            f"https://127.0.0.1:{port}/", b"{}", {}, timeout=5, allow=LOOPBACK, context=trusted
        )
        assert not wrong.ok and "CERTIFICATE_VERIFY_FAILED" in wrong.error
        # Not trusted at all (the system's authorities): refused too.
        untrusted = transport.post(f"https://{NAME}:{port}/", b"{}", {}, timeout=5, allow=LOOPBACK)
        assert not untrusted.ok and "certificate" in untrusted.error.lower()
    finally:
        server.shutdown()
        server.server_close()
