"""What can happen to endorsements. Services flush, never commit; views and the API commit.

An endorsement moves pending (email not confirmed) -> submitted (awaiting moderation) ->
approved (public, counted) or rejected (never public; the reason stays private); the
organization can withdraw it. Appeal.endorsement_count is kept in step in the same
transaction as every move into or out of `approved`.

Nobody proves who they are by typing an organization's name, so a submission never changes
another one: each is its own row with its own confirmation and moderation, and the moderator
sees rivals side by side. At most one endorsement per (appeal, organization) is approved
(the service refuses a second; a unique constraint makes sure)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from campaign.appeals.models import Appeal
from campaign.appeals.translations import localized
from campaign.audit.services import record
from campaign.core.countries import country_codes
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.security import TokenError, keyed_hash, make_token, read_token
from campaign.core.urls import external_url
from campaign.core.validation import InvalidInput, is_http_url
from campaign.endorsements import queries
from campaign.endorsements.logos import Logo, store_logo
from campaign.endorsements.models import (
    ORGANIZATION_KINDS,
    Endorsement,
    Organization,
    approved_slot,
)
from campaign.endorsements.organizations import (
    find_organization,
    get_or_create_organization,
    name_key,
    website_domain,
)
from campaign.endorsements.queries import get_endorsement
from campaign.mail.services import enqueue, forget_addresses
from campaign.optin.abuse import abuse_reason
from campaign.optin.addresses import InvalidEmail, normalize_address

MAX_CONFIRMATION_MAILS = 5


class NotAccepting(Exception):
    """The appeal does not take endorsements now (closed, archived, past its closing time)."""


class AlreadyApproved(InvalidInput):
    """Another endorsement by the same organization is approved for this appeal."""


@dataclass
class EndorsementInput:
    organization_name: str = ""
    kind: str = "ngo"
    country: str | None = None
    website: str | None = None
    signatory_name: str = ""
    signatory_role: str = ""
    contact_email: str | None = None
    comment: str = ""
    wants_updates: bool = True
    language: str = "en"
    logo: Logo | None = field(default=None, repr=False)


@dataclass
class Submission:
    """What happened to a public submission. `outcome` is created, or resent (the same
    submission again: its confirmation went out again)."""

    endorsement: Endorsement | None
    outcome: str


# --- validation ------------------------------------------------------------------------------


def _clean(data: EndorsementInput, *, email_required: bool) -> EndorsementInput:
    """Trim and check every field; InvalidInput names each field at fault."""
    data.organization_name = (data.organization_name or "").strip()
    data.signatory_name = (data.signatory_name or "").strip()
    data.signatory_role = (data.signatory_role or "").strip()
    data.comment = (data.comment or "").strip()
    data.country = (data.country or "").strip().upper() or None
    data.website = (data.website or "").strip() or None
    data.contact_email = (data.contact_email or "").strip() or None
    if data.website is not None and "://" not in data.website:
        data.website = f"https://{data.website}"

    checks = {
        "organization_name": _line_error(
            data.organization_name, 300, _("Give the organization's name.")
        ),
        "signatory_name": _line_error(
            data.signatory_name, 200, _("Give the name of the person signing for the organization.")
        ),
        "signatory_role": _line_error(data.signatory_role, 200),
        "kind": None if data.kind in ORGANIZATION_KINDS else _("Choose the kind of organization."),
        "country": None
        if data.country is None or data.country in country_codes()
        else _("Choose a country from the list."),
        "website": _website_error(data.website),
        "contact_email": _email_error(data, email_required),
        "comment": _("The comment is at most 2,000 characters.")
        if len(data.comment) > 2000
        else _("Remove the control characters.")
        if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in data.comment)
        else None,
    }
    if not checks["organization_name"] and not name_key(data.organization_name):
        checks["organization_name"] = _("Give the organization's name in letters or digits.")
    errors = {name: message for name, message in checks.items() if message}
    if errors:
        raise InvalidInput(_("Please correct the fields marked."), errors)
    return data


def _line_error(value: str, max_length: int, required: str | None = None) -> str | None:
    if not value:
        return required
    if len(value) > max_length:
        return _("At most %(n)d characters.", n=max_length)
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value):
        return _("Use a single line of text.")
    return None


def _website_error(website: str | None) -> str | None:
    if website is None:
        return None
    try:
        ok = (
            len(website) <= 500
            and is_http_url(website)
            and "." in (website_domain(website) or "")
            and _line_error(website, 500) is None
        )
    except ValueError:  # urlsplit refuses some malformed URLs ("http://[")
        ok = False
    return None if ok else _("Give the website's address, like https://example.org.")


def _email_error(data: EndorsementInput, required: bool) -> str | None:
    if data.contact_email is None:
        return _("Give an email address to confirm the endorsement.") if required else None
    try:
        data.contact_email = normalize_address(data.contact_email)
    except InvalidEmail:
        return _("This email address is not valid.")
    return None


def _check_accepting(appeal: Appeal) -> None:
    if not appeal.accepts_signatures:
        raise NotAccepting(appeal.slug)


# --- mail ------------------------------------------------------------------------------------


def _email_check(endorsement: Endorsement) -> str:
    """Ties a confirmation link to the address it was sent to: once that address is gone from
    the row (a withdrawal erases it), the link confirms nothing."""
    return keyed_hash(endorsement.contact_email or "", "endorsement-email")[:16]


def confirm_url(endorsement: Endorsement) -> str:
    token = make_token("endorsement-confirm", {"e": endorsement.id, "m": _email_check(endorsement)})
    return external_url("endorsements.confirm", token=token)


def withdraw_url(endorsement: Endorsement) -> str:
    token = make_token("endorsement-withdraw", {"e": endorsement.id})
    return external_url("endorsements.withdraw", token=token)


def _appeal_url(appeal: Appeal) -> str:
    return external_url("appeals.show", slug=appeal.slug)


def _send_confirmation(endorsement: Endorsement) -> None:
    if not endorsement.contact_email or endorsement.mails_sent >= MAX_CONFIRMATION_MAILS:
        return
    endorsement.mails_sent += 1
    enqueue(
        endorsement.contact_email,
        "endorsement_confirm",
        language=endorsement.language,
        endorsement=endorsement,
        organization=endorsement.organization,
        appeal=endorsement.appeal,
        appeal_title=localized(endorsement.appeal, endorsement.language).title,
        appeal_url=_appeal_url(endorsement.appeal),
        confirm_url=confirm_url(endorsement),
        withdraw_url=withdraw_url(endorsement),
    )


def _notify(endorsement: Endorsement, template: str) -> None:
    if not endorsement.contact_email:
        return
    enqueue(
        endorsement.contact_email,
        template,
        language=endorsement.language,
        endorsement=endorsement,
        organization=endorsement.organization,
        appeal=endorsement.appeal,
        appeal_title=localized(endorsement.appeal, endorsement.language).title,
        appeal_url=_appeal_url(endorsement.appeal),
        withdraw_url=withdraw_url(endorsement),
    )


# --- the public path -------------------------------------------------------------------------


def submit_endorsement(
    appeal: Appeal,
    data: EndorsementInput,
    *,
    address: str,
    honeypot: str | None = None,
) -> Submission:
    """An organization's representative endorses an appeal (form or API).

    Matches an existing organization by normalized name or website domain. Whatever else
    the organization has on this appeal (pending, submitted, approved) stays as it is: this
    submission is a new row that needs its own confirmation and moderation. Only the same
    submission again (same address, same details, still unconfirmed) sends the waiting
    confirmation again instead of adding a row. The answer is the same in every case. A
    submission that trips an abuse rule gets the same answer and mail but is stored flagged
    and never reaches the moderation queue."""
    _check_accepting(appeal)
    data = _clean(data, email_required=True)
    flagged = abuse_reason("endorse", address, data.contact_email or "", honeypot)

    organization = find_organization(data.organization_name, data.website)
    if organization is not None:
        repeated = _same_submission(appeal, organization, data)
        if repeated is not None:
            if not flagged:
                _send_confirmation(repeated)
            return Submission(repeated, "resent")
    else:
        organization = get_or_create_organization(
            data.organization_name, kind=data.kind, country=data.country, website=data.website
        )
        _fill_organization(organization, data)  # the logo
    endorsement = Endorsement(
        appeal=appeal,
        organization=organization,
        **_endorsement_fields(data),
        ip_key=keyed_hash(address),
        flagged=flagged,
        state="pending",
    )
    db.session.add(endorsement)
    db.session.flush()
    _send_confirmation(endorsement)
    return Submission(endorsement, "created")


def _same_submission(
    appeal: Appeal, organization: Organization, data: EndorsementInput
) -> Endorsement | None:
    """An unconfirmed endorsement with exactly these details (a second click, a lost mail)."""
    wanted = _endorsement_fields(data)
    for candidate in queries.pending_from(appeal, organization, data.contact_email or ""):
        if not candidate.flagged and all(
            getattr(candidate, key) == value for key, value in wanted.items()
        ):
            return candidate
    return None


def _endorsement_fields(data: EndorsementInput) -> dict:
    return {
        "signatory_name": data.signatory_name,
        "signatory_role": data.signatory_role,
        "contact_email": data.contact_email,
        "comment": data.comment,
        "wants_updates": data.wants_updates,
        "language": data.language,
    }


def _fill_organization(organization: Organization, data: EndorsementInput) -> None:
    """Complete what an organization lacks; never overwrite what it has. Only for an
    organization this very submission created, or by a campaigner: anyone can type an
    existing organization's name, and its website is what domain verification checks."""
    if organization.country is None and data.country:
        organization.country = data.country
    if organization.website is None and data.website:
        organization.website = data.website
        organization.website_domain = website_domain(data.website)
    if organization.logo is None and data.logo is not None:
        organization.logo = store_logo(data.logo, db.session)


