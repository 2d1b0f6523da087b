"""Signatures at known times, through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

import time_machine

from campaign.core.extensions import db
from campaign.signatures.services import SignatureInput, confirm_signature, sign_appeal
from tests import factories

_seq = itertools.count(1)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def appeal_at(moment: dt.datetime, **fields):
    """A published appeal whose publication time is `moment`."""
    with time_machine.travel(moment, tick=False):
        return factories.make_appeal(**fields)


def signed(appeal, at: dt.datetime, country: str = "KG", ref: str | None = None, confirm=True):
    """A signature submitted and (by default) confirmed at `at`, committed."""
    with time_machine.travel(at, tick=False):
        signature = sign_appeal(
            appeal.slug,
            SignatureInput(
                name="Aida Bekova",
                email=f"signer{next(_seq)}@example.org",
                country=country,
                ref=ref,
            ),
            "203.0.113.7",
        )
        if confirm:
            confirm_signature(signature)
        db.session.commit()
    return signature
