"""Abuse rules shared by the public write paths (signing, endorsing).

A submission that trips a rule is NOT refused: it gets the same answer and the same email as
any other, is stored flagged, and never counts, so an attacker learns nothing."""

from __future__ import annotations

import ipaddress

import sqlalchemy as sa
from flask import current_app
from limits import parse_many

from campaign.extensions import db, limiter
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


def blocked_network(address: str) -> BlockedNetwork | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    # Blocklists are short (campaigner-maintained); check them in Python.
    for row in db.session.execute(sa.select(BlockedNetwork)).scalars():
        try:
            if ip in ipaddress.ip_network(row.cidr, strict=False):
                return row
        except ValueError:
            continue
    return None


def blocked_email_domain(email: str) -> BlockedEmailDomain | None:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]  # sub.example.org, ...
    if not candidates:
        return None
    return db.session.execute(
        sa.select(BlockedEmailDomain).where(BlockedEmailDomain.domain.in_(candidates)).limit(1)
    ).scalar_one_or_none()


def abuse_reason(scope: str, address: str, email: str, honeypot: str | None) -> str | None:
    """Why this submission should be flagged, or None. Checks every rule (each is cheap and
    indexed or in memory), so the rate-limit window counts every attempt."""
    reasons = []
    if honeypot:
        reasons.append("honeypot")
    if over_rate_limit(scope, address):
        reasons.append("rate-limit")
    if blocked_network(address) is not None:
        reasons.append("blocked-network")
    if blocked_email_domain(email) is not None:
        reasons.append("blocked-email-domain")
    return ",".join(reasons) or None
