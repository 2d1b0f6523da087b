"""Reading endorsements and organizations: what pages, the API and the export show.
Lists load their organization (and appeal, where shown) eagerly: no query per row."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from campaign.appeals.models import Appeal, AppealIssuer
from campaign.core.extensions import db
from campaign.core.security import TokenError, keyed_hash
from campaign.endorsements.models import (
    ENDORSEMENT_STATES,
    Endorsement,
    Organization,
    contact_key,
)
from campaign.endorsements.organizations import website_domain
from campaign.optin.mail import read_link


def get_endorsement(endorsement_id: int) -> Endorsement | None:
    return db.session.get(Endorsement, endorsement_id)


def get_endorsement_or_404(endorsement_id: int, message: str | None = None) -> Endorsement:
    """For moderators' pages and API calls (the JSON error handler words the API's 404)."""
    endorsement = get_endorsement(endorsement_id)
    if endorsement is None:
        abort(404, description=message)
    return endorsement


def address_check(endorsement: Endorsement) -> str:
    """Ties a confirmation link to the address it was sent to: once that address is gone from
    the row (a withdrawal erases it), the link confirms nothing."""
    return keyed_hash(endorsement.contact_email or "", "endorsement-email")[:16]


def endorsement_from_link(purpose: str, token: str) -> Endorsement:
    """The endorsement a mailed link is for; TokenError (with .expired) when the link is bad,
    too old, or outdated (the endorsement or the address it went to is gone)."""
    payload = read_link(purpose, token)
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
        raise TokenError()
    endorsement = get_endorsement(payload["e"])
    if endorsement is None:
        raise TokenError()
    if "m" in payload and payload["m"] != address_check(endorsement):
        raise TokenError()
    return endorsement


def approved_endorsement_for(
    appeal_id: int, organization_id: int, *, other_than: int | None = None
) -> Endorsement | None:
    """The organization's approved endorsement of the appeal (there is at most one)."""
    query = sa.select(Endorsement).where(
        Endorsement.appeal_id == appeal_id,
        Endorsement.organization_id == organization_id,
        Endorsement.state == "approved",
    )
    if other_than is not None:
        query = query.where(Endorsement.id != other_than)
    return db.session.execute(query).scalar_one_or_none()


def pending_from(appeal: Appeal, organization: Organization, email: str) -> list[Endorsement]:
    """The organization's unconfirmed endorsements of the appeal sent to this address."""
    return list(
        db.session.execute(
            sa.select(Endorsement)
            .where(
                Endorsement.appeal_id == appeal.id,
                Endorsement.organization_id == organization.id,
                Endorsement.state == "pending",
                Endorsement.contact_key == contact_key(appeal.id, email),
            )
            .order_by(Endorsement.id)
        )
        .unique()
        .scalars()
    )


def rivals_of(endorsements: Iterable[Endorsement]) -> dict[int, list[Endorsement]]:
    """For each endorsement, the other endorsements of the same appeal by the same
    organization (any state), oldest first: a moderator must see them side by side. One
    query for the whole list."""
    endorsements = list(endorsements)
    if not endorsements:
        return {}
    candidates = db.session.execute(
        sa.select(Endorsement)
        .where(
            Endorsement.appeal_id.in_({e.appeal_id for e in endorsements}),
            Endorsement.organization_id.in_({e.organization_id for e in endorsements}),
        )
        .order_by(Endorsement.id)
    ).unique()
    by_pair: dict[tuple[int, int], list[Endorsement]] = {}
    for candidate in candidates.scalars():
        by_pair.setdefault((candidate.appeal_id, candidate.organization_id), []).append(candidate)
    return {
        e.id: [r for r in by_pair.get((e.appeal_id, e.organization_id), []) if r.id != e.id]
        for e in endorsements
    }


def public_endorsements(appeal: Appeal) -> list[Endorsement]:
    """Approved endorsements of an appeal: initiators first, then by country and name."""
    return list(
        db.session.execute(
            sa.select(Endorsement)
            .join(Endorsement.organization)
            .where(Endorsement.appeal_id == appeal.id, Endorsement.state == "approved")
            .order_by(
                Endorsement.is_initiator.desc(),
                Organization.country,
                Organization.name_key,
            )
        )
        .unique()
        .scalars()
    )


def moderation_queue(appeal: Appeal | None = None) -> list[Endorsement]:
    """Confirmed endorsements waiting for a moderator, oldest first. Flagged ones (abuse
    rules) never appear here."""
    query = (
        sa.select(Endorsement)
        .options(joinedload(Endorsement.appeal))
        .where(Endorsement.state == "submitted", Endorsement.flagged.is_(None))
        .order_by(Endorsement.submitted_at, Endorsement.id)
    )
    if appeal is not None:
        query = query.where(Endorsement.appeal_id == appeal.id)
    return list(db.session.execute(query).unique().scalars())


def endorsements_in_state(appeal: Appeal, state: str) -> list[Endorsement]:
    query = sa.select(Endorsement).where(
        Endorsement.appeal_id == appeal.id, Endorsement.state == state
    )
    if state == "submitted":
        query = query.where(Endorsement.flagged.is_(None))
    return list(
        db.session.execute(query.order_by(Endorsement.submitted_at, Endorsement.id))
        .unique()
        .scalars()
    )


