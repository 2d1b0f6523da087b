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

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from campaign.appeals.models import Appeal
from campaign.appeals.translations import localized_title
from campaign.audit.services import record
from campaign.core.database import utcnow
from campaign.core.datakeys import ip_key
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput
from campaign.endorsements import queries
from campaign.endorsements.inputs import EndorsementInput, clean_input
from campaign.endorsements.logos import store_logo
from campaign.endorsements.models import (
    Endorsement,
    Organization,
    approved_slot,
    sealed_contact,
)
from campaign.endorsements.organizations import (
    find_organization,
    get_or_create_organization,
    website_domain,
)
from campaign.mail.services import enqueue_later, forget_addresses
from campaign.optin import require_accepting
from campaign.optin.abuse import abuse_reason
from campaign.optin.mail import claim_mail, link, mail_url


class AlreadyApproved(InvalidInput):
    """Another endorsement by the same organization is approved for this appeal."""


@dataclass
class Submission:
    """What happened to a public submission. `outcome` is created, or resent (the same
    submission again: its confirmation went out again)."""

    endorsement: Endorsement | None
    outcome: str


# --- mail ------------------------------------------------------------------------------------


def _mail(endorsement: Endorsement, template: str, *, confirm: bool = False) -> None:
    """A mail to the endorsement's contact address (none without one), rendered later by the
    worker, which also signs the links' tokens."""
    if not endorsement.contact_email:
        return
    appeal, language = endorsement.appeal, endorsement.language
    values = {
        "signatory_name": endorsement.signatory_name,
        "organization_name": endorsement.organization.name,
        "appeal_title": localized_title(appeal, language),
        "appeal_url": mail_url("appeals.show", "slug", appeal.slug),
    }
    if confirm:
        payload = {"e": endorsement.id, "m": queries.address_check(endorsement)}
        values["confirm_url"] = link("endorsements.confirm", "endorsement-confirm", payload)
    payload = {"e": endorsement.id}
    values["withdraw_url"] = link("endorsements.withdraw", "endorsement-withdraw", payload)
    enqueue_later(
        endorsement.contact_email, template, language=language, appeal_id=appeal.id, **values
    )


def _send_confirmation(endorsement: Endorsement) -> None:
    """The confirmation again, unless the cap is reached (a new row's first one is counted
    in its INSERT)."""
    if endorsement.contact_email and claim_mail(endorsement):
        _mail(endorsement, "endorsement_confirm", confirm=True)


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
    require_accepting(appeal)
    data = clean_input(data, email_required=True)
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
        **_stored(appeal.id, _endorsement_fields(data)),
        ip_key=ip_key(address),
        flagged=flagged,
        state="pending",
        mails_sent=1,  # its confirmation, below
    )
    db.session.add(endorsement)
    db.session.flush()
    _mail(endorsement, "endorsement_confirm", confirm=True)
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


def _stored(appeal_id: int, fields: dict) -> dict:
    """_endorsement_fields() as columns: the contact address sealed, with its keyed hash."""
    fields = dict(fields)
    return {**fields, **sealed_contact(appeal_id, fields.pop("contact_email"))}


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


def confirm_endorsement(endorsement: Endorsement) -> Endorsement:
    """pending -> submitted. Confirming twice is harmless. When the contact email is on the
    organization's website domain (or a subdomain of it), this endorsement is domain-verified
    (only this one: the address proved it, not the organization's name)."""
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


def withdraw_endorsement(endorsement: Endorsement) -> Endorsement:
    """The organization withdraws (link from its emails): it leaves the public list and the
    count, and its contact email and IP hash are erased at once, with the mails already sent
    to that address, as a signer's withdrawal does; the audit log keeps the fact. Public
    details (the organization, the person who signed for it) stay for the audit trail."""
    if endorsement.state == "withdrawn":
        return endorsement
    previous, address = endorsement.state, endorsement.contact_email
    if not _move(
        endorsement,
        state="withdrawn",
        withdrawn_at=utcnow(),
        is_initiator=False,
        sealed_contact_email=None,
        contact_key=None,
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
    _mail(endorsement, "endorsement_approved")
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
    _mail(endorsement, "endorsement_rejected")
    db.session.flush()
    return endorsement


def add_endorsement_by_campaigner(user, appeal: Appeal, data: EndorsementInput) -> Endorsement:
    """An endorsement collected elsewhere (phone, paper), approved at once, marked as added
    by this campaigner. The contact email is optional; no confirmation is mailed. It is a new
    row: submissions waiting from the website stay as they are, for the moderator."""
    if appeal.state not in ("published", "closed"):
        message = _("Endorsements can be added to published or closed appeals only.")
        raise InvalidInput(message, {"appeal": message})
    data = clean_input(data, email_required=False)
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
        **_stored(appeal.id, _endorsement_fields(data)),
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
