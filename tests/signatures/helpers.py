"""Helpers shared by the signature tests (not fixtures)."""

from __future__ import annotations

import re

from campaign.mail.worker import drain

LINK = re.compile(r"https?://\S+/(confirm|withdraw)/([A-Za-z0-9_.\-]+)")


def by_email(db, email: str, appeal_id: int | None = None):
    """The signature of this address (its keyed hash: the address itself is sealed or gone)."""
    import sqlalchemy as sa

    from campaign.signatures.models import Signature
    from campaign.signatures.services import email_key

    query = sa.select(Signature.appeal_id).distinct()
    appeals = [appeal_id] if appeal_id else db.session.execute(query).scalars().all()
    for appeal in appeals:
        key = email_key(appeal, email, create=False)
        found = db.session.execute(
            sa.select(Signature).where(Signature.appeal_id == appeal, Signature.email_key == key)
        ).scalar_one_or_none()
        if key and found is not None:
            return found
    raise LookupError(email)


def form(**overrides) -> dict:
    data = {
        "name": "Aida Bekova",
        "email": "aida@example.org",
        "country": "KG",
        "city": "Bishkek",
        "display": "name",
        "wants_updates": "y",
        "website": "",
        "ref": "",
    }
    data.update(overrides)
    return data


def sign(client, appeal, **overrides):
    return client.post(f"/appeals/{appeal.slug}/sign", data=form(**overrides))


def deliver(smtp, expected_total: int) -> list:
    """Send what the outbox holds and wait until `expected_total` mails arrived in all."""
    drain()
    return smtp.wait_for(expected_total)


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links(message) -> dict[str, str]:
    """{'confirm': path, 'withdraw': path} from a mail's text part."""
    return {kind: f"/{kind}/{token}" for kind, token in LINK.findall(body(message))}


CSRF_INPUT = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]*(")')


MASKED_ADDRESS = re.compile(rb'(<span class="masked-address">)[^<]*(</span>)')


def page(response) -> bytes:
    """A page's bytes without CSRF token values: those carry a timestamp, so two identical
    answers rendered a second apart would otherwise differ. The thanks page's masked address
    echoes what this visitor typed (different addresses, different text), so it goes too."""
    body = CSRF_INPUT.sub(rb"\1\2", response.get_data())
    return MASKED_ADDRESS.sub(rb"\1\2", body)
