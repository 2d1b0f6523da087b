"""Countries: the ISO 3166-1 alpha-2 codes signers and organizations choose from, and their
names in each language, from Babel's CLDR data. Signing, endorsing, their forms, the API and
the templates (`country_name` filter) all use these, so they agree on what a country is."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from babel import Locale
from flask_babel import get_locale

#: Region codes in CLDR's territory list that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "ZZ", "XA", "XB"})


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


@lru_cache(maxsize=16)
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(code, localized name) of every country, sorted by name."""
    names = _territories(language)
    codes = country_codes()
    return tuple(sorted(((c, names.get(c, c)) for c in codes), key=lambda item: item[1].casefold()))


@lru_cache(maxsize=16)
def _names(language: str) -> Mapping[str, str]:
    # Built once per language: a page names a country once per signer or endorser it lists.
    return MappingProxyType(dict(country_choices(language)))


def country_name(code: str | None, language: str | None = None) -> str:
    """The country's name in `language` (the reader's by default), as campaigners named it
    (campaign.names) or else CLDR's; "" for None."""
    if code is None:
        return ""
    language = language or str(get_locale() or "en")
    override = _overrides(language).get(code)
    return override or _names(language).get(code, code)


def localized_country_choices(language: str, first: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every country in `language` with campaigners' names, sorted by name,
    `first` (an appeal's default country) put first."""
    overrides = _overrides(language)
    choices = sorted(
        ((code, overrides.get(code, name)) for code, name in country_choices(language)),
        key=lambda item: item[1].casefold(),
    )
    if first:
        choices.sort(key=lambda item: item[0] != first)  # stable: the rest keep their order
    return choices


def _overrides(language: str) -> Mapping[str, str]:
    from flask import has_app_context

    if not has_app_context():
        return {}
    from campaign.names.localize import country_overrides

    return country_overrides(language)


def _territories(language: str) -> Mapping[str, str]:
    try:
        return Locale.parse(language).territories
    except (ValueError, TypeError):
        return Locale("en").territories
