"""One POST to a receiver, to the address the SSRF guard checked.

The host name is resolved once (`core.netguard.resolve`, every address checked) and
the connection goes to that address: the name is not looked up again, so it cannot
be pointed elsewhere in between (DNS rebinding). The request still names the host
(``Host``) and, over https, TLS checks the certificate against the host name (SNI).
Redirects are not followed: an answer is an answer, and 3xx is not success.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from ..core import netguard

EXCERPT_CHARACTERS = 500
READ_BYTES = 4096


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None
    latency_ms: int
    excerpt: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: netguard.Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(
        self, target: netguard.Target, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def excerpt(raw: bytes) -> str | None:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    return "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in text)[
        :EXCERPT_CHARACTERS
    ]


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    allow: tuple = (),
    context: ssl.SSLContext | None = None,
) -> Answer:
    """POST ``body`` to ``url``; never raises for the receiver's or the network's
    faults (they are the Answer's ``error``)."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = netguard.parse_url(url)
        address = netguard.resolve(target, allow)[0]
    except netguard.Refused as refused:
        return Answer(None, f"refused ({refused})", elapsed(), None)
    if target.tls:
        connection = _PinnedHTTPS(target, address, timeout, context or ssl.create_default_context())
    else:
        connection = _PinnedHTTP(target, address, timeout)
    try:
        connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", target.host_header)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        raw = response.read(READ_BYTES)
        return Answer(response.status, None, elapsed(), excerpt(raw))
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:500], elapsed(), None)
    finally:
        connection.close()
