"""/api/v1/calls: the phone system's call events (ringing, answered, ended)."""

from __future__ import annotations

from flask.views import MethodView

from ...calls import services
from ...calls.errors import CallError
from ...extensions import db
from .. import present
from ..auth import require
from ..blueprints import blueprint
from ..problems import invalid
from ..schemas.calls import CallEventSchema, CallSchema

bp = blueprint("api-calls", "Call events from the phone system.")
_FIELDS = {"kind": "event", "source": "json"}  # the service's names for the API's


@bp.route("/calls")
class Calls(MethodView):
    @bp.arguments(CallEventSchema)
    @bp.response(200, CallSchema)
    @bp.doc(
        description="Scope calls:write. One event of a call: ringing, answered (with the "
        "agent's e-mail: their Ny kontakt shows the caller and the caller's tickets at "
        "once), ended. The same event twice changes nothing; events may come out of order. "
        "Numbers are compared as E.164 (region SE); a withheld number matches nobody. "
        "Call ids are kept apart per token.",
    )
    def post(self, data):
        token = require("calls:write")
        try:
            call = services.receive(
                data["event"],
                call_id=data["call_id"],
                number=data.get("number"),
                agent_email=data.get("agent_email"),
                at=data.get("at"),
                source=f"api-{token.id}",
            )
        except CallError as error:
            db.session.rollback()
            invalid((_FIELDS.get(error.field or "", error.field or "json"), error.message))
        body = {
            "call_id": call.call_id,
            "state": call.state.value,
            "number": call.number_e164,
            "agent": call.agent.email if call.agent else None,
            "ringing_at": present.when(call.ringing_at),
            "answered_at": present.when(call.answered_at),
            "ended_at": present.when(call.ended_at),
        }
        db.session.commit()
        return present.answer(body)
