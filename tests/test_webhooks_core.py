"""The pure parts of webhooks: the SSRF guard and Standard Webhooks signing, checked
against the independent ``standardwebhooks`` package."""

from __future__ import annotations

import base64
import socket
import time
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from kundtjanst.core import netguard, webhooksign

ALLOW_LOOPBACK = netguard.parse_networks("127.0.0.0/8")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "2002:a00:1::",  # 6to4 around 10.0.0.1
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
        "198.18.0.1",
    ],
)
def test_local_and_private_addresses_are_refused(address):
    assert not netguard.allowed(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_pass(address):
    assert netguard.allowed(address)


def test_the_allow_list_lets_its_network_through_and_nothing_else():
    assert netguard.allowed("127.0.0.1", ALLOW_LOOPBACK)
    assert netguard.allowed("::ffff:127.0.0.1", ALLOW_LOOPBACK)
    assert not netguard.allowed("10.0.0.1", ALLOW_LOOPBACK)
    assert not netguard.allowed("::1", ALLOW_LOOPBACK)


def test_bad_networks_are_named():
    with pytest.raises(ValueError, match="nonsense"):
        netguard.parse_networks("10.0.0.0/8, nonsense")
    assert netguard.parse_networks(" ") == ()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http:///nohost", "host"),
        ("https://user:pw@example.org/", "credentials"),
        ("http://example.org:99999/", "port"),
        ("http://example.org:0/", "port"),
        ("http://exa mple.org/", "host"),
        ("http://example.org/\r\nX: y", "host"),
        ("", "length"),
        ("https://example.org/" + "a" * 2100, "length"),
    ],
)
def test_urls_that_are_no_receivers(url, reason):
    with pytest.raises(netguard.Refused) as refused:
        netguard.parse_url(url)
    assert refused.value.reason == reason


def test_a_url_taken_apart():
    target = netguard.parse_url("HTTPS://Example.ORG./in?x=1")
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "example.org",
        443,
        "/in?x=1",
    )
    assert target.host_header == "example.org"
    assert netguard.parse_url("http://[::1]:8080").host_header == "[::1]:8080"


def fake_resolver(*addresses):
    def getaddrinfo(host, port, type=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return getaddrinfo


def test_every_address_a_name_resolves_to_must_pass():
    target = netguard.parse_url("https://hooks.example.org/")
    public = fake_resolver("93.184.216.34")
    assert netguard.resolve(target, (), public) == ["93.184.216.34"]
    mixed = fake_resolver("93.184.216.34", "10.0.0.1")
    with pytest.raises(netguard.Refused) as refused:
        netguard.resolve(target, (), mixed)
    assert refused.value.reason == "address" and refused.value.detail == "10.0.0.1"


def test_localhost_resolves_to_loopback_and_is_refused():
    with pytest.raises(netguard.Refused) as refused:
        netguard.resolve(netguard.parse_url("http://localhost:8080/"))
    assert refused.value.reason == "address"


def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(netguard.Refused) as refused:
        netguard.resolve(netguard.parse_url("http://no-such-host.invalid/"))
    assert refused.value.reason == "resolve"


def test_secrets_have_the_standard_shape():
    secret = webhooksign.new_secret()
    assert secret.startswith("whsec_")
    assert 24 <= len(base64.b64decode(secret[6:])) <= 32
    assert webhooksign.new_secret() != secret


def test_signatures_verify_with_the_standard_library():
    secret = webhooksign.new_secret()
    body = b'{"type":"ticket.created","data":{"reference":"KT-2026-000001"}}'
    msg_id, timestamp = webhooksign.new_webhook_id(), int(time.time())
    header = webhooksign.signature_header([secret], msg_id, timestamp, body)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": header,
    }
    assert Webhook(secret).verify(body, headers)["type"] == "ticket.created"
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooksign.new_secret()).verify(body, headers)


def test_two_secrets_both_verify():
    old, new = webhooksign.new_secret(), webhooksign.new_secret()
    body, msg_id, timestamp = b'{"a":1}', "msg_x", int(time.time())
    header = webhooksign.signature_header([new, old], msg_id, timestamp, body)
    assert header.count("v1,") == 2 and " " in header
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": header,
    }
    for secret in (old, new):
        assert Webhook(secret).verify(body, headers) == {"a": 1}


def test_backoff_grows_to_an_hour():
    waits = [webhooksign.backoff(n) for n in range(1, 12)]
    assert waits[:4] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert waits[-1] == timedelta(hours=1) and waits == sorted(waits)
    assert webhooksign.backoff(10_000) == timedelta(hours=1)