def _endorsement_from_token(purpose: str, token: str, max_age_key: str) -> Endorsement:
    payload = read_token(purpose, token, max_age=current_app.config[max_age_key])
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
        raise TokenError()
    endorsement = get_endorsement(payload["e"])
    if endorsement is None:
        raise TokenError()
    if "m" in payload and payload["m"] != _email_check(endorsement):
        raise TokenError()
    return endorsement


def endorsement_for_confirm_token(token: str) -> Endorsement:
    """The endorsement a confirmation link is for; TokenError if bad, expired or outdated."""
    return _endorsement_from_token("endorsement-confirm", token, "CONFIRM_TOKEN_MAX_AGE")


def endorsement_for_withdraw_token(token: str) -> Endorsement:
    return _endorsement_from_token("endorsement-withdraw", token, "WITHDRAW_TOKEN_MAX_AGE")


def confirm_endorsement(token: str) -> Endorsement:
    """pending -> submitted. Confirming twice is harmless. When the contact email is on the
    organization's website domain (or a subdomain of it), this endorsement is domain-verified
    (only this one: the address proved it, not the organization's name)."""
    endorsement = endorsement_for_confirm_token(token)
    organization = endorsement.organization
    now = utcnow()
    verified = email_on_domain(endorsement.contact_email, organization.website_domain)
    moved = endorsement.state == "pending" and _move(
        endorsement,
        state="submitted",
        submitted_at=now,
        domain_verified_at=now if verified else None,
    )
    if not moved:
        return endorsement
    if verified and organization.domain_verified_at is None:
        organization.domain_verified_at = now
    db.session.flush()
    return endorsement


