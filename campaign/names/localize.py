"""Which name a reader gets: the name in the page's language when campaigners gave one, else
the default name, which then carries its own language (`lang`), so screen readers and
hyphenation treat it as what it is."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, has_app_context, has_request_context
from flask_babel import get_locale
from markupsafe import Markup, escape


@dataclass(frozen=True)
class LocalName:
    text: str
    #: The language of `text` when it is not the page's (a fallback), else None.
    fallback_lang: str | None = None

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        if self.fallback_lang:
            return Markup('<span lang="{}">{}</span>').format(self.fallback_lang, self.text)
        return str(escape(self.text))


def default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "en"


def page_language() -> str:
    return str(get_locale() or default_language()) if has_request_context() else default_language()


def clean_names(names) -> dict[str, str]:
    """Only non-empty strings in supported languages, trimmed."""
    if not isinstance(names, dict):
        return {}
    languages = current_app.config["LANGUAGES"]
    return {
        lang: value.strip()
        for lang, value in names.items()
        if lang in languages and isinstance(value, str) and value.strip()
    }


def local_name(entity, language: str | None = None) -> LocalName:
    """An authority's or organization's name for a reader of `language` (the page's)."""
    if entity is None:
        return LocalName("")
    language = language or page_language()
    names = entity.names or {}
    if names.get(language):
        return LocalName(names[language])
    default = default_language()
    return LocalName(entity.name, None if language == default else default)


def local_name_text(entity, language: str | None = None) -> str:
    """The same name as plain text (attributes, emails, share text)."""
    return local_name(entity, language).text


def country_overrides(language: str) -> dict[str, str]:
    """Campaigners' names for countries in `language`, read once per request."""
    from campaign.core.extensions import db
    from campaign.names.models import CountryName

    cache = g.setdefault("_country_names", {}) if has_request_context() else {}
    if language not in cache:
        rows = db.session.execute(
            db.select(CountryName.country, CountryName.name).where(CountryName.language == language)
        )
        cache[language] = dict(rows.all())
    return cache[language]


def appeal_title(appeal) -> LocalName:
    """An appeal's title in the page's language where translated, else the original's, marked
    with its language (pages that list appeals: authority, organization, my data)."""
    from campaign.appeals.translations import localized

    page = page_language()
    text = localized(appeal, page)
    return LocalName(text.title, None if text.language == page else text.language)
