"""What can happen to signatures. Services flush, never commit; mail goes through the outbox
in the caller's transaction.

Signing does no SMTP and no slow hashing, and looks rows up only by index: (appeal_id,
email_key) is unique, so a second attempt by the same person stores nothing new, also when
two requests race (the loser's INSERT .. ON CONFLICT DO NOTHING stores nothing and takes the
duplicate path). The statements that make this cheap are in fastpath.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.appeals.models import Appeal
from campaign.appeals.protection import public_name_choice, takes_city
from campaign.appeals.translations import localized_title
from campaign.audit.services import record
from campaign.core import limits
from campaign.core.countries import country_codes
from campaign.core.database import utcnow
from campaign.core.datakeys import appeal_hash, ensure_keys, ip_key, keys_ready
from campaign.core.engine import reads_before_writes
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput, text_error
from campaign.mail.services import enqueue_later, forget_addresses
from campaign.optin import require_accepting
from campaign.optin.abuse import abuse_reason, over_rate_limit
from campaign.optin.addresses import InvalidEmail, normalize_address
from campaign.optin.mail import claim_mail, link, mail_url
from campaign.signatures.canonical import canonical_email
from campaign.signatures.counting import bump_signature_count
from campaign.signatures.fastpath import AppealFacts, get_published_appeal_facts_or_404, insert_new
from campaign.signatures.models import Signature, sealed_columns
from campaign.signatures.queries import find_signature
from campaign.signatures.rollup import record_signature

#: Share channels we recognise in `ref`; anything else is stored as "other".
SHARE_CHANNELS = frozenset(
    {"telegram", "whatsapp", "facebook", "x", "vk", "email", "copy", "embed", "qr", "poster"}
)
_URL = re.compile(
    r"([a-z][a-z0-9+.-]*://|www\.|\b[\w-]+\.(com|net|org|info|biz|io|co|me|ru|su|xyz|top|"
    r"site|online|club|ly|gl|to|kg|kz|uz|ua|by|de|uk|cn|tk|ml|ga|cf|gq)\b)",
    re.IGNORECASE,
)
#: Characters that start a formula in spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass
class SignatureInput:
    name: str
    email: str
    country: str
    city: str = ""
    #: None: the signer did not say (shown on a standard appeal, hidden on an at_risk one).
    public_name: bool | None = None
    wants_updates: bool = False
    ref: str | None = None
    honeypot: str | None = None
    language: str = "en"


def clean_ref(ref: str | None) -> str | None:
    if not ref:
        return None
    ref = ref.strip().lower()
    return ref if ref in SHARE_CHANNELS else "other"


def _check(data: SignatureInput) -> tuple[str, str, str, str | None]:
    """(name, email, country, city) cleaned; InvalidInput naming every bad field."""
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = str(_l("Enter your name."))
    elif len(name) > limits.PERSON_NAME:
        errors["name"] = str(_l("Your name is too long (200 characters at most)."))
    elif name.startswith(FORMULA_STARTS):
        errors["name"] = str(_l("A name cannot start with =, +, - or @."))
    elif _URL.search(name):
        errors["name"] = str(_l("A name cannot contain a web address."))
    email = ""
    try:
        email = normalize_address(data.email or "")
    except InvalidEmail:
        errors["email"] = str(_l("Enter a valid email address, like name@example.org."))
    country = (data.country or "").strip().upper()
    if country not in country_codes():
        errors["country"] = str(_l("Choose your country."))
    city = " ".join((data.city or "").split()) or None
    if city and len(city) > limits.CITY:
        errors["city"] = str(_l("The city name is too long (120 characters at most)."))
    elif city and (city.startswith(FORMULA_STARTS) or _URL.search(city)):
        errors["city"] = str(_l("Enter just the name of your city."))
    if errors:
        raise InvalidInput(str(_l("Please correct the fields marked.")), errors)
    return name, email, country, city


def protect_signer(protection: str, data: SignatureInput) -> bool:
    """What the appeal's protection level asks of a signature (campaign.appeals.protection):
    on an at_risk appeal no city is taken (InvalidInput names it) and the name is public
    only when the signer said so. Returns whether the name is shown."""
    if (data.city or "").strip() and not takes_city(protection):
        message = str(_l("This appeal does not ask for a city, to protect its signers."))
        raise InvalidInput(message, {"city": message})
    return public_name_choice(protection, data.public_name)


def _language(language: str | None) -> str:
    """The language for the signer's emails: one the site speaks, else the default."""
    languages = current_app.config.get("LANGUAGES", ("en",))
    return language if language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