def email_on_domain(email: str | None, domain: str | None) -> bool:
    if not email or not domain or "@" not in email:
        return False
    host = email.rsplit("@", 1)[1].lower().rstrip(".")
    domain = domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def withdraw_endorsement(token: str) -> Endorsement:
    """The organization withdraws (link from its emails): it leaves the public list and the
    count, and its contact email and IP hash are erased at once, with the mails already sent
    to that address, as a signer's withdrawal does; the audit log keeps the fact. Public
    details (the organization, the person who signed for it) stay for the audit trail."""
    endorsement = endorsement_for_withdraw_token(token)
    if endorsement.state == "withdrawn":
        return endorsement
    previous, address = endorsement.state, endorsement.contact_email
    if not _move(
        endorsement,
        state="withdrawn",
        withdrawn_at=utcnow(),
        is_initiator=False,
        contact_email=None,
        ip_key=None,
    ):
        return endorsement  # changed meanwhile: the page shows its state; pressing again works
    forget_addresses([address])
    if previous == "approved":
        _bump_count(endorsement.appeal, -1)
    record(
        None,
        "endorsement.withdraw",
        endorsement,
        {
            "appeal": endorsement.appeal.slug,
            "organization": endorsement.organization.name,
            "previous_state": previous,
        },
    )
    db.session.flush()
    return endorsement


# --- moderation ------------------------------------------------------------------------------


