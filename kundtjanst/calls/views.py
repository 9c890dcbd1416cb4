"""The caller log (/samtal), and what "Ny kontakt" asks while it is open: the agent's
call in progress (JSON) and its panel (an HTML fragment), for static/js/call-panel.js."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..audit import services as audit
from ..auth.models import User
from ..core import phone
from ..core.timeutil import utcnow
from ..extensions import db
from ..forms import MAX_ID, whole_number
from ..lazytext import lazy_gettext as _l
from ..permissions import can_view, frontline_required
from ..web import paginate
from . import queries
from .models import Call, CallState

bp = Blueprint("calls", __name__)

# Where the panel's confidential tickets are said to have been listed (the audit log).
PANEL_LISTING = "/ny-kontakt"

STATES = {
    CallState.RINGING: _l("Ringing"),
    CallState.ANSWERED: _l("In progress"),
    CallState.ENDED: _l("Ended"),
}


@bp.get("/samtal")
@login_required
def log():
    """The signed-in agent's calls, newest first. Managers and administrators may
    read any agent's log (``?agent=<id>``); each such look is in the audit log."""
    agent = current_user
    may_choose = current_user.is_manager
    chosen = whole_number(request.args.get("agent") or "", MAX_ID)
    if chosen is not None and chosen != current_user.id:
        if not may_choose:
            abort(403)
        agent = db.session.get(User, chosen) or abort(404)
        audit.record("calls.log_read", target=f"user:{agent.id}")
    page = paginate(queries.log(agent.id))
    agents = _agents() if may_choose else []
    return audit.committed(
        render_template(
            "calls/log.html",
            page=page,
            agent=agent,
            agents=agents,
            call_states=STATES,
            phone_display=phone.display,
            readable={
                c.ticket_id for c in page.items if c.ticket and can_view(current_user, c.ticket)
            },
        )
    )


def _agents() -> list[User]:
    """The users who have answered a call (for managers' choice of log)."""
    return list(
        db.session.scalars(
            select(User).where(User.id.in_(select(Call.agent_id).distinct())).order_by(User.name)
        )
    )


@bp.get("/samtal/pagaende")
@frontline_required
def in_progress():
    """The agent's call in progress, if any: what the page needs to decide whether to
    fetch the panel (its id and state), and the number to prefill."""
    call = queries.current(current_user, utcnow())
    if call is None:
        return jsonify(call=None)
    return jsonify(
        call={
            "id": call.id,
            "state": call.state.value,
            "logged": call.ticket_id is not None,
            "number": phone.display(call.number_e164),
            "withheld": not call.number_e164,
            "panel_url": url_for("calls.panel", call_id=call.id),
        }
    )


@bp.get("/samtal/<int:call_id>/panel")
@frontline_required
def panel(call_id: int):
    """The "Samtal pågår" panel of one of the agent's own calls, as an HTML fragment."""
    call = queries.own(current_user, call_id)
    if call is None:
        abort(404)
    shown = queries.panel(current_user, call)
    audit.confidential_listed(shown.tickets, PANEL_LISTING)
    return audit.committed(render_template("calls/_panel_fragment.html", shown=shown))
