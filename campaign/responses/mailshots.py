"""Mailshots to an appeal's subscribers: one email per update and one per batch of status
changes, to confirmed, unflagged signers and approved endorsers who asked for updates.

A Mailing is expanded into outbox rows in id-ordered pages; each page's rows and the advanced
resumption point (last_signature_id / last_endorsement_id) are committed together, and every
row carries a dedupe key, so a worker that dies half way carries on without mailing anyone
twice. Pages are expanded by the view that starts the mailing (up to MAILSHOT_INLINE_PAGES)
and by `flask mailshots send`, which finishes whatever is left."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.appeals.models import Appeal, Update
from campaign.appeals.queries import appeal_query
from campaign.appeals.status import appeal_progress
from campaign.appeals.translations import localized
from campaign.audit.services import record
from campaign.core.database import utcnow
from campaign.core.datakeys import shredded_at
from campaign.core.extensions import db
from campaign.core.progress import Advance, nothing
from campaign.core.security import TokenError, make_token, read_token
from campaign.core.urls import external_url
from campaign.core.validation import InvalidInput
from campaign.endorsements.models import Endorsement
from campaign.mail.models import Mailing
from campaign.mail.services import enqueue
from campaign.responses.models import StatusChange
from campaign.responses.queries import appeal_status_changes
from campaign.signatures.models import Signature

PAGE_SIZE = 200


# --- starting a mailshot ---------------------------------------------------------------------


def refuse_if_shredded(appeal_id: int) -> None:
    """InvalidInput when the appeal's data were shredded: its subscribers' addresses are
    gone, so no mailshot can reach them."""
    when = shredded_at(appeal_id)
    if when is not None:
        raise InvalidInput(shredded_message(when))


def shredded_message(when) -> str:
    return str(
        _l(
            "Data of this appeal was shredded on %(date)s; its signers can no longer be mailed.",
            date=when.strftime("%Y-%m-%d %H:%M UTC"),
        )
    )


def start_update_mailing(user, update: Update) -> Mailing:
    refuse_if_shredded(update.appeal_id)
    mailing = Mailing(appeal_id=update.appeal_id, kind="update", update_id=update.id)
    db.session.add(mailing)
    db.session.flush()
    record(user, "mailing.start", mailing, {"kind": "update", "update": update.id})
    return mailing


def unmailed_changes(appeal: Appeal) -> list[StatusChange]:
    return appeal_status_changes(appeal.id, StatusChange.mailed_at.is_(None))


def start_status_mailing(user, appeal: Appeal) -> Mailing:
    """One mailshot for every status change not mailed yet (retracted ones are left out)."""
    refuse_if_shredded(appeal.id)
    pending = unmailed_changes(appeal)
    if not any(c.retracted_at is None for c in pending):
        raise InvalidInput("There are no new status changes to tell subscribers about.")
    mailing = Mailing(appeal_id=appeal.id, kind="status", created_at=utcnow())
    db.session.add(mailing)
    # The batch is the changes stamped with the mailing's creation time; stamped only where
    # still unstamped, so of two confirmations racing one starts a mailshot.
    claimed = db.session.execute(
        sa.update(StatusChange)
        .where(StatusChange.id.in_([c.id for c in pending]), StatusChange.mailed_at.is_(None))
        .values(mailed_at=mailing.created_at)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != len(pending):
        raise InvalidInput("These status changes are being mailed already.")
    for change in pending:
        db.session.refresh(change)
    db.session.flush()
    record(user, "mailing.start", mailing, {"kind": "status", "changes": [c.id for c in pending]})
    return mailing


def batch_changes(mailing: Mailing) -> list[StatusChange]:
    changes = appeal_status_changes(mailing.appeal_id, StatusChange.mailed_at == mailing.created_at)
    return [c for c in changes if c.retracted_at is None]


# --- expanding -------------------------------------------------------------------------------


def _signers_after(mailing: Mailing) -> list:
    return _subscribers_after(
        Signature, mailing.last_signature_id, mailing.appeal_id,
        Signature.state == "confirmed", Signature.sealed_email.is_not(None),
    )  # fmt: skip


def _endorsers_after(mailing: Mailing) -> list:
    return _subscribers_after(
        Endorsement, mailing.last_endorsement_id, mailing.appeal_id,
        Endorsement.state == "approved", Endorsement.sealed_contact_email.is_not(None),
    )  # fmt: skip


def _subscribers_after(model, after_id: int, appeal_id: int, *where) -> list:
    """The conditions for rows of `model` (signatures or endorsements) after `after_id` that
    asked for updates about the appeal and are not flagged; `where` says which are counted
    and reachable."""
    return [
        model.appeal_id == appeal_id,
        *where,
        model.flagged.is_(None),
        model.wants_updates.is_(True),
        model.id > after_id,
    ]


def _signers_page(mailing: Mailing, size: int) -> list[Signature]:
    return _page(Signature, _signers_after(mailing), size)


def _endorsers_page(mailing: Mailing, size: int) -> list[Endorsement]:
    return _page(Endorsement, _endorsers_after(mailing), size)


def _page(model, conditions: list, size: int) -> list:
    statement = sa.select(model).where(*conditions).order_by(model.id).limit(size)
    return list(db.session.execute(statement).scalars())


def _context(mailing: Mailing) -> dict:
    if mailing.kind == "update":
        return mail_context(mailing.appeal_id, update=db.session.get(Update, mailing.update_id))
    return mail_context(mailing.appeal_id, changes=batch_changes(mailing))


def mail_context(appeal_id: int, *, update: Update | None = None, changes=None) -> dict:
    """What a mailshot's templates receive, but the recipient's part: the update's, or the
    batch of status changes' (a mailing's, or the ones a preview shows)."""
    appeal = db.session.execute(appeal_query().where(Appeal.id == appeal_id)).scalar_one()
    context = {
        "appeal": appeal,
        "appeal_url": external_url("appeals.show", slug=appeal.slug),
        "tracker_url": external_url("responses.tracker", slug=appeal.slug),
        "progress": appeal_progress(appeal),
    }
    if update is not None:
        context["update"] = update
        context["update_url"] = external_url(
            "responses.update", slug=appeal.slug, update_id=update.id
        )
    else:
        targets = {t.id: (d, t) for d in appeal.demands for t in d.targets}
        context["changes"] = [
            (targets[c.demand_target_id][0], targets[c.demand_target_id][1], c)
            for c in changes or []
            if c.demand_target_id in targets
        ]
    return context


def _title(appeal: Appeal, language: str) -> str:
    return localized(appeal, language).title


def _send(mailing: Mailing, context: dict, to: str, language: str, kind: str, row_id: int):
    token = make_token("unsubscribe", {"a": mailing.appeal_id, "t": kind, "i": row_id})
    unsubscribe_url = external_url("responses.unsubscribe", token=token)
    template = "update" if mailing.kind == "update" else "status_changes"
    enqueue(
        to,
        template,
        kind=f"mailing-{mailing.kind}",
        language=language or "en",
        appeal_id=mailing.appeal_id,
        dedupe_key=f"mailing:{mailing.id}:{'sig' if kind == 's' else 'end'}:{row_id}",
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        unsubscribe_url=unsubscribe_url,
        appeal_title=_title(context["appeal"], language),
        **context,
    )


def _already_mailed(mailing: Mailing, addresses: list[str]) -> set[str]:
    """Which of these addresses this mailing already wrote to (one email per person). The
    outbox keeps no address in clear, so keyed hashes decide: signers' (all expanded before
    endorsers) and the endorsers' of earlier pages."""
    from campaign.endorsements.models import contact_key
    from campaign.signatures.services import email_key

    signers, endorsers = {}, {}
    for address in addresses:
        signers[email_key(mailing.appeal_id, address)] = address.strip().lower()
        endorsers[contact_key(mailing.appeal_id, address)] = address.strip().lower()
    if not addresses:
        return set()
    mailed = db.session.execute(
        sa.select(Signature.email_key).where(
            Signature.appeal_id == mailing.appeal_id,
            Signature.email_key.in_(signers),
            Signature.id <= mailing.last_signature_id,
            Signature.state == "confirmed",
            Signature.sealed_email.is_not(None),
            Signature.flagged.is_(None),
            Signature.wants_updates.is_(True),
        )
    ).scalars()
    found = {signers[k] for k in mailed}
    mailed = db.session.execute(
        sa.select(Endorsement.contact_key).where(
            Endorsement.appeal_id == mailing.appeal_id,
            Endorsement.contact_key.in_(endorsers),
            Endorsement.id <= mailing.last_endorsement_id,
            Endorsement.state == "approved",
            Endorsement.sealed_contact_email.is_not(None),
            Endorsement.flagged.is_(None),
            Endorsement.wants_updates.is_(True),
        )
    ).scalars()
    return found | {endorsers[k] for k in mailed}


