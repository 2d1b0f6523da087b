"""The signing form and the small forms around it. The rules live in the services; these
forms only carry the values (and CSRF), so the form and the API share one set of rules. Text
fields carry the services' length limits too, for the browser (maxlength) to keep within."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from campaign.core import limits
from campaign.core.countries import localized_country_choices
from campaign.core.forms import Form, max_length
from campaign.signatures.services import SignatureInput, clean_ref


class SignForm(Form):
    class Meta:
        # CSRFProtect checks every POST before any view runs. The form's own check would
        # also sign a fresh token on each submission (an HMAC and a zlib stream, the
        # signing POST's hot path); the template puts the request's token in itself.
        csrf = False

    name = StringField(_l("Your name"), [max_length(limits.PERSON_NAME)])
    email = EmailField(_l("Email (never shown publicly)"), [max_length(limits.EMAIL)])
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    city = StringField(_l("City (optional)"), validators=[Optional(), max_length(limits.CITY)])
    display = RadioField(
        _l("On the list of signers"),
        choices=[
            SelectChoice("name", _l("Show my name")),
            SelectChoice("anonymous", _l("Sign anonymously")),
        ],
        default="name",
        validate_choice=False,
    )
    #: On an at_risk appeal, instead of `display`: never pre-ticked.
    show_name = BooleanField(_l("Show my name publicly as a signer"), default=False)
    wants_updates = BooleanField(_l("Email me updates about this appeal"))
    #: Hidden with CSS; people leave it empty, form-filling bots do not.
    website = StringField(_l("Leave this field empty"), [max_length(limits.WEBSITE)])
    #: A share channel, or "other" for any value that is not one (as the service would).
    ref = HiddenField(filters=[clean_ref])

    def __init__(self, *args, default_country: str | None = None, **kwargs):
        """`default_country`: the appeal's, listed first and preselected on a fresh form."""
        if default_country and kwargs.get("formdata", True) is None:
            kwargs.setdefault("country", default_country)
        super().__init__(*args, **kwargs)
        self.country.choices = _country_select_choices(_lang(), default_country)

    def to_input(self) -> SignatureInput:
        return SignatureInput(
            name=self.name.data or "",
            email=self.email.data or "",
            country=self.country.data or "",
            city=self.city.data or "",
            public_name=self._public_name(),
            wants_updates=bool(self.wants_updates.data),
            ref=self.ref.data,
            honeypot=self.website.data,
            language=_lang(),
        )

    def _public_name(self) -> bool | None:
        """True only when the signer ticked `show_name` (an at_risk appeal's box, never
        pre-ticked); False for "Sign anonymously"; otherwise None, "not said": the radio
        button comes pre-selected on "Show my name", so choosing it is no explicit opt-in
        (a standard appeal shows the name, an at_risk one does not)."""
        if self.show_name.data:
            return True
        if self.display.data == "anonymous":
            return False
        return None


class ButtonForm(Form):
    """A form that is only a button (confirm, withdraw): CSRF and nothing else."""


class ResendForm(Form):
    email = EmailField(_l("Your email address"), [max_length(limits.EMAIL)])
    appeal = SelectField(_l("Appeal"), choices=[], validate_choice=False)


def _country_select_choices(language: str, first: str | None) -> tuple[SelectChoice, ...]:
    """Every country, named as campaigners name them, the appeal's default one first."""
    choices = localized_country_choices(language, first)
    if first and choices and choices[0][0] == first:
        return tuple(SelectChoice(code, name) for code, name in choices)
    return (
        SelectChoice("", _l("Choose your country…")),
        *(SelectChoice(code, name) for code, name in choices),
    )


def _lang() -> str:
    return str(get_locale() or "en")
