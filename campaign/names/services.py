"""Campaigners' names: countries named per language; names of authorities and organizations
per language (validated here, stored on their rows). Flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _

from campaign.audit.services import record
from campaign.core.countries import country_codes
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput, require
from campaign.names.localize import clean_names
from campaign.names.models import CountryName

NAME_MAX = 300
COUNTRY_NAME_MAX = 100


def validated_names(names) -> dict[str, str]:
    """`{"ru": ..., "ky": ...}` as given by a form or the API; raises InvalidInput."""
    if names is None:
        return {}
    if not isinstance(names, dict):
        message = _("Give names as an object of language to name.")
        raise InvalidInput(message, {"names": message})
    cleaned = clean_names(names)
    too_long = any(len(value) > NAME_MAX for value in cleaned.values())
    require(not too_long, "names", _("A name is at most %(max)d characters.", max=NAME_MAX))
    return cleaned


def set_names(entity, names) -> None:
    entity.names = validated_names(names)
    db.session.flush()


def rename_organization(user, organization, names) -> None:
    """Name an organization in the other languages (audited: its names are public)."""
    before = dict(organization.names or {})
    set_names(organization, names)
    record(user, "organization.names", organization, {"from": before, "to": organization.names})


def set_country_name(user, country: str, language: str, name: str) -> CountryName | None:
    """Name a country in a language; an empty name removes the override (CLDR's again)."""
    from flask import current_app

    country = (country or "").strip().upper()
    require(country in country_codes(), "country", _("Choose a country from the list."))
    languages = current_app.config["LANGUAGES"]
    require(language in languages, "language", _("Choose a language from the list."))
    name = (name or "").strip()
    if len(name) > COUNTRY_NAME_MAX:
        raise InvalidInput(
            {"name": _("A name is at most %(max)d characters.", max=COUNTRY_NAME_MAX)}
        )
    row = db.session.execute(
        db.select(CountryName).filter_by(country=country, language=language)
    ).scalar_one_or_none()
    detail = {"country": country, "language": language, "name": name}
    record(user, "country_name.set", f"country:{country}", detail)
    if not name:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
            _forget_overrides()
        return None
    if row is None:
        row = CountryName(country=country, language=language, name=name)
        db.session.add(row)
    else:
        row.name = name
    db.session.flush()
    _forget_overrides()
    return row


def _forget_overrides() -> None:
    from flask import g, has_request_context

    if has_request_context():
        g.pop("_country_names", None)


def list_country_names() -> list[CountryName]:
    return list(
        db.session.execute(
            db.select(CountryName).order_by(CountryName.country, CountryName.language)
        ).scalars()
    )
