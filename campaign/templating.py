"""Template filters and globals: sanitized Markdown, dates, labels."""

from __future__ import annotations

import datetime as dt

import markdown as md
import nh3
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from markupsafe import Markup

from campaign.appeals.translations import localized
from campaign.i18n import language_name
from campaign.labels import label

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def render_markdown(source: str | None) -> Markup:
    """Markdown to HTML with every tag, attribute and URL scheme not on the lists removed."""
    html = md.markdown(source or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["number"] = _format_number
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["appeal_text"] = localized
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "en")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _format_date(value, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value, format)
    return format_date(value, format)


def _format_datetime(value, format: str = "medium") -> str:
    return "" if value is None else format_datetime(value, format)


def _format_number(value) -> str:
    """A number with the reader's grouping and decimal signs (1,234 / 1 234)."""
    return "" if value is None else format_decimal(value)
