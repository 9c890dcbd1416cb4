"""After the soak, the scheduler's work: each job trigger ran once and the jobs went on
after the lease holder was killed; each e-mail and each webhook delivery arrived once;
the exports were written.

What the design promises (kundtjanst/mail/services.py, webhooks/sending.py): a row is
claimed, sent, and marked at once, so a message arrives once — except when its sender
dies between the server taking it and the row being marked. Such a row stays
"sending" until `STUCK` (10 minutes) has passed and is then sent again with the same
Message-ID or webhook-id: at least once, with the id to deduplicate by. A soak is
shorter than that, so here every row marked sent must have arrived exactly once; rows
a killed sender left "sending" (and later rows of the same ticket, which wait for
them) are counted and reported, not sent again."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import psycopg

from kundtjanst.jobs.runner import ABANDONED

from .checks import Findings

HEARTBEAT = "scheduler.heartbeat"
BLOCKED_MAIL = (
    "EXISTS (SELECT 1 FROM outbox s WHERE s.status = 'sending'"
    " AND s.ticket_id = o.ticket_id AND s.id < o.id)"
)
BLOCKED_HOOK = (
    "EXISTS (SELECT 1 FROM webhook_deliveries s WHERE s.status = 'sending'"
    " AND s.subscription_id = o.subscription_id AND s.ticket_id = o.ticket_id AND s.id < o.id)"
)


def backlog(conn: psycopg.Connection, killed_at: datetime | None) -> int:
    """Mail, webhook deliveries and exports still to be done — pending, or being sent
    by a live scheduler (claimed after ``killed_at``) — leaving out rows a killed sender
    left and rows waiting behind them: the soak waits for none before it checks."""
    since = killed_at or datetime(1970, 1, 1, tzinfo=UTC)
    return sum(
        conn.execute(sql, {"since": since} if "%(since)s" in sql else None).fetchone()[0]
        for sql in (
            "SELECT count(*) FROM outbox o WHERE (status = 'pending' AND NOT "
            f"{BLOCKED_MAIL}) OR (status = 'sending' AND claimed_at > %(since)s)",
            "SELECT count(*) FROM webhook_deliveries o WHERE (status = 'pending' AND NOT "
            f"{BLOCKED_HOOK}) OR (status = 'sending' AND claimed_at > %(since)s)",
            "SELECT count(*) FROM exports WHERE status = 'pending'",
        )
    )


def check_jobs(
    conn: psycopg.Connection, killed: list[tuple[str, datetime]], interval: int
) -> Findings:
    """``killed``: (holder, when) of each scheduler killed while holding the lease."""
    found = Findings()
    twice = conn.execute(
        "SELECT job, trigger_time, count(*) FROM job_runs GROUP BY job, trigger_time"
        " HAVING count(*) > 1"
    ).fetchall()
    found.problem("job triggers run more than once", twice)
    beats = conn.execute(
        "SELECT trigger_time, holder, started_at FROM job_runs WHERE job = %s"
        " ORDER BY trigger_time",
        (HEARTBEAT,),
    ).fetchall()
    step = timedelta(seconds=interval)
    gaps = [f"{a:%H:%M:%S}–{b:%H:%M:%S}" for (a, *_), (b, *_) in pairwise(beats) if b - a != step]
    found.problem(f"heartbeat triggers missed (every {interval} s from the first)", gaps)
    if len(beats) < 3:
        found.problems.append(f"only {len(beats)} heartbeat runs: the schedulers ran no jobs")

    takeovers = []
    for holder, at in killed:
        after = [(started, h) for _t, h, started in beats if started > at]
        if any(h == holder for _, h in after):
            found.problems.append(f"the killed holder {holder} ran triggers after its death")
        others = [started for started, h in after if h != holder]
        if not others:
            found.problems.append(f"no heartbeat ran after the lease holder {holder} was killed")
            continue
        takeovers.append(f"{(min(others) - at).total_seconds():.1f} s")

    errors = conn.execute(
        "SELECT job, holder, error FROM job_runs WHERE outcome = 'error'"
    ).fetchall()
    dead = {holder for holder, _ in killed}
    abandoned = [r for r in errors if r[2] == ABANDONED and r[1] in dead]
    found.problem(
        "job runs that failed",
        [f"{job} ({(error or '').strip().splitlines()[-1:]})" for job, h, error in errors
         if (job, h, error) not in abandoned],
    )  # fmt: skip
    left = conn.execute(
        "SELECT job, holder FROM job_runs WHERE outcome = 'running' AND holder = ANY(%s)",
        (list(dead),),
    ).fetchall()
    found.problem("runs of a killed scheduler left running", left)
    runs = dict(conn.execute("SELECT job, count(*) FROM job_runs GROUP BY job").fetchall())
    holders = {h for _, h, _ in beats}
    found.facts.update(
        {
            "job runs kept (idle runs are forgotten)": ", ".join(
                f"{job} {n}" for job, n in sorted(runs.items())
            ),
            "heartbeat triggers, holders": f"{len(beats)}, {len(holders)}",
            "first job run by another scheduler, after the kill": ", ".join(takeovers) or "–",
            "runs marked abandoned by the new holder": len(abandoned),
        }
    )
    return found


def _check_sent(
    found: Findings,
    what: str,
    rows: list[tuple[str, str, bool]],
    received: Counter[str],
) -> None:
    """rows: (id, status, blocked behind a row left "sending")."""
    statuses = Counter(status for _, status, _ in rows)
    done = "sent" if what == "mail" else "delivered"
    ids = {i for i, _, _ in rows}
    found.problem(
        f"{what} marked {done} but never received",
        [i for i, s, _ in rows if s == done and received[i] == 0],
    )
    found.problem(
        f"{what} received more than once",
        [f"{i} ×{received[i]} ({s})" for i, s, _ in rows if received[i] > 1],
    )
    found.problem(f"{what} received that no row sent", [i for i in received if i not in ids])
    found.problem(
        f"{what} not delivered after the drain",
        [f"{i} ({s})" for i, s, blocked in rows if s not in (done, "sending") and not blocked],
    )
    stuck = [i for i, s, _ in rows if s == "sending"]
    found.facts.update(
        {
            f"{what}: rows by status": ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
            f"{what}: received (distinct ids)": f"{sum(received.values())} ({len(received)})",
            f"{what}: left 'sending' by a killed sender (of them received)": (
                f"{len(stuck)} ({sum(1 for i in stuck if received[i])})"
            ),
            f"{what}: waiting behind those": sum(1 for _, s, b in rows if b and s != done),
        }
    )


def check_mail(conn: psycopg.Connection, received: Counter[str], without_id: int) -> Findings:
    found = Findings()
    rows = conn.execute(
        f"SELECT message_id, status, {BLOCKED_MAIL} FROM outbox o ORDER BY id"
    ).fetchall()
    _check_sent(found, "mail", rows, received)
    if without_id:
        found.problems.append(f"{without_id} messages without a Message-ID")
    if not rows:
        found.problems.append("no mail was queued: the outbox was not exercised")
    return found


def check_webhooks(conn: psycopg.Connection, received: Counter[str]) -> Findings:
    found = Findings()
    rows = conn.execute(
        f"SELECT webhook_id, status, {BLOCKED_HOOK} FROM webhook_deliveries o ORDER BY id"
    ).fetchall()
    _check_sent(found, "webhooks", rows, received)
    if not rows:
        found.problems.append("no webhook delivery was written")
    return found


def check_exports(conn: psycopg.Connection, asked: int) -> Findings:
    found = Findings()
    statuses = Counter(dict(conn.execute("SELECT status, count(*) FROM exports GROUP BY status")))
    found.problem(
        "exports that failed",
        [f"{f}" for (f,) in conn.execute("SELECT failure FROM exports WHERE status = 'failed'")],
    )
    found.facts["exports asked for, by status"] = f"{asked}: " + (
        ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) or "none"
    )
    return found
