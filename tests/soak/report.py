"""What the clients saw: every request that got no answer or an unexpected one,
attributed to a fault where it can be, and throughput and p95 per action before,
during and after the faults."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from .checks import Findings
from .client import CUT, REFUSED, Attempt

# A request cut by a kill ends within this long after it (the reset is immediate; a
# slow machine is given some room), and a refused one starts while the server is down.
AFTER_KILL = 2.0


@dataclass
class Fault:
    what: str  # worker, server or scheduler
    server: int | None  # the server's index (worker, server)
    at: float  # seconds since the start
    wall: datetime  # when, UTC
    detail: str
    recovered: float | None = None  # back: workers again, server answering, lease taken

    def explains(self, attempt: Attempt) -> bool:
        """Whether this fault can have cost ``attempt`` its answer."""
        if self.server is None or attempt.server != self.server:
            return False
        end = attempt.started + attempt.seconds
        until = (self.recovered if self.recovered is not None else self.at) + AFTER_KILL
        return end >= self.at - 0.5 and attempt.started <= until


def check_answers(attempts: list[Attempt], faults: list[Fault]) -> Findings:
    """No 500 anywhere, no answer the action does not expect, and every request without
    an answer (or a 503) explained by a fault."""
    found = Findings()
    server_errors = Counter(
        (a.action, a.status) for a in attempts if a.status is not None and a.status >= 500
    )
    attributed_503 = 0
    unexplained = []
    for (action, status), n in sorted(server_errors.items()):
        if status == 503:
            explained = [
                a
                for a in attempts
                if a.action == action and a.status == 503 and any(f.explains(a) for f in faults)
            ]
            attributed_503 += len(explained)
            if len(explained) == n:
                continue
        unexplained.append(f"{action} HTTP {status} ×{n}")
    found.problem("server errors", unexplained)
    unexpected = Counter(
        (a.action, a.status)
        for a in attempts
        if a.status is not None and a.status < 500 and not a.expected
    )
    found.problem(
        "answers the action does not expect",
        [f"{action} HTTP {status} ×{n}" for (action, status), n in sorted(unexpected.items())],
    )
    lost = [a for a in attempts if a.status is None]
    orphans = [a for a in lost if not any(f.explains(a) for f in faults)]
    found.problem(
        "requests without an answer that no kill explains",
        [f"{a.action} on server {a.server} at {a.started:.1f} s ({a.failure})" for a in orphans],
    )
    kinds = Counter(a.failure for a in lost)
    found.facts.update(
        {
            "requests": len(attempts),
            "no answer: cut, refused, timeout": (
                f"{kinds[CUT]}, {kinds[REFUSED]}, {kinds['timeout']}"
            ),
            "conflicts (409: changed since the page was read)": sum(
                a.status == 409 for a in attempts
            ),
            "HTTP 5xx": sum(server_errors.values()),
            "HTTP 503 during a fault": attributed_503,
        }
    )
    return found


def phases(faults: list[Fault], end: float) -> list[tuple[str, float, float]]:
    """before the first kill, during the faults (until the last recovery), after."""
    if not faults:
        return [("all", 0.0, end)]
    first = min(f.at for f in faults)
    last = max(f.recovered if f.recovered is not None else f.at for f in faults)
    last = min(max(last, first), end)
    return [("before", 0.0, first), ("during", first, last), ("after", last, end)]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def table(attempts: list[Attempt], faults: list[Fault], end: float) -> str:
    """One row per action: per phase the requests answered per second and their p95
    (ms), and the requests without an answer."""
    spans = phases(faults, end)

    def phase(a: Attempt) -> str:
        return next((n for n, _start, stop in spans if a.started < stop), spans[-1][0])

    grouped: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for a in attempts:
        name = phase(a)
        grouped[(a.action, name)].append(a)
        grouped[("all", name)].append(a)
    header = ["action"] + [f"{n} {start:.0f}–{stop:.0f} s" for n, start, stop in spans]
    actions = [*sorted({a.action for a in attempts}), "all"]
    rows = [header] + [
        [action] + [_cell(grouped[(action, n)], stop - start) for n, start, stop in spans]
        for action in actions
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells))
        if n in (0, len(rows) - 2):
            lines.append("  ".join("-" * w for w in widths))
    legend = "each cell: answered per second, p95 ms of the answered, [requests without an answer]"
    return "\n".join([legend, *lines])


def _cell(group: list[Attempt], seconds: float) -> str:
    answered = [a.seconds * 1000 for a in group if a.status is not None]
    lost = len(group) - len(answered)
    if not group:
        return "–"
    rate = len(answered) / seconds if seconds > 0 else 0.0
    p95 = f"{percentile(answered, 0.95):.0f}" if answered else "–"
    return f"{rate:.1f}/s {p95} ms" + (f" [{lost}]" if lost else "")
