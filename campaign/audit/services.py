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


def search_entries(action: str = "", user_email: str = "", subject: str = ""):
    """A select of audit entries, newest first, filtered by what each value starts with
    (action "appeal." finds every appeal action; subject "appeal:" every appeal)."""
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    from campaign.accounts.models import User

    query = sa.select(AuditEntry).options(joinedload(AuditEntry.user))
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip(), autoescape=True))
    if subject:
        query = query.where(AuditEntry.subject.startswith(subject.strip(), autoescape=True))
    if user_email:
        query = query.join(AuditEntry.user).where(User.email == user_email.strip().lower())
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
