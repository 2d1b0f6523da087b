"""Erase on request: a person asks by letter, an admin types their email address, and the
person's signatures (every appeal) and endorsement contacts are erased exactly as their own
withdrawal would erase them (`withdraw_signature`, `withdraw_endorsement`).

Addresses are stored only sealed and as keyed hashes under each appeal's data key, so the
lookup hashes the typed address under every appeal's key, as signing again would. The audit
entry keeps counts and appeals, never the address (nor a hash of it: a hash of an address
can be tested against guesses)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from campaign.appeals.models import Appeal
from campaign.audit.services import record
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput
from campaign.endorsements.models import Endorsement, contact_key
from campaign.endorsements.services import withdraw_endorsement
from campaign.mail.services import forget_addresses
from campaign.optin.addresses import InvalidEmail, normalize_address
from campaign.signatures.models import Signature
from campaign.signatures.services import email_key, withdraw_signature


@dataclass
class AppealFound:
    appeal: Appeal
    signatures: list[Signature] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)


@dataclass
class Found:
    appeals: list[AppealFound]

    @property
    def signatures(self) -> int:
        return sum(len(a.signatures) for a in self.appeals)

    @property
    def endorsements(self) -> int:
        return sum(len(a.endorsements) for a in self.appeals)

    @property
    def nothing(self) -> bool:
        return not self.appeals

    def detail(self) -> dict:
        """What the audit log keeps: counts per appeal, no address."""
        return {
            "signatures": self.signatures,
            "endorsements": self.endorsements,
            "appeals": {
                a.appeal.slug: {
                    "signatures": len(a.signatures),
                    "endorsements": len(a.endorsements),
                }
                for a in self.appeals
            },
        }


def _address(raw: str | None) -> str:
    try:
        return normalize_address(raw or "")
    except InvalidEmail:
        message = str(_l("Enter an email address, for example name@example.org."))
        raise InvalidInput(message, {"email": message}) from None


def _keys(appeal_ids: list[int], address: str) -> tuple[list, list]:
    """(appeal_id, key) pairs of a signer and of an endorsement contact with this address;
    appeals without a data key hold no personal data to find. The contact key is of the
    lower-cased address as stored, so both the typed and the normalized spelling are tried."""
    signer, contact = [], []
    spellings = {address, address.strip().lower()}
    for appeal_id in appeal_ids:
        key = email_key(appeal_id, address, create=False)
        if key is None:
            continue
        signer.append((appeal_id, key))
        contact.extend((appeal_id, contact_key(appeal_id, s)) for s in spellings)
    return signer, contact


def _matching(model, column, pairs) -> list:
    if not pairs:
        return []
    clause = sa.or_(*(sa.and_(model.appeal_id == a, column == k) for a, k in pairs))
    return list(db.session.execute(sa.select(model).where(clause)).unique().scalars())


def find_person(raw_email: str | None) -> Found:
    """Every signature and endorsement (not yet erased) that this address can be matched
    to, grouped by appeal, newest appeal first. InvalidInput when it is not an address."""
    address = _address(raw_email)
    appeals = list(db.session.execute(sa.select(Appeal).order_by(Appeal.id.desc())).scalars())
    signer, contact = _keys([a.id for a in appeals], address)
    by_appeal = {a.id: AppealFound(a) for a in appeals}
    for signature in _matching(Signature, Signature.email_key, signer):
        by_appeal[signature.appeal_id].signatures.append(signature)
    for endorsement in _matching(Endorsement, Endorsement.contact_key, contact):
        if endorsement.state != "withdrawn":
            by_appeal[endorsement.appeal_id].endorsements.append(endorsement)
    return Found([f for f in by_appeal.values() if f.signatures or f.endorsements])


def erase_person(user, raw_email: str | None) -> Found:
    """Erase what `find_person` finds, as the person's own withdrawals do (they stop counting
    too), and the mails already sent to the address; one audit entry with the counts.
    Finding nothing changes nothing and records nothing."""
    found = find_person(raw_email)
    if found.nothing:
        return found
    for entry in found.appeals:
        for signature in entry.signatures:
            withdraw_signature(signature)
        for endorsement in entry.endorsements:
            withdraw_endorsement(endorsement)
    # A confirmed signer who wants no updates keeps no address to forget by: the typed one.
    forget_addresses([_address(raw_email)])
    record(user, "privacy.erase", "people", found.detail())
    db.session.flush()
    return found


def record_lookup(user, found: Found) -> None:
    """Looking a person up is itself on record (who looked, what was found), without the
    address."""
    record(user, "privacy.erase_lookup", "people", found.detail())
    db.session.flush()
