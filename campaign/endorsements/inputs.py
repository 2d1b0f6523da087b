"""What an endorsement submission must look like: the input of the form, the API and the
campaigners' page, and its checks. The services run them; forms and API schemas only parse."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _

from campaign.core.countries import country_codes
from campaign.core.validation import InvalidInput, is_http_url
from campaign.endorsements.logos import Logo
from campaign.endorsements.models import ORGANIZATION_KINDS
from campaign.endorsements.organizations import name_key, website_domain
from campaign.optin.addresses import InvalidEmail, normalize_address


@dataclass
class EndorsementInput:
    organization_name: str = ""
    kind: str = "ngo"
    country: str | None = None
    website: str | None = None
    signatory_name: str = ""
    signatory_role: str = ""
    contact_email: str | None = None
    comment: str = ""
    wants_updates: bool = True
    language: str = "en"
    logo: Logo | None = field(default=None, repr=False)


def clean_input(data: EndorsementInput, *, email_required: bool) -> EndorsementInput:
    """Trim and check every field; InvalidInput names each field at fault."""
    data.organization_name = (data.organization_name or "").strip()
    data.signatory_name = (data.signatory_name or "").strip()
    data.signatory_role = (data.signatory_role or "").strip()
    data.comment = (data.comment or "").strip()
    data.country = (data.country or "").strip().upper() or None
    data.website = (data.website or "").strip() or None
    data.contact_email = (data.contact_email or "").strip() or None
    if data.website is not None and "://" not in data.website:
        data.website = f"https://{data.website}"

    checks = {
        "organization_name": _line_error(
            data.organization_name, 300, _("Give the organization's name.")
        ),
        "signatory_name": _line_error(
            data.signatory_name, 200, _("Give the name of the person signing for the organization.")
        ),
        "signatory_role": _line_error(data.signatory_role, 200),
        "kind": None if data.kind in ORGANIZATION_KINDS else _("Choose the kind of organization."),
        "country": None
        if data.country is None or data.country in country_codes()
        else _("Choose a country from the list."),
        "website": _website_error(data.website),
        "contact_email": _email_error(data, email_required),
        "comment": _("The comment is at most 2,000 characters.")
        if len(data.comment) > 2000
        else _("Remove the control characters.")
        if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in data.comment)
        else None,
    }
    if not checks["organization_name"] and not name_key(data.organization_name):
        checks["organization_name"] = _("Give the organization's name in letters or digits.")
    errors = {name: message for name, message in checks.items() if message}
    if errors:
        raise InvalidInput(_("Please correct the fields marked."), errors)
    return data


def _line_error(value: str, max_length: int, required: str | None = None) -> str | None:
    if not value:
        return required
    if len(value) > max_length:
        return _("At most %(n)d characters.", n=max_length)
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value):
        return _("Use a single line of text.")
    return None


def _website_error(website: str | None) -> str | None:
    if website is None:
        return None
    try:
        ok = (
            len(website) <= 500
            and is_http_url(website)
            and "." in (website_domain(website) or "")
            and _line_error(website, 500) is None
        )
    except ValueError:  # urlsplit refuses some malformed URLs ("http://[")
        ok = False
    return None if ok else _("Give the website's address, like https://example.org.")


def _email_error(data: EndorsementInput, required: bool) -> str | None:
    if data.contact_email is None:
        return _("Give an email address to confirm the endorsement.") if required else None
    try:
        data.contact_email = normalize_address(data.contact_email)
    except InvalidEmail:
        return _("This email address is not valid.")
    return None
