"""Forms of the endorsements area. They only parse: the rules live in inputs.py, whose
InvalidInput field messages the views put beside the fields. Text fields carry the services'
length limits too, for the browser (maxlength) to keep within."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField

from campaign.core import limits
from campaign.core.countries import country_choices
from campaign.core.forms import Form, max_length
from campaign.core.labels import label
from campaign.endorsements.inputs import EndorsementInput
from campaign.endorsements.models import ORGANIZATION_KINDS

_ORGANIZATION_NAME = [max_length(limits.ORGANIZATION_NAME)]
_WEBSITE = [max_length(limits.WEBSITE)]
_PERSON_NAME = [max_length(limits.PERSON_NAME)]
_EMAIL = [max_length(limits.EMAIL)]


class EndorsementForm(Form):
    organization_name = StringField(_l("Organization's name"), _ORGANIZATION_NAME)
    kind = SelectField(_l("Kind of organization"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    website = StringField(_l("Website (optional)"), _WEBSITE)
    logo = FileField(_l("Logo (optional: PNG, JPEG or WebP, at most 2 MB)"))
    signatory_name = StringField(_l("Your name"), _PERSON_NAME)
    signatory_role = StringField(_l("Your role in the organization"), _PERSON_NAME)
    contact_email = EmailField(_l("Contact email (never shown publicly)"), _EMAIL)
    comment = TextAreaField(_l("Public comment (optional)"), [max_length(limits.COMMENT)])
    wants_updates = BooleanField(_l("Send us news about this appeal"), default=True)
    #: Honeypot: hidden from people by CSS; bots fill it in.
    homepage = StringField(_l("Leave this field empty"), _WEBSITE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, label(k)) for k in ORGANIZATION_KINDS]
        language = str(get_locale() or "en")
        self.country.choices = [("", _l("International / no single country"))]
        self.country.choices += country_choices(language)

    def to_input(self, language: str = "en") -> EndorsementInput:
        return EndorsementInput(
            organization_name=self.organization_name.data or "",
            kind=self.kind.data or "",
            country=self.country.data or None,
            website=self.website.data or None,
            signatory_name=self.signatory_name.data or "",
            signatory_role=self.signatory_role.data or "",
            contact_email=self.contact_email.data or None,
            comment=self.comment.data or "",
            wants_updates=bool(self.wants_updates.data),
            language=language,
        )


class CampaignerEndorsementForm(EndorsementForm):
    """The /admin form for endorsements collected by phone or on paper."""

    contact_email = EmailField(_l("Contact email (optional, private)"), _EMAIL)
    signatory_name = StringField(_l("Name of the person who signed for it"), _PERSON_NAME)
    signatory_role = StringField(_l("Their role in the organization"), _PERSON_NAME)
    wants_updates = BooleanField(_l("The organization wants news about this appeal"))
    initiator = BooleanField(_l("One of the appeal's initiators"))


class RejectForm(Form):
    reason = TextAreaField(_l("Reason (kept private)"), [max_length(limits.REASON)])
