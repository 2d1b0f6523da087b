"""The mail of double opt-in: the confirmation is capped, and its links carry tokens signed
when the mail is sent.

- A submission gets at most MAX_CONFIRMATION_MAILS mails (its first confirmation, each
  repeat, "already signed"), so nobody can bomb an address by submitting it over and over.
  A new row counts its first mail in its INSERT; every later one is claimed by one atomic
  UPDATE (`claim_mail`), so racing requests cannot pass the cap.
- Links end in a signed, expiring, purpose-scoped token (campaign.core.security). The mail is
  written with enqueue_later() and the worker makes the token when it renders the mail, so
  the token's age counts from sending and the request does no HMAC (`link`). A view reads a
  token back with `read_link`, which knows how long each purpose's links work."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from campaign.core.extensions import db
from campaign.core.security import read_token
from campaign.core.urls import external_url
from campaign.mail.services import token_url

MAX_CONFIRMATION_MAILS = 5

#: How long the links of each purpose work: the setting that says so.
LINK_MAX_AGE = {
    "signature-confirm": "CONFIRM_TOKEN_MAX_AGE",
    "signature-withdraw": "WITHDRAW_TOKEN_MAX_AGE",
    "signature-data": "DATA_TOKEN_MAX_AGE",
    "endorsement-confirm": "CONFIRM_TOKEN_MAX_AGE",
    "endorsement-withdraw": "WITHDRAW_TOKEN_MAX_AGE",
}


def claim_mail(row, **also) -> bool:
    """Count one more mail for `row` (a Signature or an Endorsement) unless it had
    MAX_CONFIRMATION_MAILS already; `also` are columns set in the same UPDATE. False: no
    mail may go. The row's attributes are brought up to date without reading it again."""
    table = type(row).__table__
    sent = db.session.execute(
        sa.update(table)
        .where(table.c.id == row.id, table.c.mails_sent < MAX_CONFIRMATION_MAILS)
        .values(mails_sent=table.c.mails_sent + 1, **also)
        .returning(table.c.mails_sent)
    ).scalar()
    if sent is None:
        return False
    for name, value in {"mails_sent": sent, **also}.items():
        set_committed_value(row, name, value)
    return True


def link(endpoint: str, purpose: str, payload) -> dict:
    """For an enqueue_later() context: the address of `endpoint` (a page taking `<token>`)
    ending in a token for (purpose, payload), made when the worker renders the mail."""
    return token_url(mail_url(endpoint, "token"), purpose, payload)


def read_link(purpose: str, token: str):
    """The payload of a mailed link's token; TokenError if it is tampered with, made for
    another purpose, or older than its purpose's links work."""
    max_age = current_app.config[LINK_MAX_AGE[purpose]]
    return read_token(purpose, token, max_age=max_age)


def mail_url(endpoint: str, name: str, value: str = "") -> str:
    """external_url(endpoint, **{name: value}) for a value that needs no quoting (a slug; ""
    for the prefix a token is appended to). The address up to the value is worked out once
    per app: building it with the URL map is slow next to joining two strings, and signing
    builds four of these per signer, three while it holds SQLite's write lock."""
    prefixes = current_app.extensions.setdefault("optin_mail_urls", {})
    prefix = prefixes.get((endpoint, name))
    if prefix is None:
        marker = "MARKER"
        prefix = external_url(endpoint, **{name: marker}).removesuffix(marker)
        prefixes[endpoint, name] = prefix
    return prefix + value
