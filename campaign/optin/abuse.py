"""Abuse rules shared by the public write paths (signing, endorsing).

A submission that trips a rule is NOT refused: it gets the same answer and the same email as
any other, is stored flagged, and never counts, so an attacker learns nothing."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from limits import parse_many

from campaign.core.extensions import db, limiter
from campaign.signatures.models import BlockedEmailDomain, BlockedNetwork


def over_rate_limit(scope: str, address: str) -> bool:
    """Count one hit for (scope, address) against SIGN_RATE_LIMIT; True when over it."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    strategy = limiter.limiter
    over = False
    for item in parse_many(current_app.config["SIGN_RATE_LIMIT"]):
        # hit() on every window, so each counts the attempt even when another is already full.
        if not strategy.hit(item, scope, address):
            over = True
    return over


@dataclass(frozen=True)
class Blocklists:
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    domains: frozenset[str]
    until: float


def blocklists() -> Blocklists:
    """The blocklists, read at most every BLOCKLIST_CACHE_SECONDS per process (0: every time).

    They are short and change rarely, while every signature checks them; a change made in this
    process applies at once (forget_blocklists), one made in another process within the TTL."""
    app = current_app._get_current_object()
    cached = app.extensions.get("blocklists")
    if cached is not None and time.monotonic() < cached.until:
        return cached
    networks = []
    for cidr in db.session.execute(sa.select(BlockedNetwork.cidr)).scalars():
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    domains = frozenset(db.session.execute(sa.select(BlockedEmailDomain.domain)).scalars())
    ttl = float(app.config.get("BLOCKLIST_CACHE_SECONDS", 0))
    fresh = Blocklists(tuple(networks), domains, time.monotonic() + ttl)
    if ttl > 0:
        app.extensions["blocklists"] = fresh
    return fresh


def forget_blocklists() -> None:
    """Drop this process's copy (after a campaigner changed a blocklist)."""
    current_app.extensions.pop("blocklists", None)


def blocked_network(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in blocklists().networks)


def blocked_email_domain(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    parts = domain.split(".")
    blocked = blocklists().domains
    # sub.example.org is blocked by sub.example.org or example.org (not by "org").
    return any(".".join(parts[i:]) in blocked for i in range(len(parts) - 1))


def abuse_reason(scope: str, address: str, email: str, honeypot: str | None) -> str | None:
    """Why this submission should be flagged, or None. Checks every rule (each is cheap and
    indexed or in memory), so the rate-limit window counts every attempt."""
    reasons = []
    if honeypot:
        reasons.append("honeypot")
    if over_rate_limit(scope, address):
        reasons.append("rate-limit")
    if blocked_network(address):
        reasons.append("blocked-network")
    if blocked_email_domain(email):
        reasons.append("blocked-email-domain")
    return ",".join(reasons) or None
