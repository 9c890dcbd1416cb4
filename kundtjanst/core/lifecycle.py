"""A ticket's life as rules over plain values: who may do what, and what each step
does to the status.

The ticket services (on the stored ticket), the permissions (for the pages) and the
demo's simulation (on plain values, thousands of tickets a second) all follow these
functions, so there is one place that says who may claim, who works a ticket, and
what a reply, a citizen's message or a reopening does.
"""

from __future__ import annotations

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