# --- signing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MailContext:
    """What the signer's mail says about the appeal, read before the writes."""

    title: str
    url: str


def _mail_context(appeal, language: str) -> _MailContext:
    return _MailContext(
        localized_title(appeal, language), mail_url("appeals.show", "slug", appeal.slug)
    )


@dataclass(frozen=True)
class _Prepared:
    """What signing will write, worked out before the first write."""

    values: dict
    mail: _MailContext
    #: The address just typed: the one every mail of this attempt goes to.
    email: str


def sign_appeal(slug: str, data: SignatureInput, address: str) -> Signature:
    """Sign the published appeal `slug` (404 if there is none): a new signer's pending row
    and confirmation mail, or, for someone who signed before, the capped 'confirm' or
    'already signed' mail. The caller's answer must not depend on which. InvalidInput names
    every bad field; NotAccepting when the appeal takes no signatures.

    Everything that only reads (the appeal, the checks, the abuse rules, the mail's wording)
    runs first in its own read transaction (reads_before_writes), so on SQLite the write
    transaction, which holds the one write lock, is only the INSERTs. Call it before anything
    else in the transaction."""
    with reads_before_writes():
        appeal = get_published_appeal_facts_or_404(slug)
        ready = keys_ready(appeal.id)
        prepared = _prepare(appeal, data, address) if ready else None
    if prepared is None:
        # The appeal's first signer, or the day's: its keys are made in a short write
        # transaction of their own, then the reads run again.
        ensure_keys(appeal.id)
        db.session.commit()
        with reads_before_writes():
            prepared = _prepare(appeal, data, address)
    return _store(prepared)


def _prepare(appeal: AppealFacts, data: SignatureInput, address: str) -> _Prepared:
    require_accepting(appeal)
    name, email, country, city = _check(data)
    public_name = protect_signer(appeal.protection, data)
    flagged = abuse_reason("sign", address, email, data.honeypot)
    language = _language(data.language)
    now = utcnow()
    values = {
        "appeal_id": appeal.id,
        **sealed_columns(appeal.id, name, email, city, public_name),
        "email_key": email_key(appeal.id, email),
        "country": country,
        "public_name": public_name,
        "wants_updates": bool(data.wants_updates),
        "language": language,
        "state": "pending",
        "ip_key": ip_key(address),
        "ref": clean_ref(data.ref),
        "flagged": flagged,
        # A new signer's confirmation is its first mail: counted in the INSERT itself.
        "mails_sent": 1,
        "last_mailed_at": now,
        "created_at": now,
    }
    return _Prepared(values, _mail_context(appeal, language), email)


def email_key(appeal_id: int, email: str, create: bool = True) -> str | None:
    """The duplicate key of a signer's address on this appeal: a keyed hash of the canonical
    email under the appeal's data key, so a copy of the database cannot test addresses.
    None for an appeal without a key unless `create`."""
    return appeal_hash(appeal_id, "signature-email", canonical_email(email), create=create)


def _store(prepared: _Prepared) -> Signature:
    """The writes: one INSERT .. ON CONFLICT DO NOTHING and the outbox row for a new signer;
    for someone who signed before, the capped 'confirm' or 'already signed' mail instead."""
    appeal_id, key = prepared.values["appeal_id"], prepared.values["email_key"]
    for _attempt in range(2):
        signature = insert_new(prepared.values)
        if signature is not None:
            _enqueue(signature, prepared.mail, "signature_confirm", prepared.email)
            return signature
        existing = find_signature(appeal_id, key)
        if existing is not None:
            break
        # The row that conflicted was withdrawn (its key erased) in between: insert again.
    else:
        raise RuntimeError("signature insert conflicted twice without a row to show for it")
    # A pending signer's confirmation goes where the first one went; "already signed" to
    # the address just typed (a confirmed signer who wants no updates has none stored).
    if existing.state == "pending":
        _mail(existing, prepared.mail, "signature_confirm", existing.email or prepared.email)
    elif existing.state == "confirmed":
        _mail(existing, prepared.mail, "signature_already", prepared.email)
    # withdrawn rows have no key; invalidated ones get no mail (a moderator decided).
    return existing


def _mail(signature: Signature, mail: _MailContext, template: str, to: str) -> None:
    """Another mail to someone who signed before, unless the cap is reached."""
    if claim_mail(signature, last_mailed_at=utcnow()):
        _enqueue(signature, mail, template, to)


