"""What the audit log's actions and detail keys are called on the page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed login"),
    "auth.logout": _l("Logged out"),
    "auth.password_changed": _l("Changed their own password"),
    "ticket.read": _l("Read a confidential ticket"),
    "ticket.list": _l("Listed confidential tickets"),
    "ticket.metadata": _l("Saw the status of a confidential ticket"),
    "ticket.status_link": _l("Made a new status link"),
    "user.create": _l("Created a user"),
    "user.update": _l("Changed a user"),
    "user.password": _l("Set a new password"),
    "department.create": _l("Created a department"),
    "department.update": _l("Changed a department"),
    "department.delete": _l("Deleted a department"),
    "group.create": _l("Created a group"),
    "group.update": _l("Changed a group"),
    "group.delete": _l("Deleted a group"),
    "category.create": _l("Created a subject area"),
    "category.update": _l("Changed a subject area"),
    "category.delete": _l("Deleted a subject area"),
    "rule.create": _l("Created a routing rule"),
    "rule.update": _l("Changed a routing rule"),
    "rule.move": _l("Moved a routing rule"),
    "rule.delete": _l("Deleted a routing rule"),
    "reason.create": _l("Created a learning reason"),
    "reason.update": _l("Changed a learning reason"),
    "setting.update": _l("Changed a setting"),
    "calendar.week": _l("Changed the office hours"),
    "calendar.day_added": _l("Added a closed or shortened day"),
    "calendar.day_removed": _l("Removed a closed or shortened day"),
    "stats.export": _l("Exported tickets"),
    "stats.contact_list": _l("Exported the contact list"),
    "retention.run": _l("Anonymised expired tickets"),
}

DETAILS = {
    "changes": _l("Changes"),
    "references": _l("Confidential tickets"),
    "confidential": _l("Confidential tickets"),
    "reason": _l("Reason"),
    "from": _l("From"),
    "to": _l("To"),
    "rows": _l("Rows"),
    "tickets": _l("Tickets"),
    "events": _l("Timeline entries"),
    "categories": _l("Subject areas"),
    "tickets_retagged": _l("Tickets whose confidentiality changed"),
    "order": _l("Order"),
    "note": _l("Note"),
    "week": _l("Office hours, Monday to Sunday"),
    "closes": _l("Closes at"),
}
