"""`privacy purge`: erase personal data that is no longer needed.

- Signatures on appeals closed for longer than their retention period (the appeal's own
  retention_days, else AT_RISK_RETENTION_DAYS for an at_risk appeal and DATA_RETENTION_DAYS
  for a standard one: campaign.appeals.protection), and withdrawn ones at
  once (withdrawal erases them already; the purge catches any left): name, email, email_key,
  city and ip_key are set to NULL and personal_data_erased_at is set. State, country, times
  and the counters stay, so every count and chart is unchanged.
- Endorsements on such appeals, and withdrawn ones (withdrawal erases them already; the
  purge catches any left): contact_email and ip_key (the organization and signatory are
  public and stay); so are the issuers' contacts of such appeals (campaign.appeals.issuers).
- Scans of paper batches on such appeals (they may show signers' names): the files are
  deleted; the batches' counts and provenance stay.
- Outbox messages sent or given up more than OUTBOX_RETENTION_DAYS ago: recipient, subject
  and body are blanked (the rows stay for the mail-health figures).

Idempotent: a second run finds nothing. Services flush, the CLI commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from campaign.appeals.models import Appeal, AppealIssuer
from campaign.appeals.protection import retention_days
from campaign.core.database import utcnow
from campaign.core.datakeys import delete_past_day_keys
from campaign.core.extensions import db
from campaign.core.progress import Advance, nothing
from campaign.endorsements.models import Endorsement
from campaign.mail.services import blank_old_messages, forget_addresses
from campaign.paper.models import PaperBatch
from campaign.paper.services import erase_scans
from campaign.signatures.models import Signature
from campaign.signatures.services import erase_personal_data

BATCH = 500


@dataclass
class PurgeResult:
    signatures: int = 0
    endorsements: int = 0
    outbox_messages: int = 0
    paper_scans: int = 0


def _closed_appeals(now: dt.datetime) -> list[int]:
    """Ids of the closed appeals whose retention period is over (a few rows: every closed
    appeal, each with its own period)."""
    closed = db.session.execute(
        sa.select(Appeal.id, Appeal.closed_at, Appeal.protection, Appeal.retention_days).where(
            Appeal.closed_at.is_not(None)
        )
    ).all()
    return [
        row.id for row in closed if row.closed_at + dt.timedelta(days=retention_days(row)) < now
    ]


def signatures_to_erase(now: dt.datetime | None = None):
    now = now or utcnow()
    return sa.and_(
        Signature.personal_data_erased_at.is_(None),
        sa.or_(Signature.state == "withdrawn", Signature.appeal_id.in_(_closed_appeals(now))),
    )


def endorsements_to_erase(now: dt.datetime | None = None):
    now = now or utcnow()
    return sa.and_(
        sa.or_(Endorsement.sealed_contact_email.is_not(None), Endorsement.ip_key.is_not(None)),
        sa.or_(Endorsement.state == "withdrawn", Endorsement.appeal_id.in_(_closed_appeals(now))),
    )


def scans_to_erase(now: dt.datetime | None = None):
    now = now or utcnow()
    return sa.and_(PaperBatch.scan.is_not(None), PaperBatch.appeal_id.in_(_closed_appeals(now)))


def _count(model, condition) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(condition)
    ).scalar_one()


def signatures_due(now: dt.datetime | None = None) -> int:
    """How many signatures the purge would erase now."""
    return _count(Signature, signatures_to_erase(now))


def purge(
    dry_run: bool = False, now: dt.datetime | None = None, advance: Advance = nothing
) -> PurgeResult:
    """Erase what is due (see the module docstring); with dry_run only count it.
    `advance(n)` hears of each batch of n signatures erased."""
    now = now or utcnow()
    outbox_before = now - dt.timedelta(days=current_app.config["OUTBOX_RETENTION_DAYS"])
    if dry_run:
        return PurgeResult(
            signatures=_count(Signature, signatures_to_erase(now)),
            endorsements=_count(Endorsement, endorsements_to_erase(now)),
            outbox_messages=blank_old_messages(outbox_before, dry_run=True),
            paper_scans=_count(PaperBatch, scans_to_erase(now)),
        )
    result = PurgeResult()
    while True:
        batch = (
            db.session.execute(
                sa.select(Signature)
                .where(signatures_to_erase(now))
                .order_by(Signature.id)
                .limit(BATCH)
            )
            .scalars()
            .all()
        )
        if not batch:
            break
        forget_addresses(s.email for s in batch)  # mails already sent to them
        for signature in batch:
            erase_personal_data(signature, forget_mail=False)
        db.session.flush()
        result.signatures += len(batch)
        advance(len(batch))
    result.endorsements = db.session.execute(
        sa.update(Endorsement)
        .where(endorsements_to_erase(now))
        .values(sealed_contact_email=None, contact_key=None, ip_key=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        sa.update(AppealIssuer)
        .where(
            AppealIssuer.sealed_contact_email.is_not(None),
            AppealIssuer.appeal_id.in_(_closed_appeals(now)),
        )
        .values(sealed_contact_email=None, contact_key=None)
        .execution_options(synchronize_session=False)
    )
    result.outbox_messages = blank_old_messages(outbox_before)
    result.paper_scans = erase_scans(scans_to_erase(now))
    delete_past_day_keys(now.date())  # yesterday's IP keys become unlinkable
    db.session.flush()
    return result
