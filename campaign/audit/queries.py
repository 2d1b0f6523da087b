"""How the audit log is read (it is only ever added to: campaign.audit.services.record)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from campaign.accounts.models import User
from campaign.audit.models import AuditEntry


def search_entries(action: str = "", user_email: str = "", subject: str = "") -> sa.Select:
    """A select of audit entries, newest first, filtered by what each value starts with
    (action "appeal." finds every appeal action; subject "appeal:" every appeal)."""
    query = sa.select(AuditEntry).options(joinedload(AuditEntry.user))
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip(), autoescape=True))
    if subject:
        query = query.where(AuditEntry.subject.startswith(subject.strip(), autoescape=True))
    if user_email:
        query = query.join(AuditEntry.user).where(User.email == user_email.strip().lower())
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
