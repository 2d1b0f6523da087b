"""Language selection: explicit choice (?lang=, remembered in a cookie), else the browser."""

from __future__ import annotations

from flask import current_app, request


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    languages = supported_languages()
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]
