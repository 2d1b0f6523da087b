"""Language selection: explicit choice (?lang=, remembered in a cookie), else the browser.
An unknown code is ignored, so the next source decides and English is the last resort.
Outside a request (a `flask ...` command), the first language: English."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import current_app, has_request_context, request


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    languages = supported_languages()
    if not has_request_context():  # a command (e.g. a service's refusal shown by the CLI)
        return languages[0]
    for chosen in (request.args.get("lang"), request.cookies.get("lang")):
        if chosen in languages:
            return chosen
    return request.accept_languages.best_match(languages) or languages[0]


#: The site's languages by their own names. Asking Babel loads each language's whole locale
#: data into every worker for one word; Babel answers for the others.
NATIVE_NAMES = {"en": "English", "ru": "Русский", "ky": "Кыргызча"}


def language_name(code: str) -> str:
    """A language's name in that language ("Русский", "Кыргызча"); the code if Babel has none."""
    if code in NATIVE_NAMES:
        return NATIVE_NAMES[code]
    try:
        name = Locale.parse(code).get_display_name(code)
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code
