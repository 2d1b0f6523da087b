"""Exports of personal data: the appeal's sealing key, and one audit entry per export.

`set_sealing_key` is the one way the key changes (admin page, API); `seal_for` decides whether
an export is sealed and to which key; `record_export` leaves who exported what, and whether
it left the server sealed."""

from __future__ import annotations

from campaign.appeals.models import Appeal
from campaign.audit.services import record
from campaign.core.extensions import db
from campaign.privacy.sealing import normalize_public_key


def set_sealing_key(user, appeal: Appeal, text: str | None) -> bool:
    """Set (or, with an empty text, remove) the public key the appeal's exports are sealed
    to; InvalidInput for anything but an age public key. Whether it changed."""
    key = normalize_public_key(text)
    if key == appeal.sealing_public_key:
        return False
    previous = appeal.sealing_public_key
    appeal.sealing_public_key = key
    db.session.flush()
    record(user, "appeal.sealing_key", appeal, {"from": previous, "to": key})
    return True


def seal_for(appeal: Appeal, seal_to: str | None = None) -> str | None:
    """The public key an export of the appeal is sealed to: the one asked for, else the
    appeal's own; None for a plain export. (Validated: InvalidInput for garbage.)"""
    return normalize_public_key(seal_to) or appeal.sealing_public_key


def record_export(user, appeal: Appeal, what: str, sealed_to: str | None, **detail) -> None:
    """An audit entry for an export of the appeal's personal data (the caller commits)."""
    record(user, f"export.{what}", appeal, {**detail, "sealed_to": sealed_to})
