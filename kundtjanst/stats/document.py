"""The figures as one JSON document: /statistik.json and the API's /statistics give
the same figures under the same names, from here."""

from __future__ import annotations

from typing import Any

from ..core.statistics import first_contact_share
from ..settings import services as settings
from . import queries
from .figures import backlog, figures
from .scope import Selection


def target_share() -> float:
    return settings.get("first_contact_target") / 100


def document(selection: Selection) -> dict[str, Any]:
    result = figures(selection.period, selection.filters)
    total = result.total
    body = {
        "from": selection.period.first.isoformat(),
        "to": selection.period.last.isoformat(),
        "filters": {
            "channel": selection.filters.channel,
            "category": selection.filters.category_id,
            "groups": list(selection.filters.group_ids)
            if selection.filters.group_ids is not None
            else None,
            "language": selection.filters.language,
        },
        "target": target_share(),
        "received": total.received,
        "resolved": total.resolved,
        "withdrawn": total.withdrawn,
        "answered": total.answered,
        "sla_breached": total.sla_breached,
        "reopened": total.reopened,
        "median_answer_working_minutes": result.median_minutes,
        "p90_answer_working_minutes": result.p90_minutes,
    }
    body.update({name: share.as_dict() for name, share in result.shares.items()})
    body["weekly_first_contact"] = [
        {"week": week, **first_contact_share(c).as_dict()} for week, c in result.weekly
    ]
    self_served = queries.self_service(selection.period, selection.filters)
    body["self_service"] = {
        "total": sum(self_served.values()),
        "by_category": {str(key): count for key, count in self_served.items()},
    }
    queue = backlog(selection.filters)
    body["backlog"] = {
        "total": queue.total,
        "overdue": sum(queue.overdue.values()),
        "by_group": {str(g): buckets for g, buckets in queue.by_group.items()},
    }
    return body
