"""Sharing an appeal: the share channels a `ref` names, canonical URLs, share links that carry a
`ref`, and the snippet partners embed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from campaign.appeals.models import Appeal
from campaign.core.urls import external_url

#: Channels a `ref` may name; anything else is stored as "other".
CHANNELS = ("telegram", "whatsapp", "facebook", "x", "vk", "email", "copy", "embed", "qr", "poster")
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
    "poster": _l("Printed poster"),
    OTHER: _l("Other"),
    None: _l("Direct (no share link)"),
}


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


def canonical_url(appeal: Appeal, ref: str | None = None, lang: str | None = None) -> str:
    """The appeal's public address under BASE_URL, with `?lang=` when a language is given
    (the one who opens a shared link reads the sharer's language) and `ref=` for a channel."""
    values = {}
    if lang:
        values["lang"] = lang
    if ref:
        values["ref"] = ref
    return external_url("appeals.show", slug=appeal.slug, **values)


def card_url(appeal: Appeal, lang: str | None = None) -> str:
    """The share image, drawn in `lang` (the card follows `?lang=` like any page)."""
    if lang:
        return external_url("sharing.card", slug=appeal.slug, lang=lang)
    return external_url("sharing.card", slug=appeal.slug)


def poster_url(appeal: Appeal, lang: str | None = None) -> str:
    if lang:
        return external_url("sharing.poster", slug=appeal.slug, lang=lang)
    return external_url("sharing.poster", slug=appeal.slug)


@dataclass(frozen=True)
class ShareLink:
    channel: str
    label: str
    href: str


#: Networks most used where these languages are read come first.
FIRST_CHANNELS = {"ru": ("telegram", "whatsapp", "vk"), "ky": ("telegram", "whatsapp")}


def share_links(appeal: Appeal, lang: str, title: str, summary: str) -> list[ShareLink]:
    """Plain links to each network's own share page; no scripts or widgets from them. The
    text is the title and summary in `lang` (the page's language), and every shared address
    carries `lang` and its channel as `ref`."""

    def link(channel: str) -> str:
        return canonical_url(appeal, channel, lang)

    def q(params: dict) -> str:
        return urlencode(params, quote_via=quote)

    mail_body = "\n\n".join(p for p in (summary.strip(), link("email")) if p)
    found = [
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
    first = FIRST_CHANNELS.get(lang, ())
    return sorted(found, key=lambda s: first.index(s.channel) if s.channel in first else len(first))


OG_LOCALES = {"en": "en_US", "ru": "ru_RU", "ky": "ky_KG"}


def og_locale(language: str) -> str:
    return OG_LOCALES.get(language, "en_US")


#: The iframe's height without JavaScript: the demo embed (a long title, four demands) is about
#: 910 px tall on a 320 px phone in Kyrgyz, the longest language; tests/test_layout_browser.py
#: measures it in each language.
EMBED_FALLBACK_HEIGHT = 1000


def embed_snippet(appeal: Appeal) -> str:
    """Copy-paste HTML for partners' sites (shown escaped, inside a read-only field): a
    full-width iframe whose height the embed page reports (static/js/embed.js) to the small
    script that fits it (static/js/embed-host.js); without scripts, a height that holds the
    whole embed, sign button included, on a 320 px phone."""
    src = external_url("sharing.embed", slug=appeal.slug)
    host = external_url("static", filename="js/embed-host.js")
    return (
        f'<iframe src="{src}" class="answerable-embed" width="100%" '
        f'height="{EMBED_FALLBACK_HEIGHT}" '
        'style="display:block;width:100%;max-width:40rem;border:0" '
        f'title="{escape(appeal.title)}" loading="lazy"></iframe>\n'
        f'<script src="{host}" async></script>'
    )
