"""Public sharing routes of an appeal: share image, QR codes, embeddable page, count for
pollers; and the share section and meta tags on the appeal page (via a context provider)."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, render_template, request
from flask_babel import format_decimal, get_locale

from campaign.appeals.queries import get_published_appeal_or_404
from campaign.appeals.status import appeal_progress, demand_overdue, demand_status, today_utc
from campaign.appeals.translations import localized
from campaign.appeals.views import appeal_context_provider
from campaign.core.i18n import supported_languages
from campaign.core.urls import external_url
from campaign.sharing import links, queries
from campaign.signatures.counting import signature_count

bp = Blueprint("sharing", __name__)

SUMMARY_LENGTH = 300
CARD_MAX_AGE = 300
QR_MAX_AGE = 24 * 3600
EMBED_MAX_AGE = 60


@appeal_context_provider
def sharing_context(appeal) -> dict:
    """Values for templates/sharing/_meta.html and _appeal_section.html."""
    text = localized(appeal)
    summary = " ".join(text.summary.split())
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return {"sharing": share_values(appeal, text.title, summary)}


def share_values(appeal, title: str, summary: str) -> dict:
    """What the share panel and meta tags show, all in the page's language: the URLs carry
    `lang` so whoever opens a shared link reads what the sharer read."""
    lang = _page_locale()
    locale = links.og_locale(lang)
    return {
        "canonical_url": links.canonical_url(appeal, lang=lang),
        "description": summary,
        "card_url": links.card_url(appeal, lang),
        "og_locale": locale,
        "og_locale_alternates": [
            links.og_locale(code)
            for code in supported_languages()
            if links.og_locale(code) != locale
        ],
        "links": links.share_links(appeal, lang, title, summary),
        "copy_url": links.canonical_url(appeal, "copy", lang),
        "embed_snippet": links.embed_snippet(appeal),
        "qr_svg_url": external_url("sharing.qr_svg", slug=appeal.slug),
        "qr_png_url": external_url("sharing.qr_png", slug=appeal.slug),
        "poster_url": links.poster_url(appeal, lang),
    }


def _page_locale() -> str:
    return str(get_locale() or "en")


@bp.route("/appeals/<slug>/card.png")
def card(slug: str):
    # Imported here, not at the top: Pillow's drawing and fonts would weigh on every web
    # worker, and only messengers fetching a pasted link ask for the image (it is cached).
    from campaign.sharing.card import appeal_card

    appeal = get_published_appeal_or_404(slug)
    image = appeal_card(appeal)
    response = Response(image.png, mimetype="image/png")
    response.set_etag(image.etag)
    response.cache_control.public = True
    response.cache_control.max_age = CARD_MAX_AGE
    response.vary.update(("Accept-Language", "Cookie"))
    return response.make_conditional(request)


@bp.route("/appeals/<slug>/qr.svg", endpoint="qr_svg")
def qr_svg_image(slug: str):
    from campaign.sharing.qr import qr_svg  # late: see card(); qrcode is rarely asked for

    appeal = get_published_appeal_or_404(slug)
    return _qr_response(qr_svg(links.canonical_url(appeal, "qr")), "image/svg+xml")


@bp.route("/appeals/<slug>/qr.png", endpoint="qr_png")
def qr_png_image(slug: str):
    from campaign.sharing.qr import qr_png  # late: see card()

    appeal = get_published_appeal_or_404(slug)
    return _qr_response(qr_png(links.canonical_url(appeal, "qr")), "image/png")


def _qr_response(data: bytes, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE
    return response.make_conditional(request)


@bp.route("/appeals/<slug>/embed")
def embed(slug: str):
    appeal = get_published_appeal_or_404(slug)
    g.allow_framing = True  # the one page partners may put in an iframe
    today = today_utc()
    count = signature_count(appeal.id)
    html = render_template(
        "sharing/embed.html",
        appeal=appeal,
        text=localized(appeal),
        signature_count=count,
        count_text=format_decimal(count),
        goal_text=format_decimal(appeal.signature_goal or 0),
        progress=appeal_progress(appeal, today),
        demand_rows=[
            (demand, demand_status(demand), demand_overdue(demand, today))
            for demand in appeal.demands
        ],
        appeal_url=links.canonical_url(appeal, "embed"),
    )
    response = Response(html, mimetype="text/html")
    # Partners' pages load it on every view: let browsers and proxies keep it a minute.
    response.cache_control.public = True
    response.cache_control.max_age = EMBED_MAX_AGE
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.route("/appeals/<slug>/count.json")
def count_json(slug: str):
    response = jsonify(queries.count_payload(slug))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = queries.COUNT_MAX_AGE
    return response


@bp.route("/appeals/<slug>/poster")
def poster(slug: str):
    """A printable A4 poster in the page's language: title, demands, count, and a QR code
    whose address carries `ref=poster` and the language."""
    from markupsafe import Markup

    from campaign.sharing.qr import qr_svg  # late: see card()

    appeal = get_published_appeal_or_404(slug)
    lang = _page_locale()
    text = localized(appeal)
    count = signature_count(appeal.id)
    url = links.canonical_url(appeal, "poster", lang)
    svg = qr_svg(url).decode()
    svg = svg[svg.index("<svg") :]  # inline: drop the XML declaration
    return render_template(
        "sharing/poster.html",
        appeal=appeal,
        text=text,
        count=count,
        goal_text=format_decimal(appeal.signature_goal or 0),
        demands=[text.demand(demand) for demand in appeal.demands],
        qr=Markup(svg),  # noqa: S704 -- made by qrcode from our own URL
        poster_link=url,
    )
