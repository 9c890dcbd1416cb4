"""The pure reading of a mail (kundtjanst/core/mail*.py): quoted history, subject
prefixes and tags, HTML as text, the content hash, delivery reports, machines' mail."""

from __future__ import annotations

import random

import pytest

from kundtjanst.core import mailloop
from kundtjanst.core.mailparse import Unparseable, content_hash, message_id_of, parse
from kundtjanst.core.mailtext import (
    html_to_text,
    reference_in,
    same_subject_key,
    split_quoted,
    strip_prefixes,
)

from .mails import dsn, mail


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, 1 Dec 2026 at 09:00, En väg in <noreply@sjostad.se> wrote:\n> Svar",
        "Den 1 dec. 2026 kl. 09:00 skrev En väg in <noreply@sjostad.se>:\n> Svar",
        "> Svar\n> mer",
        "-----Original Message-----\nFrom: En väg in\nSent: 1 December\nSubject: Svar\n\nSvar",
        "-----Ursprungligt meddelande-----\nFrån: Kundtjänst\n\nSvar",
        "Från: Kundtjänst <kundtjanst@sjostad.se>\nSkickat: den 1 december 2026 09:00\n"
        "Till: Anna\nÄmne: Svar\n\nSvar",
        "________________________________\nFrån: Kundtjänst\nSkickat: igår\n\nSvar",
    ],
    ids=["on-wrote", "den-skrev", "gt", "original", "ursprungligt", "outlook-fran", "outlook-line"],
)
def test_the_quoted_history_is_split_from_the_reply(history):
    reply, quoted = split_quoted(f"Tack för svaret!\nAnna\n\n{history}")
    assert reply == "Tack för svaret!\nAnna"
    assert quoted == history


def test_a_from_line_in_the_text_itself_is_no_history():
    text = "Från: mitt hus till skolan är det 3 km.\nGår det buss?"
    assert split_quoted(text) == (text, "")


def test_a_text_that_is_all_quotation_is_shown_whole():
    assert split_quoted("> bara citat") == ("> bara citat", "")


def test_subject_prefixes_and_the_reference_tag():
    assert strip_prefixes("SV: VB: Re: Fwd: FW: AW: Re[2]: Soptunnan") == "Soptunnan"
    assert reference_in("SV: [KT-2026-000123] Soptunnan") == "KT-2026-000123"
    assert reference_in("[kt-2026-000123]") == "KT-2026-000123"
    assert reference_in("KT-2026-000123 utan klamrar") is None
    assert same_subject_key("SV: [KT-2026-000123]  soptunnan  ") == same_subject_key("Soptunnan")


def test_html_becomes_text_without_scripts_styles_or_markup():
    html = (
        "<style>x{}</style><p>Rad ett</p><div>Rad&nbsp;två<br>tre</div>"
        "<blockquote>gammalt</blockquote><script>alert(1)</script>"
    )
    assert html_to_text(html) == "Rad ett\n\nRad\xa0två\ntre\n\n> gammalt"
    assert html_to_text("<p>oavslutad <b>tagg") == "oavslutad tagg"


def test_the_content_hash_ignores_the_trace_headers_a_mailbox_adds():
    message = mail(message_id="<h@x.org>")
    traced = b"Received: from mx\r\nDelivered-To: a@b.se\r\nReturn-Path: <x@y>\r\n" + message
    assert content_hash(traced) == content_hash(message)
    assert content_hash(mail(body="annat", message_id="<h@x.org>")) != content_hash(message)
    assert message_id_of(traced) == "<h@x.org>"


def test_nul_bytes_and_invalid_utf8_never_break_the_reading():
    parsed = parse(
        b"From: a@b.se\r\nSubject: Noll\x00\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Text\x00med\xffnoll\r\n"
    )
    assert parsed.subject == "Noll"
    assert parsed.text == "Text" + "med\ufffdnoll"


def test_something_without_a_mail_header_is_unparseable():
    with pytest.raises(Unparseable):
        parse(b"\x00\x01 just bytes")


def test_a_delivery_report_names_the_returned_message():
    returned = b"From: noreply@sjostad.se\r\nMessage-ID: <ours@sjostad.se>\r\n\r\nSvar\r\n"
    report = parse(dsn(returned)).report
    assert report.original_ids == ("<ours@sjostad.se>",) and report.failed
    assert "5.1.1" in report.reason
    headers_only = dsn(returned).replace(b"message/rfc822", b"text/rfc822-headers")
    assert parse(headers_only).report.original_ids == ("<ours@sjostad.se>",)
    assert not parse(dsn(returned, action="delayed")).report.failed


@pytest.mark.parametrize(
    "headers, why",
    [
        ({}, None),
        ({"Auto-Submitted": "no"}, None),
        ({"Auto-Submitted": "auto-replied"}, mailloop.AUTO_SUBMITTED),
        ({"Precedence": "bulk"}, mailloop.PRECEDENCE),
        ({"List-Id": "<l.example.org>"}, mailloop.LIST),
        ({"X-Loop": "noreply@sjostad.se"}, mailloop.OUR_LOOP),
        ({"Return-Path": "<>"}, mailloop.NO_SENDER),
    ],
)
def test_what_makes_a_mail_a_machines(headers, why):
    assert mailloop.automatic(parse(mail(headers=headers)), {"noreply@sjostad.se"}) == why


def test_our_own_sender_and_no_sender_are_machines():
    ours = parse(mail(sender="noreply@sjostad.se"))
    assert mailloop.automatic(ours, {"noreply@sjostad.se"}) == mailloop.OUR_LOOP
    nobody = parse(b"Subject: x\r\n\r\ntext")
    assert mailloop.automatic(nobody, {"noreply@sjostad.se"}) == mailloop.NO_SENDER


def test_mangled_mail_never_makes_the_reading_raise():
    """2,000 mails with random bytes changed, inserted and cut (CRLFs, encoded-word and
    address syntax, NULs, boundaries): the reading gives a result or `Unparseable`."""
    rnd = random.Random(20261204)
    seeds = [
        mail(),
        mail(html="<p>x</p>"),
        mail(html_only=True, html="<b>x</b>"),
        mail(attachments=[("a.pdf", "application/pdf", b"x" * 100)]),
        dsn(mail()),
    ]
    pieces = [b"\r\n", b":", b"=?", b"?=", b"<", b">", b"\x00", b"--", b'"', b";", b"=?utf-8?b?"]
    for _ in range(2000):
        data = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 20)):
            at = rnd.randrange(len(data))
            roll = rnd.random()
            if roll < 0.4:
                data[at] = rnd.randrange(256)
            elif roll < 0.7:
                data[at:at] = rnd.choice(pieces)
            else:
                del data[at : at + rnd.randint(1, 30)]
        try:
            parsed = parse(bytes(data))
        except Unparseable:
            continue
        mailloop.automatic(parsed, {"noreply@sjostad.se"})
        split_quoted(parsed.text)
        assert "\x00" not in parsed.text + parsed.subject
