"""Where the application may send a request of its own (webhooks): a guard against
server-side request forgery (SSRF). Pure: the standard library's ``ipaddress``, and
``socket.getaddrinfo`` to resolve a name (passed in, so tests can give their own).

An address is refused when it is loopback, private (RFC 1918), link-local
(169.254/16, fe80::/10), shared (CGNAT 100.64/10), unspecified, multicast, reserved,
a unique-local IPv6 address (fc00::/7), or an IPv4 address wrapped in IPv6
(``::ffff:10.0.0.1``, ``::10.0.0.1``, 6to4) that is one of those — unless it lies in
an allow-listed network (``KUNDTJANST_WEBHOOK_ALLOW_NETWORKS``). A name passes only
when every address it resolves to passes; the caller then connects to the address
checked, never resolving again (no DNS-rebinding window).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": 80, "https": 443}
MAX_URL = 2000

_EXTRA_BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # shared address space (CGNAT)
        "192.0.0.0/24",  # IETF protocol assignments
        "198.18.0.0/15",  # benchmarking
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "64:ff9b::/96",  # NAT64: a wrapped IPv4 address
        "64:ff9b:1::/48",
    )
)


class Refused(ValueError):
    """The address (or URL) may not be used. ``reason`` is a short English word for
    logs and tests: ``scheme``, ``host``, ``credentials``, ``port``, ``length``,
    ``resolve``, ``address``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """A URL taken apart: what to connect to and what to ask for."""

    scheme: str
    host: str  # the name (or literal address) as written, lower-case, no brackets
    port: int
    path: str  # path and query, at least "/"

    @property
    def tls(self) -> bool:
        return self.scheme == "https"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def parse_networks(text: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Comma-separated CIDRs ("127.0.0.0/8, ::1/128") as networks; ValueError names a
    bad one."""
    if not text:
        return ()
    parts = text.split(",") if isinstance(text, str) else list(text)
    networks = []
    for part in parts:
        part = part.strip()
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"not a network: {part!r}") from None
    return tuple(networks)


def _unwrapped(address: Address) -> Address:
    """The IPv4 address inside an IPv4-mapped, -compatible or 6to4 IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        packed = address.packed
        if packed[:12] == bytes(12) and int(address) > 1:  # ::a.b.c.d (deprecated)
            return ipaddress.IPv4Address(packed[12:])
    return address


def _blocked(address: Address) -> bool:
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or not address.is_global
        or any(address in n for n in _EXTRA_BLOCKED if n.version == address.version)
    )


def allowed(address: str | Address, allow: Sequence[Network] = ()) -> bool:
    """May a request go to ``address``? Allow-listed networks win."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if "%" in str(ip):  # a scoped IPv6 address names an interface: never
        return False
    inner = _unwrapped(ip)
    for candidate in {ip, inner}:
        if any(candidate in n for n in allow if n.version == candidate.version):
            return True
    return not (_blocked(ip) or _blocked(inner))


def parse_url(url: str) -> Target:
    """An http(s) URL with a host, no user name or password, a valid port."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise Refused("length")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise Refused("host", "spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused("port", str(error)) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise Refused("scheme", scheme)
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise Refused("host")
    if port == 0:
        raise Refused("port", "0")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port or SCHEMES[scheme], path)


Resolver = Callable[..., list]


def resolve(
    target: Target, allow: Sequence[Network] = (), getaddrinfo: Resolver | None = None
) -> list[str]:
    """Every address ``target``'s host stands for, each checked; Refused when the name
    does not resolve or any address may not be used. The first is the one to use.
    ``getaddrinfo``: the resolver (default `socket.getaddrinfo`, looked up now)."""
    getaddrinfo = getaddrinfo or socket.getaddrinfo
    try:
        literal = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            infos = getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise Refused("resolve", str(error)) from None
        addresses = []
        for info in infos:
            address = str(info[4][0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise Refused("resolve", "no address")
    for address in addresses:
        if not allowed(address, allow):
            raise Refused("address", address)
    return addresses
