"""How sharing figures are read: the cached public count pollers get, and which channel brought
how many confirmed signatures."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from campaign.appeals.models import Appeal
from campaign.appeals.queries import get_published_appeal_or_404
from campaign.core.extensions import cache, db
from campaign.sharing.links import CHANNEL_LABELS
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature

#: Seconds a count.json answer is kept in the cache and may be kept by clients.
COUNT_CACHE_SECONDS = 5
COUNT_MAX_AGE = 30


def _count_key(slug: str) -> str:
    return f"sharing:count:{slug}"


def forget_cached_copies(slug: str) -> None:
    """Drop what the cache keeps about an appeal and would serve without asking the database
    first (its count.json), after it is taken down. The appeal page's and the card's copies
    need nothing: they are looked up only after the visibility rule, under a key made of the
    appeal's version, which the takedown changes."""
    cache.delete(_count_key(slug))


def count_payload(slug: str) -> dict:
    """What pollers get: public numbers only. Cached a few seconds per appeal, so a burst of
    pollers costs one lookup; a draft or unknown slug aborts 404 and is never cached (an
    appeal never goes back to draft)."""
    key = _count_key(slug)
    payload = cache.get(key)
    if payload is None:
        appeal = get_published_appeal_or_404(slug)
        payload = {
            "slug": appeal.slug,
            "signature_count": signature_count(appeal.id),
            "signature_goal": appeal.signature_goal,
            "endorsement_count": appeal.endorsement_count,
            "state": appeal.state,
        }
        cache.set(key, payload, timeout=COUNT_CACHE_SECONDS)
    return payload


@dataclass(frozen=True)
class ChannelRow:
    ref: str | None
    label: str
    count: int


def channel_counts(appeal: Appeal) -> list[ChannelRow]:
    """Confirmed, unflagged signatures per share channel, most first.

    A grouped query over the appeal's signatures (uses the appeal/state index); for very
    large appeals a fold into signature_hourly would be the cheaper source."""
    rows = db.session.execute(
        sa.select(Signature.ref, sa.func.count())
        .where(Signature.appeal_id == appeal.id)
        .where(Signature.state == "confirmed")
        .where(Signature.flagged.is_(None))
        .group_by(Signature.ref)
    ).all()
    result = [ChannelRow(ref, str(CHANNEL_LABELS.get(ref, ref)), int(n)) for ref, n in rows]
    return sorted(result, key=lambda row: (-row.count, row.ref or ""))