def expand_page(mailing: Mailing, size: int = PAGE_SIZE, context: dict | None = None) -> int:
    """Enqueue the next page of recipients and advance the resumption point, in the caller's
    transaction. Returns how many were enqueued; 0 means the mailing is finished."""
    if mailing.finished_at is not None:
        return 0
    when = shredded_at(mailing.appeal_id)
    if when is not None:  # shredded since it started: nobody left to reach
        current_app.logger.warning("mailing %s: %s", mailing.id, shredded_message(when))
        mailing.finished_at = utcnow()
        db.session.flush()
        return 0
    context = context or _context(mailing)
    signers = _signers_page(mailing, size)
    if signers:
        for signature in signers:
            _send(mailing, context, signature.email, signature.language, "s", signature.id)
        mailing.last_signature_id = signers[-1].id
        db.session.flush()
        return len(signers)
    endorsers = _endorsers_page(mailing, size)
    if endorsers:
        mailed = _already_mailed(mailing, [e.contact_email for e in endorsers])
        for endorsement in endorsers:
            address = endorsement.contact_email.strip().lower()
            if address in mailed:
                continue  # also signed, or a second organization with the same contact
            mailed.add(address)
            _send(mailing, context, endorsement.contact_email, endorsement.language, "e",
                  endorsement.id)  # fmt: skip
        mailing.last_endorsement_id = endorsers[-1].id
        db.session.flush()
        return len(endorsers)
    mailing.finished_at = utcnow()
    db.session.flush()
    return 0


