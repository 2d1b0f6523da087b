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
    """The country's name in `language` (the reader's by default); "" for None."""
    if code is None:
        return ""
    return _names(language or str(get_locale() or "en")).get(code, code)


def _territories(language: str) -> Mapping[str, str]:
    try:
        return Locale.parse(language).territories
    except (ValueError, TypeError):
        return Locale("en").territories
