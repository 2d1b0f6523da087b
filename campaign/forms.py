"""The base of every form: Flask-WTF's FlaskForm with WTForms' own messages ("Not a valid
choice", CSRF errors) translated from a catalog loaded once per language per process.

Flask-WTF loads and parses that catalog again on every request that builds a form (it keeps
it on the request), which cost the signing POST about 0.7 ms; the catalogs never change while
the process runs."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _CachedTranslations:
    """The gettext interface WTForms asks of Meta.get_translations, for the current locale."""

    def gettext(self, string: str) -> str:
        return _wtforms_translations(str(get_locale() or "en")).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_translations(str(get_locale() or "en")).ungettext(singular, plural, n)


_TRANSLATIONS = _CachedTranslations()


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _TRANSLATIONS