def _enqueue(signature: Signature, mail: _MailContext, template: str, to: str) -> None:
    """The signer's mail, rendered later by the worker, which also signs the links' tokens.
    Sealed with the appeal's key: it carries the address and the name."""
    enqueue_later(
        to,
        template,
        appeal_id=signature.appeal_id,
        kind=template.replace("_", "-"),
        language=signature.language,
        name=signature.name,
        appeal_title=mail.title,
        appeal_url=mail.url,
        confirm_url=link("signatures.confirm", "signature-confirm", signature.id),
        withdraw_url=link("signatures.withdraw", "signature-withdraw", signature.id),
        data_url=link("privacy.my_data", "signature-data", signature.id),
    )


def resend_confirmation(appeal: Appeal, email: str, address: str) -> None:
    """Send the confirmation again to a pending signer of this appeal. Says nothing about
    whether the address signed: the caller answers the same either way."""
    if over_rate_limit("resend", address):
        return
    try:
        address = normalize_address(email)
    except InvalidEmail:
        return
    signature = find_signature(appeal.id, email_key(appeal.id, address))
    if signature is not None and signature.state == "pending" and appeal.accepts_signatures:
        context = _mail_context(appeal, signature.language)
        _mail(signature, context, "signature_confirm", signature.email or address)


def confirm_signature(signature: Signature) -> bool:
    """pending -> confirmed (counted unless flagged). Idempotent and race-safe: the state moves
    in one conditional UPDATE, so only one of two concurrent confirmations bumps the count.
    A signer who wants no updates keeps no address from here on (only its keyed hash, so
    signing again is still recognised). Returns True when this call confirmed it."""
    if signature.state != "pending":
        return False
    require_accepting(signature.appeal)
    keep_less = {} if signature.wants_updates else {"sealed_email": None}
    result = db.session.execute(
        sa.update(Signature)
        .where(Signature.id == signature.id, Signature.state == "pending")
        .values(state="confirmed", confirmed_at=utcnow(), **keep_less)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(signature)
    if result.rowcount != 1:
        return False
    if not signature.flagged:
        bump_signature_count(signature.appeal_id, 1)
        record_signature(signature, 1)
    return True


def erase_personal_data(signature: Signature, forget_mail: bool = True) -> None:
    """Blank the signer's personal data (and, unless the caller does it for a whole batch,
    the mails already sent to them); country, state and times stay, so counts and charts
    do not change."""
    if forget_mail:
        forget_addresses([signature.email])
    signature.shown_name = None
    signature.sealed_name = None
    signature.sealed_email = None
    signature.email_key = None
    signature.domain_key = None
    signature.sealed_city = None
    signature.ip_key = None
    signature.personal_data_erased_at = utcnow()


def _leave_state(signature: Signature, state: str, **values) -> bool:
    """Move a pending/confirmed signature to `state`, decrementing the count if it counted.
    Conditional UPDATEs, so a concurrent second call never decrements twice."""
    for from_state in ("confirmed", "pending"):
        result = db.session.execute(
            sa.update(Signature)
            .where(Signature.id == signature.id, Signature.state == from_state)
            .values(state=state, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            db.session.refresh(signature)
            if from_state == "confirmed" and not signature.flagged:
                bump_signature_count(signature.appeal_id, -1)
                record_signature(signature, -1)
            return True
    db.session.refresh(signature)
    return False


def withdraw_signature(signature: Signature) -> None:
    """The signer withdraws: it stops counting and the personal data is erased. Harmless
    when repeated; an invalidated signature stays invalidated but is erased too."""
    _leave_state(signature, "withdrawn", withdrawn_at=utcnow())
    if signature.personal_data_erased_at is None:
        erase_personal_data(signature)
    db.session.flush()


def invalidate_signatures(user, signatures, reason: str) -> int:
    """A moderator invalidates signatures (with a reason); returns how many changed."""
    reason = (reason or "").strip()
    error = text_error(reason, limits.REASON) if reason else str(_l("Give a reason."))
    if error:
        raise InvalidInput(error, {"reason": error})
    changed = []
    now = utcnow()
    for signature in signatures:
        if _leave_state(signature, "invalidated", invalidated_at=now, invalidation_reason=reason):
            changed.append(signature.id)
    if changed:
        appeal_ids = sorted({s.appeal_id for s in signatures})
        record(
            user,
            "signatures.invalidate",
            f"appeal:{appeal_ids[0]}" if len(appeal_ids) == 1 else "signatures",
            {"count": len(changed), "ids": changed[:1000], "reason": reason},
        )
    db.session.flush()
    return len(changed)
