"""Template filters and globals: stored HTML, dates, labels, country names."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    to_user_timezone,
)
from flask_babel import gettext as _
from markupsafe import Markup, escape

from campaign.appeals.translations import localized
from campaign.core.countries import country_name
from campaign.core.dates import spell_date
from campaign.core.i18n import language_name
from campaign.core.labels import label
from campaign.names.localize import appeal_title, local_name, local_name_text


def stored_html(html: str | None) -> Markup:
    """A Markdown field's HTML as stored when it was saved: rendered and sanitized then
    (campaign.core.markdown_fields), so pages and mail never render Markdown."""
    return Markup(html or "")  # noqa: S704 - sanitized by nh3 when saved


def site_name() -> str:
    return current_app.config.get("SITE_NAME") or "Answerable"


def site_description() -> str:
    """The operator's SITE_DESCRIPTION as written (one language), else a translated default."""
    return current_app.config.get("SITE_DESCRIPTION") or _(
        "%(name)s publishes appeals to the authorities, collects signatures and endorsements, "
        "and tracks every answer in public. Signers' email addresses are never shown.",
        name=site_name(),
    )


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["stored_html"] = stored_html
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["spelled"] = spelled
    app.jinja_env.filters["number"] = _format_number
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["local_name"] = local_name
    app.jinja_env.filters["local_name_text"] = local_name_text
    app.jinja_env.filters["joined"] = joined
    app.jinja_env.globals["appeal_title"] = appeal_title
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["appeal_text"] = localized
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["site_name"] = site_name
    app.jinja_env.globals["site_description"] = site_description
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "en")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def joined(items) -> Markup:
    """Items (text or markup) as a list in the page's language: "A, B and C"."""
    from babel.lists import format_list

    locale = str(get_locale() or "en")
    # Each item is escaped (markup passes as it is); the list patterns are CLDR's text.
    escaped = [str(escape(item)) for item in items]
    return Markup(format_list(escaped, locale=locale))  # noqa: S704 - escaped above


def _format_date(value, format: str = "medium") -> str:
    """The date only, also of a datetime (in the reader's time zone): a page that says when
    something was published shows no time of day nobody recorded."""
    return "" if value is None else format_date(value, format)


def _format_datetime(value, format: str = "medium") -> str:
    return "" if value is None else format_datetime(value, format)


def spelled(value, time: bool = False) -> str:
    """A date spelled out in the reader's language ("10 June 2025", "10 июня 2025 г."); a
    datetime is shown in the site's time zone, with its time when `time` is set."""
    if value is None:
        return ""
    locale = str(get_locale() or "en")
    if isinstance(value, dt.datetime):
        local = to_user_timezone(value)
        day = spell_date(local.date(), locale)
        return f"{day}, {format_time(local, 'short')}" if time else day
    return spell_date(value, locale)


def _format_number(value) -> str:
    """A number with the reader's grouping and decimal signs (1,234 / 1 234)."""
    return "" if value is None else format_decimal(value)
