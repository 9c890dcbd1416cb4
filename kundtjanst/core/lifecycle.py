"""A ticket's life as rules over plain values: who may do what, and what each step
does to the status.

The ticket services (on the stored ticket), the permissions (for the pages) and the
demo's simulation (on plain values, thousands of tickets a second) all follow these
functions, so there is one place that says who may claim, who works a ticket, and
what a reply, a citizen's message or a reopening does, and what makes a ticket
confidential.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import Channel, GroupKind, Outcome, Status


def may_claim(*, member: bool, kind: GroupKind) -> bool:
    """Who claims: the members of the svarsgrupp holding the ticket. Kundtjänst does
    not claim: every agent works its inbox."""
    return member and kind == GroupKind.ANSWER


def claimable(*, status: Status, claimed: bool) -> bool:
    """When: an open ticket nobody has claimed (the claim's one conditional UPDATE
    checks the same, so of simultaneous claims one wins)."""
    return status == Status.OPEN and not claimed


def may_work(
    *, member: bool, kind: GroupKind, status: Status, claimant: int | None, user: int
) -> bool:
    """Reply, resolve, escalate or transfer: any kundtjänst member on kundtjänst's
    tickets; in a svarsgrupp, the member who claimed it."""
    if status == Status.RESOLVED or not member:
        return False
    return kind == GroupKind.FRONTLINE or claimant == user


def may_release(*, member: bool, status: Status, claimant: int | None, user: int) -> bool:
    """The claimant puts a ticket back in the queue."""
    return member and status != Status.RESOLVED and claimant == user


def may_reopen(*, member: bool, status: Status) -> bool:
    """A member of the group that closed it opens a closed ticket again."""
    return member and status == Status.RESOLVED


def keeps_claim(*, claimed: bool, claimant_active: bool, claimant_member: bool) -> bool:
    """Back in play (reopened, or the citizen wrote): whoever claimed the ticket keeps
    it if they still can work it, active and still a member of its group; otherwise it
    goes back to the group's queue, where someone can claim it."""
    return claimed and claimant_active and claimant_member


def status_back_in_play(claim_kept: bool) -> Status:
    return Status.CLAIMED if claim_kept else Status.OPEN


def answered_during_contact(channel: Channel, said_so: bool) -> bool:
    """Only a call, a chat or a visit can be answered during the contact."""
    return bool(said_so and channel.synchronous)


def outcome_details(
    outcome: Outcome, diarienummer: str | None, referred_to: str | None
) -> tuple[str | None, str | None]:
    """Each detail belongs to its outcome: a diarienummer to a forwarded ticket, a
    referral to a referred one. Left over in a form from another choice, it is dropped."""
    return (
        (diarienummer or None) if outcome == Outcome.FORWARDED else None,
        (referred_to or None) if outcome == Outcome.REFERRED else None,
    )


def learning_kept(answered_by: GroupKind, could_have_answered: bool) -> bool:
    """Only a svarsgrupp can say kundtjänst could have answered (the learning loop)."""
    return answered_by == GroupKind.ANSWER and could_have_answered


# --- secrecy (OSL): it belongs to what was written, not to where the ticket sits ---------


@dataclass(frozen=True)
class Secrecy:
    """Whether a ticket is confidential, and the confidential group its secret belongs
    to: the first confidential group it entered, or a confidential subject area's usual
    group when that group is confidential; None when there is no such group."""

    confidential: bool = False
    group: int | None = None


def secrecy_entering(secrecy: Secrecy, *, group: int, group_confidential: bool) -> Secrecy:
    """A ticket enters a group (arrival, routing, escalation, transfer, reopening): a
    confidential group makes it confidential, and the first one keeps the secret. Nothing
    here makes a ticket less secret: it stays confidential when it moves on."""
    if not group_confidential:
        return secrecy
    return Secrecy(True, secrecy.group if secrecy.group is not None else group)


def secrecy_filed(
    secrecy: Secrecy,
    *,
    category_confidential: bool,
    default_group: int | None,
    default_group_confidential: bool,
) -> Secrecy:
    """A ticket filed under a subject area: a confidential one makes it confidential,
    whoever answers it; the secret belongs to the area's usual group if that is a
    confidential group (unless the ticket already entered one)."""
    if not category_confidential:
        return secrecy
    if secrecy.group is not None:
        return Secrecy(True, secrecy.group)
    return Secrecy(True, default_group if default_group_confidential else None)


def may_read_secret(
    *, member_of_secrecy_group: bool, member_of_group: bool, is_open: bool, handled: bool
) -> bool:
    """Who reads a confidential ticket: the members of its secrecy group; the members of
    the group holding it while it is open (they work it); and the staff who handled it
    (created, claimed or closed it). Nobody else, whatever their role."""
    return member_of_secrecy_group or (member_of_group and is_open) or handled


def may_lift_secrecy(*, confidential: bool, member_of_owner: bool) -> bool:
    """Lifting secrecy is a decision for the members of the group the secret belongs to
    (the secrecy group, or when there is none the group holding the ticket)."""
    return confidential and member_of_owner
