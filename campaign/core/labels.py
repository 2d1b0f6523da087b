"""Human labels for stored codes (states, kinds, roles), translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    # demand target statuses
    "awaiting": _l("Awaiting response"),
    "acknowledged": _l("Acknowledged"),
    "in_progress": _l("In progress"),
    "partially_met": _l("Partially met"),
    "met": _l("Met"),
    "rejected": _l("Rejected"),
    "overdue": _l("Overdue"),
    # a demand whose authorities' statuses differ (campaign.appeals.status.summarize)
    "mixed": _l("Mixed"),
    # appeal states
    "draft": _l("Draft"),
    "published": _l("Open for signatures"),
    "closed": _l("Closed"),
    "archived": _l("Archived"),
    # signature states
    "pending": _l("Pending confirmation"),
    "confirmed": _l("Confirmed"),
    "withdrawn": _l("Withdrawn"),
    "invalidated": _l("Invalidated"),
    # authority kinds
    "ministry": _l("Ministry"),
    "security_service": _l("Security service"),
    "government": _l("Government"),
    "parliament": _l("Parliament"),
    "court": _l("Court"),
    "prosecutor": _l("Prosecutor's office"),
    "head_of_state": _l("Head of state"),
    "local_government": _l("Local government"),
    "other": _l("Other"),
    # organization kinds
    "ngo": _l("NGO"),
    "media": _l("Media"),
    "union": _l("Union"),
    "association": _l("Association"),
    # response kinds
    "official_letter": _l("Official letter"),
    "public_statement": _l("Public statement"),
    "meeting": _l("Meeting"),
    "action_taken": _l("Action taken"),
    "court_ruling": _l("Court ruling"),
    "refusal_to_comment": _l("Refusal to comment"),
    "media_report": _l("Media report"),
    # roles
    "admin": _l("Admin"),
    "editor": _l("Editor"),
    "moderator": _l("Moderator"),
}


def label(code: str | None) -> str:
    if code is None:
        return ""
    return str(LABELS.get(code, code.replace("_", " ").capitalize()))
