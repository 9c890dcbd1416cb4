"""A ticket's timeline replayed to the state it must have led to.

The rules are the services' (kundtjanst/tickets/services.py, citizen.py and
core/lifecycle.py), written again from the entries' side: what each kind of entry
does to the status, the group holding the ticket and its claimant. The checker
compares the result with the ticket's row; a difference means a change was saved
without its entry, or an entry without its change. Replaying also notes what the
rules never allow: a claim of a ticket that is already claimed, or not open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

OPEN, CLAIMED, WAITING, RESOLVED = "open", "claimed", "waiting", "resolved"
# Entries that move a ticket to a group, unclaimed and open.
MOVES = {"routed", "escalated", "transferred"}


@dataclass(frozen=True)
class Entry:
    kind: str
    actor_id: int | None
    group_id: int | None
    data: dict[str, Any]


@dataclass
class State:
    status: str | None = None
    group_id: int | None = None
    claimant: int | None = None
    version: int = 1  # the highest version an entry says it made
    claims: int = 0
    anomalies: list[str] = field(default_factory=list)


def replay(entries: Iterable[Entry], is_member: Callable[[int, int], bool]) -> State:
    """The state ``entries`` (oldest first) lead to. ``is_member(user, group)``: whether
    a claimant may keep the ticket when it comes back into play (no one is deactivated
    or leaves a group during a soak, so today's memberships answer it)."""
    state = State()
    for n, entry in enumerate(entries):
        version = entry.data.get("version")
        if isinstance(version, int):
            state.version = max(state.version, version)
        _apply(state, entry, n, is_member)
    return state


def _back_in_play(state: State, is_member: Callable[[int, int], bool]) -> None:
    kept = state.claimant is not None and is_member(state.claimant, state.group_id)
    if not kept:
        state.claimant = None
    state.status = CLAIMED if kept else OPEN


def _apply(state: State, entry: Entry, n: int, is_member: Callable[[int, int], bool]) -> None:
    kind = entry.kind
    if kind == "created":
        state.status, state.group_id, state.claimant = OPEN, entry.group_id, None
    elif state.status is None:
        state.anomalies.append(f"entry {n} ({kind}) before the ticket was created")
    elif kind in MOVES:
        state.status, state.group_id, state.claimant = OPEN, entry.group_id, None
    elif kind == "claimed":
        state.claims += 1
        if state.claimant is not None:
            state.anomalies.append(
                f"entry {n}: claimed by {entry.actor_id} while claimed by {state.claimant}"
            )
        elif state.status != OPEN:
            state.anomalies.append(f"entry {n}: claimed while {state.status}")
        state.claimant, state.status = entry.actor_id, CLAIMED
    elif kind == "released":
        state.claimant, state.status = None, OPEN
    elif kind == "reply":
        state.status = WAITING
    elif kind == "resolved":
        if state.status == RESOLVED:
            state.anomalies.append(f"entry {n}: resolved while already resolved")
        state.status = RESOLVED
    elif kind == "reopened":
        state.group_id = entry.group_id
        _back_in_play(state, is_member)
    elif kind == "citizen_message" and state.status == WAITING:
        _back_in_play(state, is_member)
    # A citizen's message on a closed ticket is followed by its "reopened" entry; notes,
    # SLA and bookkeeping entries change none of the three.
