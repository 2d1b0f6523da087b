"""The abuse blocklists campaigners edit: IP networks (CIDR) and email domains. Signatures
that match are not refused; campaign.optin.abuse flags them so they never count."""

from __future__ import annotations

import ipaddress
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from campaign.audit.services import record
from campaign.core import limits
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput, text_error
from campaign.optin.abuse import forget_blocklists
from campaign.signatures.models import BlockedEmailDomain, BlockedNetwork

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def list_blocklists() -> tuple[list[BlockedNetwork], list[BlockedEmailDomain]]:
    networks = db.session.execute(sa.select(BlockedNetwork).order_by(BlockedNetwork.cidr))
    domains = db.session.execute(sa.select(BlockedEmailDomain).order_by(BlockedEmailDomain.domain))
    return list(networks.scalars()), list(domains.scalars())


def _invalid(field: str, message) -> InvalidInput:
    return InvalidInput(str(message), {field: str(message)})


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    error = text_error(reason, limits.REASON)
    if error:
        raise _invalid("reason", error)
    return reason


def add_blocked_network(user, cidr: str, reason: str = "") -> BlockedNetwork:
    reason = _reason(reason)
    try:
        network = ipaddress.ip_network((cidr or "").strip(), strict=False)
    except ValueError:
        raise _invalid("cidr", _l("Enter an IP address or network, like 203.0.113.0/24.")) from None
    value = str(network)
    taken = _l("%(cidr)s is already blocked.", cidr=value)
    return _add(user, BlockedNetwork, "network", "cidr", value, reason, taken)


def add_blocked_domain(user, domain: str, reason: str = "") -> BlockedEmailDomain:
    reason = _reason(reason)
    value = (domain or "").strip().lower().lstrip("@").rstrip(".")
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        value = ""
    if not _DOMAIN.match(value):
        raise _invalid("domain", _l("Enter a domain, like example.org."))
    taken = _l("%(domain)s is already blocked.", domain=value)
    return _add(user, BlockedEmailDomain, "domain", "domain", value, reason, taken)


def _add(user, model, kind: str, field: str, value: str, reason: str, taken):
    """Add one blocklist row (audited); InvalidInput on `field` when it is there already."""
    if db.session.execute(sa.select(model.id).where(getattr(model, field) == value)).first():
        raise _invalid(field, taken)
    row = model(**{field: value}, reason=reason, created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    forget_blocklists()
    record(user, f"blocklist.{kind}.add", row, {field: value, "reason": row.reason})
    return row


def remove_blocked_network(user, network_id: int) -> bool:
    return _remove(user, BlockedNetwork, network_id, "network", "cidr")


def remove_blocked_domain(user, domain_id: int) -> bool:
    return _remove(user, BlockedEmailDomain, domain_id, "domain", "domain")


def _remove(user, model, row_id: int, kind: str, field: str) -> bool:
    """Delete one blocklist row (audited); False when there is none."""
    row = db.session.get(model, row_id)
    if row is None:
        return False
    record(user, f"blocklist.{kind}.remove", row, {field: getattr(row, field)})
    db.session.delete(row)
    db.session.flush()
    forget_blocklists()
    return True
