"""After the soak, the tickets: every question answered with a reference exists
exactly once, no ticket exists that nobody asked for, every timeline replays to its
ticket's row, and every claim race had one winner. Each check returns what it found
wrong (``problems``) and what it counted (``facts``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg

from .people import Asked
from .replay import Entry, replay
from .staff import LOST, NO_ANSWER, WON, Race

TAG = re.compile(r"\[(soak-[wa]-[0-9a-f]{12})\]")
SHOWN = 5  # examples of a problem shown; the rest are counted


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, other: Findings) -> None:
        self.problems += other.problems
        self.facts.update(other.facts)

    def problem(self, what: str, examples: list) -> None:
        if examples:
            shown = "; ".join(str(e) for e in examples[:SHOWN])
            more = f" (+{len(examples) - SHOWN} more)" if len(examples) > SHOWN else ""
            self.problems.append(f"{what}: {len(examples)}: {shown}{more}")


def check_questions(conn: psycopg.Connection, asked: list[Asked], seeded: int) -> Findings:
    """Each question: one ticket, the one its answers named; nothing else was made."""
    found = Findings()
    rows = conn.execute(
        "SELECT id, reference, subject FROM tickets WHERE id > %s ORDER BY id", (seeded,)
    ).fetchall()
    by_tag: dict[str, list[str]] = defaultdict(list)
    untagged = []
    for _id, reference, subject in rows:
        match = TAG.search(subject or "")
        if match:
            by_tag[match.group(1)].append(reference)
        else:
            untagged.append(reference)
    tags = {a.tag: a for a in asked}
    found.problem("tickets nobody asked for", untagged)
    found.problem("tickets with a tag no client sent", [t for t in by_tag if t not in tags])

    duplicated, lost, wrong, told_two, made_unanswered = [], [], [], [], []
    for a in asked:
        made = by_tag.get(a.tag, [])
        told = set(a.references)
        if len(made) > 1:
            duplicated.append(f"{a.kind} {a.tag}: {made}")
        if len(told) > 1:
            told_two.append(f"{a.kind} {a.tag}: {sorted(told)}")
        if told and not made:
            lost.append(f"{a.kind} {a.tag} told {sorted(told)}")
        elif told and set(made) != told:
            wrong.append(f"{a.kind} {a.tag}: told {sorted(told)}, made {made}")
        if not told and made:
            made_unanswered.append(a.tag)
    found.problem("questions with more than one ticket (duplicates)", duplicated)
    found.problem("questions answered with a reference whose ticket is missing (lost)", lost)
    found.problem("questions whose ticket is not the one they were told", wrong)
    found.problem("questions told two different references", told_two)

    receipts = dict(conn.execute("SELECT submission, reference FROM receipts").fetchall())
    keys = dict(
        conn.execute("SELECT key, response ->> 'reference' FROM api_idempotency").fetchall()
    )
    disagree = [
        a.tag
        for a in asked
        if a.answered
        and (receipts if a.kind == "web" else keys).get(a.key) not in (None, a.references[0])
    ]
    found.problem("receipts or idempotency keys naming another ticket", disagree)

    answered = [a for a in asked if a.answered]
    if not answered:
        found.problems.append("no question was answered with a reference")
    kinds = Counter(a.kind for a in asked)
    found.facts.update(
        {
            "questions asked (form, API)": f"{kinds['web']}, {kinds['api']}",
            "tickets made by the soak": len(rows),
            "questions answered with a reference": len(answered),
            "questions sent more than once (retries, repeats)": sum(a.tries > 1 for a in asked),
            "tries without an answer": sum(a.unanswered for a in asked),
            "answer lost for good, ticket made anyway": len(made_unanswered),
            "answer lost for good, no ticket made": sum(
                1 for a in asked if not a.answered and not by_tag.get(a.tag)
            ),
        }
    )
    return found


def check_timelines(conn: psycopg.Connection, seeded: int) -> Findings:
    """Every soak ticket's timeline, replayed, gives its row's status, group and
    claimant; no entry names a version the row never reached; no timeline breaks the
    rules."""
    found = Findings()
    members = set(conn.execute("SELECT user_id, group_id FROM memberships").fetchall())
    tickets = conn.execute(
        "SELECT id, reference, status, group_id, claimed_by_id, version, resolved_at"
        " FROM tickets WHERE id > %s ORDER BY id",
        (seeded,),
    ).fetchall()
    entries: dict[int, list[Entry]] = defaultdict(list)
    for ticket_id, kind, actor, group, data in conn.execute(
        "SELECT ticket_id, kind, actor_id, group_id, data FROM events"
        " WHERE ticket_id > %s ORDER BY ticket_id, id",
        (seeded,),
    ):
        entries[ticket_id].append(Entry(kind, actor, group, data or {}))

    differ, broken, versions, resolved_at = [], [], [], []
    above = 0
    statuses: Counter[str] = Counter()
    for ticket_id, reference, status, group, claimant, version, resolved in tickets:
        state = replay(entries[ticket_id], lambda user, grp: (user, grp) in members)
        statuses[status] += 1
        row = (status, group, claimant)
        replayed = (state.status, state.group_id, state.claimant)
        if row != replayed:
            differ.append(f"{reference} row {row} but timeline {replayed}")
        if state.anomalies:
            broken.append(f"{reference}: {', '.join(state.anomalies)}")
        if state.version > version:
            versions.append(f"{reference} row version {version}, timeline {state.version}")
        above += version > state.version
        if (status == "resolved") != (resolved is not None):
            resolved_at.append(f"{reference} {status} with resolved_at {resolved}")
    found.problem("tickets whose row disagrees with their timeline", differ)
    found.problem("timelines breaking the rules", broken)
    found.problem("timeline entries naming a version their ticket never reached", versions)
    found.problem("tickets whose resolved time disagrees with their status", resolved_at)
    found.facts.update(
        {
            "timelines replayed": len(tickets),
            "timeline entries": sum(len(e) for e in entries.values()),
            "tickets by status": ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
            # A change that flushes twice is raised again by the ORM: allowed, and seen.
            "tickets whose row version is above their last entry's": above,
        }
    )
    return found


def check_races(conn: psycopg.Connection, races: list[Race]) -> Findings:
    """Of the members claiming one ticket at once, one was told it won, and the ticket's
    timeline names that member as a claimant; the others were told someone was first."""
    found = Findings()
    users = dict(conn.execute("SELECT email, id FROM users").fetchall())
    claimants: dict[str, set[int]] = defaultdict(set)
    for reference, actor in conn.execute(
        "SELECT t.reference, e.actor_id FROM events e JOIN tickets t ON t.id = e.ticket_id"
        " WHERE e.kind = 'claimed'"
    ):
        claimants[reference].add(actor)
    two, unrecorded, odd, nobody = [], [], [], []
    said: Counter[str] = Counter()
    for race in races:
        said.update(race.claims.values())
        if not race.winners and NO_ANSWER not in race.claims.values():
            nobody.append(f"{race.reference}: {race.claims}")
        if len(race.winners) > 1:
            two.append(f"{race.reference}: {race.winners}")
        for winner in race.winners:
            if users.get(winner) not in claimants[race.reference]:
                unrecorded.append(f"{race.reference}: {winner}")
        if set(race.claims.values()) - {WON, LOST, NO_ANSWER}:
            odd.append(f"{race.reference}: {race.claims}")
    found.problem("claim races with more than one winner", two)
    found.problem("claim winners the timeline does not name", unrecorded)
    found.problem("claims answered neither won nor lost", odd)
    # Only the racers claim, one race at a time, on a ticket the queue showed unclaimed.
    found.problem("claim races nobody won (and every claim was answered)", nobody)
    with_winner = sum(len(r.winners) == 1 for r in races)
    found.facts.update(
        {
            "claim races (members each)": f"{len(races)} ({len(races[0].claims) if races else 0})",
            "races with exactly one winner": with_winner,
            "claims told won, lost, no answer": f"{said[WON]}, {said[LOST]}, {said[NO_ANSWER]}",
        }
    )
    if races and not with_winner:
        found.problems.append("no claim race had a winner")
    return found
