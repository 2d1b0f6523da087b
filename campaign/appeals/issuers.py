"""An appeal's issuers and their approval of its text before it is published.

Each issuer may name a contact. When the draft is ready an editor asks them: each contact
gets a link (a signed, purpose-scoped, expiring token naming the issuer, its appeal and its
contact) to a page with the exact text, where they approve it or ask for changes. An approval
holds for the text approved: its hash is stored, and any later edit of the title, summary,
body, demands or targets makes it stale ("changed since approved: ask again"). Publishing a
draft waits for a current approval of every issuer that has a contact; an issuer without a
contact cannot be asked and holds nothing up (an appeal whose issuers have no contact
publishes as before). An admin may publish anyway, with a reason for the audit log.

Services flush, never commit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from campaign.appeals.models import Appeal, AppealIssuer
from campaign.audit.services import record
from campaign.core import limits
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.security import TokenError, read_token
from campaign.core.validation import InvalidInput, require

MAX_ISSUERS = 20
#: How long an approval link works.
LINK_MAX_AGE = 30 * 24 * 3600
TOKEN_PURPOSE = "issuer-approval"  # noqa: S105 - a token purpose, not a secret

#: Keep the contact as it is (IssuerInput.contact_email).
KEEP = ...


@dataclass
class IssuerInput:
    organization: object  # an Organization
    #: The address asked to approve; None or "" for none; KEEP leaves an existing one.
    contact_email: object = KEEP


class ApprovalsMissing(InvalidInput):
    """Publishing refused: these issuers have not approved the current text."""

    def __init__(self, missing: list[AppealIssuer]):
        names = ", ".join(issuer.organization.name for issuer in missing)
        slugs = [issuer.organization.slug for issuer in missing]
        super().__init__(f"Waiting for the approval of: {names}.", {"issuers": slugs})
        self.missing = missing


# --- the list ----------------------------------------------------------------------------------


def set_issuers(appeal: Appeal, items: Sequence[IssuerInput]) -> None:
    """Make the appeal's issuers exactly these, in this order. An organization kept keeps its
    row (and its approval); a changed contact starts its approval again."""
    require(len(items) <= MAX_ISSUERS, "issuers", f"At most {MAX_ISSUERS} issuers.")
    seen: set[int] = set()
    for item in items:
        org = item.organization
        require(org.id not in seen, "issuers", f"{org.name} is named twice.")
        seen.add(org.id)
    existing = {issuer.organization_id: issuer for issuer in appeal.issuers}
    ordered: list[AppealIssuer] = []
    for number, item in enumerate(items, start=1):
        issuer = existing.get(item.organization.id)
        if issuer is None:
            issuer = AppealIssuer(organization=item.organization, position=10_000 + number)
            issuer.appeal = appeal
            db.session.add(issuer)
        if item.contact_email is not KEEP:
            _set_contact(issuer, item.contact_email)
        ordered.append(issuer)
    for issuer in [i for i in appeal.issuers if i not in ordered]:
        appeal.issuers.remove(issuer)
    db.session.flush()
    # Out of the way first, then the final positions: (appeal, position) is unique.
    for offset, issuer in enumerate(ordered, start=1):
        issuer.position = 10_000 + offset
    appeal.issuers[:] = ordered
    db.session.flush()
    for position, issuer in enumerate(ordered, start=1):
        issuer.position = position
    appeal.issued_by = ordered[0].organization if ordered else None
    db.session.flush()


def edit_issuers(user, appeal: Appeal, items: Sequence[IssuerInput]) -> Appeal:
    """Campaigners set the issuers (names, order, contacts); audited."""
    require(appeal.state != "archived", "issuers", "An archived appeal is read-only.")
    set_issuers(appeal, items)
    slugs = [issuer.organization.slug for issuer in appeal.issuers]
    record(user, "appeal.issuers", appeal, {"issuers": slugs})
    return appeal


def issuers_from_lines(text: str) -> list[IssuerInput]:
    """The admin form's list: one issuer a line, "name or slug | contact email" (the contact
    optional). An organization is found by slug, then by name, or added."""
    from campaign.endorsements.organizations import get_or_create_organization
    from campaign.endorsements.queries import get_organization_by_slug

    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        name, _bar, email = line.partition("|")
        name = name.strip()
        if not name:
            require(not email.strip(), "issuers", f"Line {number} has no organization.")
            continue
        too_long = f"Line {number}: the name is at most {limits.ORGANIZATION_NAME} characters."
        require(len(name) <= limits.ORGANIZATION_NAME, "issuers", too_long)
        organization = get_organization_by_slug(name) or get_or_create_organization(name)
        items.append(IssuerInput(organization, email.strip() or None))
    return items


def _set_contact(issuer: AppealIssuer, email) -> None:
    from campaign.optin.addresses import InvalidEmail, normalize_address

    email = (email or "").strip() or None
    if email is not None:
        try:
            email = normalize_address(email)
        except InvalidEmail:
            name = issuer.organization.name
            raise InvalidInput(
                f"{name}: not an email address.", {"issuers": f"{name}: not an email address."}
            ) from None
    if email == issuer.contact_email:
        return
    issuer.contact_email = email
    _reset(issuer)


def _reset(issuer: AppealIssuer) -> None:
    issuer.approval, issuer.approved_hash = "not_asked", None
    issuer.asked_at = issuer.decided_at = None
    issuer.comment = ""


def issuer_names(appeal: Appeal, language: str | None = None) -> str:
    """The issuers' names as one phrase in `language` (the page's): "A, B and C"."""
    from babel.lists import format_list

    from campaign.names.localize import local_name_text, page_language

    language = language or page_language()
    names = [local_name_text(org, language) for org in appeal.issuer_organizations]
    return format_list(names, locale=language) if names else ""


# --- what is approved ----------------------------------------------------------------------------


def content_hash(appeal: Appeal) -> str:
    """A hash of what issuers approve: title, summary, body, and each demand with its targets,
    in order. Any edit of these changes it."""
    text = {
        "title": appeal.title,
        "summary": appeal.summary,
        "body": appeal.body,
        "demands": [
            [demand.text, sorted(t.authority.slug for t in demand.targets)]
            for demand in appeal.demands
        ],
    }
    return hashlib.sha256(json.dumps(text, ensure_ascii=False).encode()).hexdigest()


#: What campaigners see of each issuer (issuer_state): the reason publishing waits or not.
STATES = ("no_contact", "not_asked", "asked", "approved", "changed", "changes_requested")


def issuer_state(issuer: AppealIssuer, current: str) -> str:
    if not issuer.sealed_contact_email:
        return "no_contact"
    if issuer.approval == "approved" and issuer.approved_hash != current:
        return "changed"  # approved another text: ask again
    return issuer.approval


def approval_rows(appeal: Appeal) -> list[tuple[AppealIssuer, str]]:
    current = content_hash(appeal)
    return [(issuer, issuer_state(issuer, current)) for issuer in appeal.issuers]


def missing_approvals(appeal: Appeal) -> list[AppealIssuer]:
    """Issuers with a contact that have not approved the current text."""
    return [i for i, state in approval_rows(appeal) if state not in ("approved", "no_contact")]


def check_approvals(user, appeal: Appeal, override_reason: str | None) -> None:
    """Before publishing: every issuer with a contact approved the current text, or an admin
    overrides with a reason (audited, naming who had not approved)."""
    missing = missing_approvals(appeal)
    if not missing:
        return
    if override_reason is None:
        raise ApprovalsMissing(missing)
    reason = override_reason.strip()
    require(bool(reason), "override_reason", "Say why it is published without every approval.")
    if user is not None and not user.has_role("admin"):
        raise InvalidInput("Only an admin may publish without every issuer's approval.")
    require(len(reason) <= limits.NOTE, "override_reason", "The reason is too long.")
    detail = {"reason": reason, "missing": [i.organization.slug for i in missing]}
    record(user, "appeal.approval_override", appeal, detail)


# --- asking ------------------------------------------------------------------------------------


def ask_issuers(user, appeal: Appeal) -> int:
    """Mail each issuer with a contact whose approval of the current text is missing a link
    to approve it; the number of mails. A draft only."""
    require(appeal.state == "draft", "issuers", "Only a draft's issuers are asked to approve it.")
    asked = missing_approvals(appeal)
    require(bool(asked), "issuers", "No issuer with a contact is waiting to be asked.")
    now = utcnow()
    for issuer in asked:
        _reset(issuer)
        issuer.approval, issuer.asked_at = "asked", now
        _mail(issuer)
    db.session.flush()
    record(user, "appeal.ask_approval", appeal, {"issuers": [i.organization.slug for i in asked]})
    return len(asked)


def _mail(issuer: AppealIssuer) -> None:
    from campaign.appeals.translations import localized_title
    from campaign.mail.services import enqueue_later
    from campaign.optin.mail import link

    appeal = issuer.appeal
    enqueue_later(
        issuer.contact_email,
        "issuer_approval",
        language=appeal.language,
        appeal_id=appeal.id,
        appeal_title=localized_title(appeal, appeal.language),
        organization_name=issuer.organization.name,
        approval_url=link("appeals.issuer_approval", TOKEN_PURPOSE, link_payload(issuer)),
    )


def link_payload(issuer: AppealIssuer) -> dict:
    return {"a": issuer.appeal_id, "i": issuer.id, "k": (issuer.contact_key or "")[:16]}


def issuer_from_link(token: str) -> AppealIssuer:
    """The issuer a mailed link names; TokenError when the token is bad, expired, or names
    an issuer that is gone, of another appeal, or with another contact now."""
    payload = read_token(TOKEN_PURPOSE, token, max_age=LINK_MAX_AGE)
    if not isinstance(payload, dict):
        raise TokenError()
    issuer = db.session.get(AppealIssuer, payload.get("i"))
    if issuer is None or payload != link_payload(issuer) or not issuer.contact_key:
        raise TokenError()
    return issuer


# --- answering ---------------------------------------------------------------------------------


def _check_answerable(issuer: AppealIssuer, version: str) -> None:
    appeal = issuer.appeal
    if appeal.state != "draft":
        raise InvalidInput(_("This appeal is no longer a draft: there is nothing to approve."))
    if version != content_hash(appeal):
        raise InvalidInput(_("The text changed while you were reading it: please read it again."))


def approve_text(issuer: AppealIssuer, version: str) -> AppealIssuer:
    """The issuer approves the text it was shown (`version`: its content hash)."""
    _check_answerable(issuer, version)
    issuer.approval, issuer.approved_hash = "approved", version
    issuer.decided_at, issuer.comment = utcnow(), ""
    db.session.flush()
    record(None, "issuer.approve", issuer.appeal, {"issuer": issuer.organization.slug})
    return issuer


def request_changes(issuer: AppealIssuer, version: str, comment: str) -> AppealIssuer:
    """The issuer asks for changes to the text it was shown, saying which."""
    comment = (comment or "").strip()
    require(bool(comment), "comment", _("Say what should change."))
    too_long = _("At most %(max)d characters.", max=limits.NOTE)
    require(len(comment) <= limits.NOTE, "comment", too_long)
    _check_answerable(issuer, version)
    issuer.approval, issuer.approved_hash = "changes_requested", None
    issuer.decided_at, issuer.comment = utcnow(), comment
    db.session.flush()
    record(None, "issuer.changes", issuer.appeal, {"issuer": issuer.organization.slug})
    return issuer
