"""Emergency erase (`flask privacy shred`, the admin's shred action).

Two steps, because destroying the key is what protects and takes milliseconds whatever the
appeal's size, while cleaning a million rows takes longer:

1. `destroy_keys`: the appeal's data key (and with --all every IP day key) is destroyed in
   one short transaction, audited. From its commit, every sealed value and keyed hash of
   the appeal is noise: nobody, with or without the master key, can open or link them.
2. `clean_rows`: the sealed columns and hashes are set to NULL in batches (each its own
   commit, so signing elsewhere is never held up for long), sealed outbox mail is blanked,
   and SQLite's WAL is checkpointed so nothing lingers in `-wal`.

Scans of paper batches are deleted.

What stays: counts (paper batches' counts and provenance too), the names signers chose to
show, endorsements' public facts, states, responses and the audit log. Mailshots to the
appeal are refused from then on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from campaign.appeals.models import Appeal, AppealIssuer
from campaign.audit.services import record
from campaign.core.datakeys import IpDayKey, destroy_appeal_key
from campaign.core.engine import checkpoint_wal
from campaign.core.extensions import db
from campaign.core.progress import Advance, nothing
from campaign.endorsements.models import Endorsement
from campaign.mail.models import OutboxMessage
from campaign.mail.services import blank_messages
from campaign.paper.services import erase_appeal_scans
from campaign.signatures.models import Signature

#: Signature ids per cleaning UPDATE (one commit each).
BATCH = 50_000


@dataclass
class Cleaned:
    signatures: int = 0
    endorsements: int = 0
    outbox_messages: int = 0
    #: Scans of paper batches deleted (they may show signers' names; the counts stay).
    paper_scans: int = 0
    batches: int = field(default=0, repr=False)


def appeals_to_shred(slug: str | None, everything: bool) -> list[Appeal]:
    """The appeals a shred covers; LookupError for an unknown slug."""
    if everything:
        return list(db.session.execute(sa.select(Appeal).order_by(Appeal.id)).scalars())
    appeal = db.session.execute(sa.select(Appeal).where(Appeal.slug == slug)).scalar()
    if appeal is None:
        raise LookupError(slug)
    return [appeal]


def destroy_keys(user, appeals: list[Appeal], everything: bool = False) -> dt.datetime:
    """Step 1, in the caller's transaction (commit at once): destroy the appeals' data keys
    (and with `everything` every IP day key), audited."""
    when = None
    for appeal in appeals:
        when = destroy_appeal_key(appeal.id)
        record(user, "privacy.shred", appeal, {"slug": appeal.slug})
    if everything:
        db.session.execute(sa.delete(IpDayKey))
        record(user, "privacy.shred_all", "instance", {"appeals": len(appeals)})
    db.session.flush()
    return when or dt.datetime.now(dt.UTC)


_SIGNATURE_ERASED = {
    "sealed_name": None,
    "sealed_email": None,
    "sealed_city": None,
    "email_key": None,
    "domain_key": None,
    "ip_key": None,
}


def count_rows(appeal_ids: list[int]) -> int:
    """The signatures `clean_rows` goes through."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Signature).where(Signature.appeal_id.in_(appeal_ids))
    )


def clean_rows(
    appeal_ids: list[int], everything: bool = False, batch: int = BATCH, advance: Advance = nothing
) -> Cleaned:
    """Step 2: NULL what the destroyed keys sealed or hashed, batch by batch, committing each
    batch; then checkpoint the WAL. Safe to run again (it finds nothing). `advance(n)` hears
    of each batch's n signatures."""
    cleaned = Cleaned()
    for appeal_id in appeal_ids:
        low, high = db.session.execute(
            sa.select(sa.func.min(Signature.id), sa.func.max(Signature.id)).where(
                Signature.appeal_id == appeal_id
            )
        ).one()
        start = (low or 1) - 1
        while high is not None and start < high:
            blanked = db.session.execute(
                sa.update(Signature)
                .where(
                    Signature.appeal_id == appeal_id,
                    Signature.id > start,
                    Signature.id <= start + batch,
                )
                .values(**_SIGNATURE_ERASED)
                .execution_options(synchronize_session=False)
            ).rowcount
            db.session.commit()
            cleaned.signatures += blanked
            cleaned.batches += 1
            advance(blanked)
            start += batch
        cleaned.endorsements += db.session.execute(
            sa.update(Endorsement)
            .where(Endorsement.appeal_id == appeal_id)
            .values(sealed_contact_email=None, contact_key=None, ip_key=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.execute(  # issuers' contacts: sealed with the same key
            sa.update(AppealIssuer)
            .where(AppealIssuer.appeal_id == appeal_id)
            .values(sealed_contact_email=None, contact_key=None)
            .execution_options(synchronize_session=False)
        )
        cleaned.outbox_messages += _blank_outbox(OutboxMessage.appeal_id == appeal_id)
        cleaned.paper_scans += erase_appeal_scans([appeal_id])
        db.session.commit()
    if everything:  # the mail of no appeal too (campaigners'): in an emergency, nothing stays
        cleaned.outbox_messages += _blank_outbox(sa.true())
        db.session.commit()
    db.session.expire_all()
    checkpoint_wal()
    return cleaned


def _blank_outbox(condition) -> int:
    return blank_messages(condition, settle=True)


def shred_appeal(user, appeal: Appeal, password: str, typed_slug: str) -> dt.datetime:
    """The admin's shred: only with the admin's own password and the appeal's slug typed
    out (a stolen session or a slip of the mouse cannot shred). Step 1 only; the caller
    commits, then runs clean_rows."""
    from flask_babel import lazy_gettext as _l

    from campaign.core.security import verify_password
    from campaign.core.validation import InvalidInput

    errors = {}
    if (typed_slug or "").strip() != appeal.slug:
        errors["slug"] = str(_l("Type the appeal's address name exactly as shown."))
    if not verify_password(user.password_hash, password or ""):
        errors["password"] = str(_l("The password is wrong."))
    if errors:
        raise InvalidInput(str(_l("Nothing was shredded.")), errors)
    return destroy_keys(user, [appeal])