def endorsements_by_state(appeal: Appeal) -> dict[str, list[Endorsement]]:
    rows = db.session.execute(
        sa.select(Endorsement)
        .where(Endorsement.appeal_id == appeal.id)
        .order_by(Endorsement.is_initiator.desc(), Endorsement.created_at, Endorsement.id)
    ).unique()
    grouped: dict[str, list[Endorsement]] = {state: [] for state in ENDORSEMENT_STATES}
    grouped["flagged"] = []
    for endorsement in rows.scalars():
        key = "flagged" if endorsement.flagged else endorsement.state
        grouped[key].append(endorsement)
    return grouped


def organization_endorsements(organization: Organization) -> list[Endorsement]:
    """The organization's approved endorsements of public appeals, newest first."""
    return list(
        db.session.execute(
            sa.select(Endorsement)
            .join(Endorsement.appeal)
            .options(joinedload(Endorsement.appeal))
            .where(
                Endorsement.organization_id == organization.id,
                Endorsement.state == "approved",
                Appeal.is_public,
            )
            .order_by(Endorsement.moderated_at.desc(), Endorsement.id.desc())
        )
        .unique()
        .scalars()
    )


def organization_appeals(organization: Organization) -> list[Appeal]:
    """Public appeals the organization issued (alone or with others)."""
    issued = sa.select(AppealIssuer.appeal_id).where(
        AppealIssuer.organization_id == organization.id
    )
    return list(
        db.session.execute(
            sa.select(Appeal)
            .where(Appeal.id.in_(issued), Appeal.is_public)
            .order_by(Appeal.published_at.desc())
        )
        .unique()
        .scalars()
    )


def organizations_by_slug(slugs) -> dict[str, Organization]:
    """The organizations with these slugs, in one query; unknown slugs are simply absent."""
    wanted = {slug for slug in slugs if isinstance(slug, str) and "\x00" not in slug}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(Organization).where(Organization.slug.in_(wanted)))
    return {organization.slug: organization for organization in rows.scalars()}


def get_organization_by_slug(slug: str) -> Organization | None:
    return db.session.execute(
        sa.select(Organization).where(Organization.slug == slug)
    ).scalar_one_or_none()


def waiting_count(appeal_id: int | None = None) -> int:
    """Endorsements in the moderation queue (of one appeal, or all)."""
    query = (
        sa.select(sa.func.count())
        .select_from(Endorsement)
        .where(Endorsement.state == "submitted", Endorsement.flagged.is_(None))
    )
    if appeal_id is not None:
        query = query.where(Endorsement.appeal_id == appeal_id)
    return db.session.execute(query).scalar_one()


# --- domain check for moderators ----------------------------------------------------------------


def _ascii_host(host: str | None) -> str | None:
    """A host name as IDNA ASCII, lower-cased, without a trailing dot or "www.", so that
    "Пример.кг" and "xn--e1afmkfd.xn--j1aef" compare equal. None when it is not a host."""
    host = unicodedata.normalize("NFKC", (host or "").strip()).lower().rstrip(".")
    if not host:
        return None
    try:
        labels = [label.encode("idna").decode("ascii") for label in host.split(".")]
    except UnicodeError:
        return None
    return ".".join(labels).removeprefix("www.") or None


def domain_matches(endorsement: Endorsement) -> bool | None:
    """Whether the contact's email domain is the organization's website domain (see
    email_domain_matches): a hint for moderators, not proof (confirmed endorsements from such
    an address also carry `domain_verified_at`)."""
    return email_domain_matches(endorsement.contact_email, endorsement.organization.website)


def email_domain_matches(email: str | None, website: str | None) -> bool | None:
    """True when the address's domain is the website's host (without "www.") or one of its
    subdomains (mail.kloop.kg for kloop.kg), Unicode and punycode spellings alike. None when
    there is nothing to compare: no website, or no address (erased, or never given). A parent
    domain does not match (a@gov.kg for ministry.gov.kg): it may be anyone's."""
    if not email or "@" not in email:
        return None
    site = _ascii_host(website_domain(website))
    if site is None:
        return None
    host = _ascii_host(email.rsplit("@", 1)[1])
    return host is not None and (host == site or host.endswith("." + site))


def domain_checks(endorsements: Iterable[Endorsement]) -> dict[int, bool | None]:
    """domain_matches for each endorsement, by id, for the moderators' rows."""
    return {e.id: domain_matches(e) for e in endorsements}


def group_by_country(endorsements: Iterable[Endorsement]) -> tuple[list, list]:
    """(initiators, [(country code or None, [endorsements])]) for the public list."""
    initiators, groups = [], {}
    for endorsement in endorsements:
        if endorsement.is_initiator:
            initiators.append(endorsement)
        else:
            groups.setdefault(endorsement.organization.country, []).append(endorsement)
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return initiators, ordered


def count_export_rows(appeal: Appeal) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Endorsement)
        .where(Endorsement.appeal_id == appeal.id)
    )


def export_rows(appeal: Appeal):
    """Every endorsement of an appeal with private fields, for the campaigners' CSV."""
    return db.session.execute(
        sa.select(Endorsement)
        .where(Endorsement.appeal_id == appeal.id)
        .order_by(Endorsement.id)
        .execution_options(yield_per=500)
    ).scalars()
