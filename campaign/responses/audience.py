"""Before a mailshot goes and while it goes: how many people it will email (per language), the
mail as they will get it, and how far a started one has come. Reads only.

The count follows the rules of expanding a mailing (campaign.responses.mailshots): confirmed,
unflagged signers who asked for updates and whose address is still held, then approved
endorsers who asked, each address once, so "this will email N people" is the number of
outbox rows the mailshot will write."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
from flask import abort

from campaign.appeals.models import Appeal, Update
from campaign.appeals.translations import localized
from campaign.core.extensions import db
from campaign.core.urls import external_url
from campaign.endorsements.models import Endorsement
from campaign.mail.models import Mailing, OutboxMessage
from campaign.mail.services import render_mail
from campaign.responses import mailshots
from campaign.responses.queries import MAX_ID
from campaign.signatures.models import Signature

#: Stands for the recipient's own unsubscribe token in a preview: no real subscription.
PREVIEW_TOKEN = "preview"  # noqa: S105 (not a secret: a placeholder in a link)


def recipient_counts(appeal_id: int) -> Counter:
    """{language: how many people a mailshot of this appeal would email now}."""
    counts: Counter = Counter()
    rows = db.session.execute(
        sa.select(Signature.language, sa.func.count(Signature.id))
        .where(
            Signature.appeal_id == appeal_id,
            Signature.state == "confirmed",
            Signature.sealed_email.is_not(None),
            Signature.flagged.is_(None),
            Signature.wants_updates.is_(True),
        )
        .group_by(Signature.language)
    )
    for language, count in rows:
        counts[language or "en"] += count
    endorsers = db.session.scalars(
        sa.select(Endorsement).where(
            Endorsement.appeal_id == appeal_id,
            Endorsement.state == "approved",
            Endorsement.sealed_contact_email.is_not(None),
            Endorsement.flagged.is_(None),
            Endorsement.wants_updates.is_(True),
        )
    ).all()
    # Every signer is expanded before any endorser: an endorser who also signed is mailed
    # as a signer, and one address behind two organizations once.
    every_signer = SimpleNamespace(
        appeal_id=appeal_id, last_signature_id=MAX_ID, last_endorsement_id=0
    )
    mailed = mailshots._already_mailed(every_signer, [e.contact_email for e in endorsers])
    for endorsement in endorsers:
        address = endorsement.contact_email.strip().lower()
        if address not in mailed:
            mailed.add(address)
            counts[endorsement.language or "en"] += 1
    return counts


@dataclass(frozen=True)
class Preview:
    subject: str
    text: str
    html: str
    #: (demand, target, change) of each status change the mail announces.
    changes: tuple = ()


def pending_changes(appeal: Appeal) -> list:
    """The status changes a status mailshot started now would announce."""
    return [c for c in mailshots.unmailed_changes(appeal) if c.retracted_at is None]


def preview_mail(appeal: Appeal, language: str, update: Update | None = None) -> Preview:
    """The mail exactly as a subscriber reading `language` would get it (an update's, or the
    pending status changes'), rendered with the real templates; only the unsubscribe link
    is a placeholder, as it is made for each recipient."""
    if update is not None:
        context = mailshots.mail_context(appeal.id, update=update)
    else:
        context = mailshots.mail_context(appeal.id, changes=pending_changes(appeal))
    subject, text, html = render_mail(
        "update" if update is not None else "status_changes",
        language,
        unsubscribe_url=external_url("responses.unsubscribe", token=PREVIEW_TOKEN),
        appeal_title=localized(context["appeal"], language).title,
        **context,
    )
    return Preview(subject, text, html, tuple(context.get("changes", ())))


# --- progress --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    queued: int
    sent: int
    failed: int
    #: Recipients are still being added to the outbox.
    expanding: bool

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def running(self) -> bool:
        return self.expanding or self.queued > 0


def mailing_progress(mailing: Mailing) -> Progress:
    """Queued, sent and failed emails of a mailshot, from its outbox rows (each carries the
    mailing's dedupe key prefix)."""
    state = sa.case(
        (OutboxMessage.sent_at.is_not(None), "sent"),
        (OutboxMessage.failed_at.is_not(None), "failed"),
        else_="queued",
    )
    rows = db.session.execute(
        sa.select(state, sa.func.count(OutboxMessage.id))
        .where(OutboxMessage.dedupe_key.like(f"mailing:{mailing.id}:%"))
        .group_by(state)
    )
    counts = dict(rows.all())
    return Progress(
        queued=counts.get("queued", 0),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        expanding=mailing.finished_at is None,
    )


def appeal_mailings(appeal: Appeal) -> list[Mailing]:
    return list(
        db.session.scalars(
            sa.select(Mailing).where(Mailing.appeal_id == appeal.id).order_by(Mailing.id.desc())
        )
    )


def get_mailing_or_404(appeal: Appeal, mailing_id: int) -> Mailing:
    mailing = db.session.get(Mailing, mailing_id) if 0 < mailing_id <= MAX_ID else None
    if mailing is None or mailing.appeal_id != appeal.id:
        abort(404)
    return mailing
