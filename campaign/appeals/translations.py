"""Appeal content in several languages: which text a reader gets (`localized`, the one rule
used by the appeal page, the embed, the share card, the API and emails), and the services
campaigners use to add, edit and remove translations. Demands keep their identity and status
across languages: only their texts differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _

from campaign.appeals.models import Appeal, AppealTranslation, Demand, DemandTranslation
from campaign.audit.services import record
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.markdown_fields import EMPTY, Rendered, stored
from campaign.core.validation import InvalidInput

TITLE_MAX = 300


@dataclass(frozen=True)
class Localized:
    """An appeal's text in one language: the translation when there is one, else the original."""

    title: str
    summary: str
    body: str
    #: The body as stored when saved: sanitized HTML.
    body_html: str
    #: The language of this text.
    language: str
    original_language: str
    is_translation: bool
    #: demand id -> text, for every demand of the appeal (the original where untranslated).
    demand_texts: dict[int, str] = field(default_factory=dict)

    def demand(self, demand: Demand) -> str:
        return self.demand_texts.get(demand.id, demand.text)


def available_languages(appeal: Appeal) -> list[str]:
    """The original language first, then the translations' languages in alphabetical order."""
    others = sorted({t.language for t in appeal.translations} - {appeal.language})
    return [appeal.language, *others]


def requested_language(appeal: Appeal) -> str:
    """The language a reader asked for: an explicit `?lang=` this appeal exists in (so the link
    to the original works even in a language the interface does not speak), else the
    interface language (which follows the cookie and the browser)."""
    if has_request_context():
        explicit = request.args.get("lang")
        if explicit and explicit in available_languages(appeal):
            return explicit
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def localized(appeal: Appeal, lang: str | None = None) -> Localized:
    """The appeal's text in `lang` (default: what the current reader asked for) when a
    translation exists, else the original."""
    if lang is None:
        lang = requested_language(appeal)
    translation = _translation(appeal, lang) if lang != appeal.language else None
    if translation is None:
        return Localized(
            title=appeal.title,
            summary=appeal.summary,
            body=appeal.body,
            body_html=appeal.body_html,
            language=appeal.language,
            original_language=appeal.language,
            is_translation=False,
            demand_texts={d.id: d.text for d in appeal.demands},
        )
    texts = {}
    for demand in appeal.demands:
        texts[demand.id] = next(
            (t.text for t in demand.translations if t.language == lang and t.text), demand.text
        )
    return Localized(
        title=translation.title,
        summary=translation.summary,
        body=translation.body,
        body_html=translation.body_html,
        language=lang,
        original_language=appeal.language,
        is_translation=True,
        demand_texts=texts,
    )


@lru_cache(maxsize=1)
def _title_query() -> sa.Select:
    return sa.select(AppealTranslation.title).where(
        AppealTranslation.appeal_id == sa.bindparam("appeal_id"),
        AppealTranslation.language == sa.bindparam("lang"),
    )


def localized_title(appeal, lang: str) -> str:
    """Just the title `localized` would give (emails need no more), for an Appeal or the
    AppealFacts signing reads: one small query, none when `lang` is the original's."""
    if lang == appeal.language:
        return appeal.title
    found = db.session.connection().execute(_title_query(), {"appeal_id": appeal.id, "lang": lang})
    return found.scalar() or appeal.title


def _translation(appeal: Appeal, lang: str) -> AppealTranslation | None:
    return next((t for t in appeal.translations if t.language == lang), None)


def get_translation(appeal: Appeal, lang: str) -> AppealTranslation | None:
    return _translation(appeal, lang)


def translatable_languages(appeal: Appeal) -> list[str]:
    """Languages a translation of this appeal may be written in: the site's, but the original."""
    return [code for code in current_app.config["LANGUAGES"] if code != appeal.language]


def save_translation(
    user,
    appeal: Appeal,
    language: str,
    *,
    title: str,
    summary: str = "",
    body: Rendered = EMPTY,
    demands: dict[int, str],
) -> AppealTranslation:
    """Add or replace the `language` translation of the appeal and of every demand. Every
    demand must have its text: a translation missing one is refused, naming the demand.
    `body` is rendered already (campaign.core.markdown_fields)."""
    body = stored(body)
    if language not in translatable_languages(appeal):
        message = _("Choose a language other than the original.")
        raise InvalidInput(message, {"language": message})
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("The translated title is required.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title is too long (at most %(max)d characters).", max=TITLE_MAX)
    texts = {}
    for demand in appeal.demands:
        text = (demands.get(demand.id) or "").strip()
        if not text:
            errors[f"demand_{demand.id}"] = _(
                "Demand %(num)d (“%(text)s”) has no translation.",
                num=demand.position,
                text=_shorten(demand.text),
            )
        texts[demand.id] = text
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors)

    translation = _translation(appeal, language)
    action = "appeal.translation_edit" if translation else "appeal.translation_add"
    if translation is None:
        translation = AppealTranslation(appeal=appeal, language=language, title=title)
        db.session.add(translation)
    translation.title = title
    translation.summary = (summary or "").strip()
    translation.body, translation.body_html = body.source, body.html
    for demand in appeal.demands:
        existing = next((t for t in demand.translations if t.language == language), None)
        if existing is None:
            db.session.add(
                DemandTranslation(demand=demand, language=language, text=texts[demand.id])
            )
        else:
            existing.text = texts[demand.id]
    appeal.updated_at = utcnow()  # a new version: caches keyed on it show the change
    db.session.flush()
    record(user, action, appeal, {"language": language})
    return translation


def remove_translation(user, appeal: Appeal, language: str) -> bool:
    """Remove the `language` translation of the appeal and its demands. False if none."""
    translation = _translation(appeal, language)
    if translation is None:
        return False
    appeal.translations.remove(translation)
    for demand in appeal.demands:
        for item in [t for t in demand.translations if t.language == language]:
            demand.translations.remove(item)
    appeal.updated_at = utcnow()
    db.session.flush()
    record(user, "appeal.translation_remove", appeal, {"language": language})
    return True


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
