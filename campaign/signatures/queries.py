"""Reading signatures: lookups by key, id and mailed link, and the appeal page's recent
signers. The moderators' search and the CSV export have their own modules (search.py,
export.py)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from campaign.appeals.models import Appeal
from campaign.appeals.protection import shows_signer_list
from campaign.core.extensions import db
from campaign.optin.mail import read_link
from campaign.signatures.models import Signature


def find_signature(appeal_id: int, email_key: str) -> Signature | None:
    return db.session.execute(
        sa.select(Signature).where(
            Signature.appeal_id == appeal_id, Signature.email_key == email_key
        )
    ).scalar_one_or_none()


def get_signature(signature_id) -> Signature | None:
    if not isinstance(signature_id, int):
        return None
    return db.session.get(Signature, signature_id)


def signature_from_link(purpose: str, token: str) -> Signature | None:
    """The signature a mailed link is for, None when it is gone; TokenError (with .expired
    and the payload) when the link is bad or too old."""
    return get_signature(read_link(purpose, token))


@dataclass
class PublicSigner:
    name: str
    #: None for an anonymous signer.
    country: str | None


def recent_public_signers(appeal: Appeal, n: int = 10) -> list[PublicSigner]:
    """The latest confirmed, unflagged signers for the appeal page (index on
    appeal_id, state, confirmed_at). An anonymous signer is "Anonymous" and nothing else: with
    their country beside the moment they signed, the only signer from a country would be
    known to have signed, and when. An at_risk appeal lists nobody."""
    if not shows_signer_list(appeal):
        return []
    rows = db.session.execute(
        sa.select(Signature.shown_name, Signature.public_name, Signature.country)
        .where(Signature.appeal_id == appeal.id, Signature.state == "confirmed")
        .where(Signature.flagged.is_(None))
        .order_by(Signature.confirmed_at.desc())
        .limit(n)
    ).all()
    anonymous = PublicSigner(str(_l("Anonymous")), None)
    return [
        PublicSigner(name, country) if public_name and name else anonymous
        for name, public_name, country in rows
    ]
