"""Writing the audit log: one entry per change, in the transaction that makes the change."""

from __future__ import annotations

import json

from campaign.audit.models import AuditEntry
from campaign.core.extensions import db


def record(user, action: str, subject, detail=None) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    if not isinstance(subject, str):
        subject = f"{type(subject).__name__.lower()}:{subject.id}"
    if detail is not None and not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditEntry(
        user_id=getattr(user, "id", None), action=action, subject=subject, detail=detail or ""
    )
    db.session.add(entry)
    return entry