def run_mailing(
    mailing_id: int, size: int = PAGE_SIZE, max_pages: int | None = None, advance: Advance = nothing
) -> bool:
    """Expand a mailing page by page, committing each page. True once it is finished.
    `advance(n)` hears of each page's n recipients gone through."""
    pages = 0
    context = None
    while max_pages is None or pages < max_pages:
        mailing = db.session.get(Mailing, mailing_id)
        if mailing.finished_at is not None:
            return True
        context = context or _context(mailing)
        done = expand_page(mailing, size, context)
        db.session.commit()
        advance(done)
        pages += 1
    return db.session.get(Mailing, mailing_id).finished_at is not None


def shredded_pending() -> list[str]:
    """A message for each unfinished mailing whose appeal was shredded (it will send nothing)."""
    rows = db.session.execute(
        sa.select(Mailing.id, Mailing.appeal_id).where(Mailing.finished_at.is_(None))
    ).all()
    found = []
    for mailing_id, appeal_id in rows:
        when = shredded_at(appeal_id)
        if when is not None:
            found.append(f"mailshot {mailing_id}: {shredded_message(when)}")
    return found


def pending_mailings() -> list[int]:
    return list(
        db.session.execute(
            sa.select(Mailing.id).where(Mailing.finished_at.is_(None)).order_by(Mailing.id)
        ).scalars()
    )


def remaining_recipients() -> int:
    """Signers and endorsers the unfinished mailings have still to go through."""
    total = 0
    for mailing_id in pending_mailings():
        mailing = db.session.get(Mailing, mailing_id)
        total += _count(Signature, _signers_after(mailing))
        total += _count(Endorsement, _endorsers_after(mailing))
    return total


def _count(model, conditions: list) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def run_pending(size: int = PAGE_SIZE, advance: Advance = nothing) -> int:
    """Finish every unfinished mailing (`flask mailshots send`). Returns how many."""
    ids = pending_mailings()
    for mailing_id in ids:
        run_mailing(mailing_id, size, advance=advance)
    return len(ids)


def run_inline(mailing_id: int) -> bool:
    """The part of a new mailing a request expands itself; the CLI finishes bigger ones."""
    pages = current_app.config.get("MAILSHOT_INLINE_PAGES", 5)
    return run_mailing(mailing_id, max_pages=pages)


# --- unsubscribing ---------------------------------------------------------------------------


def read_unsubscribe(token: str) -> tuple[Appeal, Signature | Endorsement]:
    """The subscription behind an unsubscribe link; InvalidInput for a bad link."""
    try:
        payload = read_token("unsubscribe", token)
        model = {"s": Signature, "e": Endorsement}[payload["t"]]
        row = db.session.get(model, int(payload["i"]))
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput("This unsubscribe link is not valid.") from exc
    if row is None or row.appeal_id != payload.get("a"):
        raise InvalidInput("This unsubscribe link is not valid.")
    return db.session.get(Appeal, row.appeal_id), row


def unsubscribe(token: str) -> Appeal:
    """Stop updates about one appeal for the row behind the token (idempotent)."""
    appeal, row = read_unsubscribe(token)
    row.wants_updates = False
    db.session.flush()
    return appeal