def _move(endorsement: Endorsement, **values) -> bool:
    """Change an endorsement only if its state is still the one this request saw, so two
    moderators (or a moderator and a withdrawal) at once cannot both move it and count it
    twice. False, with the row reloaded, when another transaction moved it first."""
    if "state" in values:
        values["approved_slot"] = approved_slot(values["state"])
    result = db.session.execute(
        sa.update(Endorsement)
        .where(Endorsement.id == endorsement.id, Endorsement.state == endorsement.state)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(endorsement)
    return result.rowcount == 1


def _moved_meanwhile() -> InvalidInput:
    message = _("Someone changed this endorsement meanwhile; reload the page and try again.")
    return InvalidInput(message, {"state": message})


def _bump_count(appeal: Appeal, delta: int) -> None:
    # An SQL expression, so two moderators at once cannot lose an update.
    db.session.execute(
        sa.update(Appeal)
        .where(Appeal.id == appeal.id)
        .values(endorsement_count=Appeal.endorsement_count + delta)
    )
    db.session.refresh(appeal, ["endorsement_count"])


def _already_approved(endorsement: Endorsement) -> AlreadyApproved:
    message = _(
        "%(name)s already has an approved endorsement of this appeal. Reject that one, or have "
        "the organization withdraw it, before approving another.",
        name=endorsement.organization.name,
    )
    return AlreadyApproved(message, {"state": message})


def approve_endorsement(user, endorsement: Endorsement) -> Endorsement:
    """submitted (or rejected) -> approved: public and counted. Refused while another
    endorsement by the same organization is approved for this appeal."""
    if endorsement.state not in ("submitted", "rejected"):
        message = _("Only a confirmed endorsement can be approved.")
        raise InvalidInput(message, {"state": message})
    if queries.approved_endorsement_for(
        endorsement.appeal_id, endorsement.organization_id, other_than=endorsement.id
    ):
        raise _already_approved(endorsement)
    try:
        with db.session.begin_nested():  # the unique constraint decides a race
            moved = _move(
                endorsement,
                state="approved",
                moderated_by_id=getattr(user, "id", None),
                moderated_at=utcnow(),
                moderation_reason=None,
            )
    except IntegrityError:
        raise _already_approved(endorsement) from None
    if not moved:
        raise _moved_meanwhile()
    _bump_count(endorsement.appeal, +1)
    record(user, "endorsement.approve", endorsement, {"appeal": endorsement.appeal.slug})
    _notify(endorsement, "endorsement_approved")
    db.session.flush()
    return endorsement


def reject_endorsement(user, endorsement: Endorsement, reason: str) -> Endorsement:
    """Reject with a reason that is kept privately (not shown publicly nor mailed)."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Give a reason; it is kept private.")
        raise InvalidInput(message, {"reason": message})
    if len(reason) > 2000:
        message = _("The reason is at most 2,000 characters.")
        raise InvalidInput(message, {"reason": message})
    if endorsement.state not in ("submitted", "approved"):
        message = _("Only a confirmed or approved endorsement can be rejected.")
        raise InvalidInput(message, {"state": message})
    previous = endorsement.state
    if not _move(
        endorsement,
        state="rejected",
        is_initiator=False,
        moderated_by_id=getattr(user, "id", None),
        moderated_at=utcnow(),
        moderation_reason=reason,
    ):
        raise _moved_meanwhile()
    if previous == "approved":
        _bump_count(endorsement.appeal, -1)
    record(user, "endorsement.reject", endorsement, {"reason": reason})
    _notify(endorsement, "endorsement_rejected")
    db.session.flush()
    return endorsement


def add_endorsement_by_campaigner(user, appeal: Appeal, data: EndorsementInput) -> Endorsement:
    """An endorsement collected elsewhere (phone, paper), approved at once, marked as added
    by this campaigner. The contact email is optional; no confirmation is mailed. It is a new
    row: submissions waiting from the website stay as they are, for the moderator."""
    if appeal.state not in ("published", "closed"):
        message = _("Endorsements can be added to published or closed appeals only.")
        raise InvalidInput(message, {"appeal": message})
    data = _clean(data, email_required=False)
    organization = get_or_create_organization(
        data.organization_name, kind=data.kind, country=data.country, website=data.website
    )
    message = _("%(name)s already endorses this appeal.", name=organization.name)
    if queries.approved_endorsement_for(appeal.id, organization.id) is not None:
        raise InvalidInput(message, {"organization_name": message})
    _fill_organization(organization, data)
    now = utcnow()
    endorsement = Endorsement(
        appeal=appeal,
        organization=organization,
        **_endorsement_fields(data),
        state="approved",
        added_by_id=getattr(user, "id", None),
        moderated_by_id=getattr(user, "id", None),
        submitted_at=now,
        moderated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(endorsement)
            db.session.flush()
    except IntegrityError:  # approved meanwhile by a moderator
        raise InvalidInput(message, {"organization_name": message}) from None
    _bump_count(appeal, +1)
    record(
        user,
        "endorsement.add",
        endorsement,
        {"appeal": appeal.slug, "organization": organization.name},
    )
    return endorsement


def set_initiator(user, endorsement: Endorsement, initiator: bool = True) -> Endorsement:
    """Initiators of an appeal are listed first. Only approved endorsements can be marked."""
    if initiator and endorsement.state != "approved":
        message = _("Only an approved endorsement can be marked as an initiator.")
        raise InvalidInput(message, {"state": message})
    endorsement.is_initiator = initiator
    record(user, "endorsement.initiator", endorsement, {"initiator": initiator})
    db.session.flush()
    return endorsement
