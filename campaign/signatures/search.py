"""Moderators' search over an appeal's signatures (admin list, bulk invalidation, export)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from campaign.core.limits import DOMAIN, SEARCH, unstorable
from campaign.core.validation import UNSTORABLE, InvalidInput
from campaign.signatures.models import SIGNATURE_STATES, Signature, domain_key

FILTER_STATES = (*SIGNATURE_STATES, "flagged")


@dataclass
class SignatureFilter:
    q: str = ""
    domain: str = ""
    country: str = ""
    state: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links and hidden fields)."""
        values = {
            "q": self.q,
            "domain": self.domain,
            "country": self.country,
            "state": self.state,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


def _date(args, name: str, errors: dict) -> dt.date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = str(_l("Use a date like 2025-05-30."))
        return None


def parse_filter(args) -> SignatureFilter:
    """A filter from request arguments (or a form's fields); InvalidInput naming bad fields."""
    errors: dict[str, str] = {
        name: str(UNSTORABLE)
        for name in ("q", "domain", "country", "state", "since", "until")
        if unstorable(args.get(name) or "")
    }
    if errors:  # a NUL would reach LIKE patterns, which PostgreSQL refuses
        raise InvalidInput(str(_l("Please correct the search.")), errors)
    state = (args.get("state") or "").strip()
    if state and state not in FILTER_STATES:
        errors["state"] = str(_l("Unknown state."))
    result = SignatureFilter(
        q=(args.get("q") or "").strip()[:SEARCH],
        domain=(args.get("domain") or "").strip().lower().lstrip("@")[:DOMAIN],
        country=(args.get("country") or "").strip().upper()[:2],
        state=state,
        since=_date(args, "since", errors),
        until=_date(args, "until", errors),
    )
    if errors:
        raise InvalidInput(str(_l("Please correct the search.")), errors)
    return result


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _email_key(appeal_id: int, text: str) -> str | None:
    from campaign.optin.addresses import InvalidEmail, normalize_address
    from campaign.signatures.services import email_key

    try:
        return email_key(appeal_id, normalize_address(text), create=False)
    except InvalidEmail:
        return None


def filtered_signatures(appeal_id: int, f: SignatureFilter) -> sa.Select:
    """Addresses are stored sealed: `q` finds a whole address by its keyed hash (any part of
    a name shown in clear by substring), `domain` a whole domain by its keyed hash."""
    query = sa.select(Signature).where(Signature.appeal_id == appeal_id)
    if f.q:
        pattern = _like(f.q.lower())
        found = [sa.func.lower(Signature.shown_name).like(pattern, escape="\\")]
        key = _email_key(appeal_id, f.q) if "@" in f.q else None
        if key is not None:
            found.append(Signature.email_key == key)
        query = query.where(sa.or_(*found))
    if f.domain:
        key = domain_key(appeal_id, f.domain, create=False)
        query = query.where(Signature.domain_key == key if key else sa.false())
    if f.country:
        query = query.where(Signature.country == f.country)
    if f.state == "flagged":
        query = query.where(Signature.flagged.is_not(None))
    elif f.state:
        query = query.where(Signature.state == f.state)
    if f.since:
        since = dt.datetime.combine(f.since, dt.time.min, tzinfo=dt.UTC)
        query = query.where(Signature.created_at >= since)
    if f.until:
        until = dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
        query = query.where(Signature.created_at < until)
    return query.order_by(Signature.id.desc())


def count_of(query: sa.Select) -> int:
    from campaign.core.extensions import db

    subquery = query.order_by(None).with_only_columns(Signature.id).subquery()
    return db.session.execute(sa.select(sa.func.count()).select_from(subquery)).scalar_one()
