"""Sharing an appeal: canonical URLs, share links that carry a `ref`, the cached public count,
and which channel brought how many confirmed signatures."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from campaign.appeals.models import Appeal
from campaign.appeals.services import get_published_appeal_or_404
from campaign.core.extensions import cache, db
from campaign.core.urls import external_url
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature

#: Channels a `ref` may name; anything else is stored as "other".
CHANNELS = ("telegram", "whatsapp", "facebook", "x", "vk", "email", "copy", "embed", "qr")
OTHER = "other"

CHANNEL_LABELS = {
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X",
    "vk": _l("VK"),
    "email": _l("Email"),
    "copy": _l("Copied link"),
    "embed": _l("Embedded on another site"),
    "qr": _l("QR code"),
    OTHER: _l("Other"),
    None: _l("Direct (no share link)"),
}

#: Seconds a count.json answer is kept in the cache and may be kept by clients.
COUNT_CACHE_SECONDS = 5
COUNT_MAX_AGE = 30


def known_ref(value: str | None) -> str | None:
    """The share channel a `ref` names, "other" for anything unknown, None when absent.

    The signing form stores this, never the raw value, so nothing a visitor types in the
    query string is kept or echoed."""
    if value is None:
        return None
    value = str(value).strip().lower()
    if not value:
        return None
    return value if value in CHANNELS else OTHER


def canonical_url(appeal: Appeal, ref: str | None = None) -> str:
    """The appeal's public address under BASE_URL, with `?ref=` when a channel is given."""
    if ref:
        return external_url("appeals.show", slug=appeal.slug, ref=ref)
    return external_url("appeals.show", slug=appeal.slug)


@dataclass(frozen=True)
class ShareLink:
    channel: str
    label: str
    href: str


def share_links(appeal: Appeal) -> list[ShareLink]:
    """Plain links to each network's own share page; no scripts or widgets from them."""
    title = appeal.title

    def link(channel: str) -> str:
        return canonical_url(appeal, channel)

    def q(params: dict) -> str:
        return urlencode(params, quote_via=quote)

    mail_body = "\n\n".join(p for p in (appeal.summary.strip(), link("email")) if p)
    return [
        ShareLink(
            "telegram",
            "Telegram",
            "https://t.me/share/url?" + q({"url": link("telegram"), "text": title}),
        ),
        ShareLink(
            "whatsapp", "WhatsApp", "https://wa.me/?" + q({"text": f"{title} {link('whatsapp')}"})
        ),
        ShareLink(
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + q({"u": link("facebook")}),
        ),
        ShareLink("x", "X", "https://x.com/intent/tweet?" + q({"url": link("x"), "text": title})),
        ShareLink(
            "vk",
            str(_l("VK")),
            "https://vk.com/share.php?" + q({"url": link("vk"), "title": title}),
        ),
        ShareLink("email", str(_l("Email")), "mailto:?" + q({"subject": title, "body": mail_body})),
    ]


OG_LOCALES = {"en": "en_US", "ru": "ru_RU", "ky": "ky_KG"}


def og_locale(language: str) -> str:
    return OG_LOCALES.get(language, "en_US")


def embed_snippet(appeal: Appeal) -> str:
    """Copy-paste HTML for partners' sites (shown escaped, inside a read-only field)."""
    src = external_url("sharing.embed", slug=appeal.slug)
    return (
        f'<iframe src="{src}" width="100%" height="460" style="border:0;max-width:40rem" '
        f'title="{escape(appeal.title)}" loading="lazy"></iframe>'
    )


def count_payload(slug: str) -> dict:
    """What pollers get: public numbers only. Cached a few seconds per appeal, so a burst of
    pollers costs one lookup; a draft or unknown slug aborts 404 and is never cached (an
    appeal never goes back to draft)."""
    key = f"sharing:count:{slug}"
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


def appeals_for_channels() -> list[Appeal]:
    """Every appeal (drafts included), newest first, for the admin's channel overview."""
    return list(
        db.session.execute(
            sa.select(Appeal).order_by(Appeal.created_at.desc(), Appeal.id.desc())
        ).scalars()
    )
