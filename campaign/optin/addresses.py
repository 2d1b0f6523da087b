"""The one normalizer of the address an opt-in mail goes to (a signer's, an endorser's)."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from campaign.core import limits


class InvalidEmail(ValueError):
    pass


def normalize_address(raw: str) -> str:
    """The address to mail: trimmed, Unicode NFKC, syntax-checked (no DNS lookup) and at most
    limits.EMAIL characters. InvalidEmail otherwise.

    Internationalized addresses are accepted (`jöran@exämple.org`); campaign.mail.message says
    how they are sent (IDNA domain; SMTPUTF8 for a non-ASCII local part). The duplicate key of
    a signature is another matter: campaign.signatures.canonical."""
    value = unicodedata.normalize("NFKC", (raw or "").strip())
    if not value:
        raise InvalidEmail("Enter your email address.")
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from exc
    if len(result.normalized) > limits.EMAIL:
        raise InvalidEmail("too long")
    return result.normalized


def mask_address(address: str) -> str:
    """Enough of an address for its owner to spot a typo, too little for anyone looking over
    their shoulder: `anna@example.org` -> `a***a@e***.org`."""
    local, _, domain = (address or "").strip().rpartition("@")
    if not local:
        return "***"
    name, dot, tld = domain.rpartition(".")
    if not dot:
        name, tld = domain, ""
    shown_local = local[0] + "***" + (local[-1] if len(local) > 1 else "")
    shown_domain = (name[:1] + "***" if name else "***") + (dot + tld)
    return f"{shown_local}@{shown_domain}"
