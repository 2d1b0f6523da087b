"""The base of every form: Flask-WTF's FlaskForm

- refusing, beside the field, any value no database can store (NUL, unpaired surrogates),
  whatever the field and its validators: every form gets it by deriving from `Form`;
- with `max_length(n)`, the length limit each text field declares (campaign.core.limits), with a
  translated message and a `maxlength` attribute on the input;
- with WTForms' own messages ("Not a valid choice", CSRF errors) translated from a catalog
  loaded once per language per process. Flask-WTF loads and parses that catalog again on
  every request that builds a form (it keeps it on the request), a cost on every signing POST
  (docs/performance.md); the catalogs never change while the process runs."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from babel import support
from flask import abort, current_app, flash, has_request_context, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path
from wtforms.validators import Length

from campaign.core.limits import unstorable
from campaign.core.validation import TOO_LONG, UNSTORABLE, InvalidInput


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


def max_length(limit: int) -> Length:
    """The validator for a text field's limit: a message in every language (WTForms has no
    Kyrgyz catalog), and `maxlength` on the input so browsers keep within it."""
    return Length(max=limit, message=TOO_LONG)


def _unstorable(field) -> bool:
    return any(isinstance(value, str) and unstorable(value) for value in field.raw_data or ())


def _shown(value):
    """The value with each character that cannot be stored as U+FFFD: what the field holds
    and shows again (a page cannot even be sent with an unpaired surrogate in it)."""
    if isinstance(value, list):
        return [_shown(item) for item in value]
    if not isinstance(value, str):
        return value
    return "".join("\ufffd" if unstorable(char) else char for char in value)


def _all_text(formdata) -> bool:
    return all(isinstance(value, str) for _name, values in formdata.lists() for value in values)


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _TRANSLATIONS

        def wrap_formdata(self, form, formdata):
            # Flask-WTF takes a JSON body as form data. Only an object of strings (or lists of
            # strings) can be: anything else would crash fields that parse text (dates,
            # numbers) before validation, so it is a 400.
            try:
                wrapped = super().wrap_formdata(form, formdata)
            except (TypeError, ValueError):  # JSON that is not an object
                abort(400)
            json_body = wrapped is not None and has_request_context() and request.is_json
            if json_body and not _all_text(wrapped):
                abort(400)
            return wrapped

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """A value sent with NUL or an unpaired surrogate is kept with U+FFFD in their place,
        so even a view that reads a field before validating never sends one to the database;
        validate() then refuses the field."""
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        self._unstorable = {name for name, field in self._fields.items() if _unstorable(field)}
        for name in self._unstorable:
            field = self._fields[name]
            field.raw_data = _shown(field.raw_data)
            field.data = _shown(field.data)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own validation; and every field that was sent a value no database can
        store is refused, whatever its validators (an Optional() would stop the chain)."""
        valid = super().validate(extra_validators=extra_validators)
        for name in self._unstorable:
            self._fields[name].errors.append(str(UNSTORABLE))
        return valid and not self._unstorable


def show_errors(form, error: InvalidInput, aliases: Mapping[str, object] | None = None) -> None:
    """Put a service's refusal on the form it answers, for the page shown again.

    Each field message goes beside its field (`aliases` maps a service's name for a field to
    the form's). A message no field of the form holds, and the refusal's own message when it
    names no field, are flashed. `form` may also be a dict, for a form written by hand in a
    template: it gets each message under its (aliased) field name, and a message naming no
    field under None, as WTForms keeps a form's own errors. Without a form (a button), the
    refusal's message is flashed."""
    aliases = aliases or {}
    if form is None:
        flash(error.message, "error")
        return
    if isinstance(form, dict):
        for name, message in error.fields.items():
            form[aliases.get(name, name)] = message
        if not error.fields:
            form[None] = error.message
        return
    for name, message in error.fields.items():
        field = getattr(form, str(aliases.get(name, name)), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")
    if not error.fields:
        flash(error.message, "error")
