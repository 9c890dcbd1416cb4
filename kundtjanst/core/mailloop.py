"""Mail a machine wrote, which no automatic mail of ours may ever answer (RFC 3834 and
the headers mailing lists and autoresponders use), and our own mail coming back.
Pure."""

from __future__ import annotations

from .mailparse import ParsedMail

# Why a mail gets no automatic answer; the values are stored with the mail.
AUTO_SUBMITTED = "auto-submitted"
PRECEDENCE = "precedence"
LIST = "list"
OUR_LOOP = "loop"  # X-Loop names our address, or the sender is our own
NO_SENDER = "no-sender"
REPORT = "delivery-report"
AUTOREPLY_HEADER = "autoreply-header"


def _values(mail: ParsedMail, name: str) -> list[str]:
    return [v.strip().lower() for v in mail.signals.get(name, [])]


def automatic(mail: ParsedMail, our_addresses: set[str]) -> str | None:
    """Why ``mail`` must get no automatic answer, or None for a person's mail."""
    ours = {a.lower() for a in our_addresses if a}
    if mail.from_address and mail.from_address in ours:
        return OUR_LOOP
    if any(address in value for value in _values(mail, "x-loop") for address in ours):
        return OUR_LOOP
    if mail.report is not None:
        return REPORT
    if not mail.from_address or any(v in ("<>", "") for v in _values(mail, "return-path")):
        return NO_SENDER
    if any(v.split(";")[0].strip() not in ("", "no") for v in _values(mail, "auto-submitted")):
        return AUTO_SUBMITTED
    if any(v in ("bulk", "junk", "list", "auto_reply") for v in _values(mail, "precedence")):
        return PRECEDENCE
    if "list-id" in mail.signals:
        return LIST
    if any(v not in ("", "no") for n in ("x-autoreply", "x-autorespond") for v in _values(mail, n)):
        return AUTOREPLY_HEADER
    return None
