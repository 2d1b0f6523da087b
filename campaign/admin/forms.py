"""Forms of the campaigners' appeal and authority pages. Rules live in the services; these
forms parse types (numbers, dates), and campaign.core.actions.run_action puts the services'
messages back beside their fields."""

from __future__ import annotations

import datetime as dt

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from campaign.appeals.protection import MAX_RETENTION_DAYS
from campaign.appeals.services import TargetInput
from campaign.authorities.models import AUTHORITY_KINDS
from campaign.core import limits
from campaign.core.dates import HumanDateField
from campaign.core.forms import Form, max_length
from campaign.core.labels import LABELS

#: Fits the database's integer column on every backend.
MAX_GOAL = 1_000_000_000
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "ky": "Кыргызча"}


class AppealForm(Form):
    title = StringField(_l("Title"), validators=[max_length(limits.TITLE)])
    summary = TextAreaField(_l("Summary"), validators=[max_length(limits.SUMMARY)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[max_length(limits.APPEAL_BODY_MAX)])
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
    )
    signature_goal = IntegerField(
        _l("Signature goal"),
        validators=[Optional(), NumberRange(max=MAX_GOAL, message=_l("That goal is too large."))],
    )
    closes_at = DateTimeLocalField(
        _l("Closes at (UTC)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )  # fmt: skip
    issued_on = HumanDateField(_l("Date of the appeal"), validators=[Optional()])
    issued_by = StringField(
        _l("Issuing organization"), validators=[max_length(limits.ORGANIZATION_NAME)]
    )
    protection = SelectField(
        _l("Protection of signers"),
        choices=[
            SelectChoice("standard", _l("Standard")),
            SelectChoice(
                "at_risk",
                _l("At risk: names hidden unless the signer ticks to show theirs, no list of "
                   "signers, no city, small countries folded into “other”"),
            ),
        ],
        default="standard",
    )  # fmt: skip
    retention_days = IntegerField(
        _l("Keep signers' personal data for (days after closing)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_RETENTION_DAYS, message=_l("From 0 to 3650 days.")),
        ],
    )

    default_country = SelectField(
        _l("Country preselected in the sign form"), choices=[], validate_choice=False
    )

    admin_note = TextAreaField(_l("Note for campaigners"), validators=[max_length(limits.NOTE)])

    FILLED = (
        "title", "summary", "body", "language", "signature_goal", "issued_on", "protection",
        "retention_days", "admin_note",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from campaign.core.countries import localized_country_choices
        from campaign.names.localize import page_language

        self.default_country.choices = [SelectChoice("", "—")] + [
            SelectChoice(code, name) for code, name in localized_country_choices(page_language())
        ]

    def fill(self, appeal) -> None:
        """Show an appeal's stored values (on GET)."""
        for name in self.FILLED:
            getattr(self, name).data = getattr(appeal, name)
        self.closes_at.data = appeal.closes_at.replace(tzinfo=None) if appeal.closes_at else None
        self.issued_by.data = appeal.issued_by.name if appeal.issued_by else ""
        self.default_country.data = appeal.default_country or ""

    def values(self) -> dict:
        """The fields as the appeal services take them (without the organization)."""
        closes_at = self.closes_at.data
        return {
            "title": (self.title.data or "").strip(),
            "summary": (self.summary.data or "").strip(),
            "body": self.body.data or "",
            "language": self.language.data,
            "signature_goal": self.signature_goal.data,
            "closes_at": closes_at.replace(tzinfo=dt.UTC) if closes_at else None,
            "issued_on": self.issued_on.data,
            "protection": self.protection.data,
            "retention_days": self.retention_days.data,
            "default_country": self.default_country.data or None,
            "admin_note": (self.admin_note.data or "").strip(),
        }


class HideForm(Form):
    """Taking an appeal down: a reason for the record and a tick that says it is meant."""

    reason = TextAreaField(
        _l("Reason (for the audit log; never shown publicly)"),
        validators=[max_length(limits.NOTE)],
    )
    confirm = BooleanField(
        _l("Yes, take this appeal down now: every public page of it will answer “not found”.")
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.confirm.data:
            self.confirm.errors.append(_("Tick the box to confirm the takedown."))
            return False
        return ok


class DemandForm(Form):
    text = TextAreaField(_l("Demand"), validators=[max_length(limits.DEMAND)])
    due_reason = StringField(
        _l("Why a due date changes (needed when you change one already set)"),
        validators=[max_length(limits.NOTE)],
    )

    #: (authority, checkbox, due date field) for each authority of the register.
    rows: list
    #: Messages about the choice of authorities as a whole.
    targets_errors: list[str]

    def targets(self) -> list[TargetInput]:
        return [TargetInput(authority, due.data) for authority, box, due in self.rows if box.data]

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and self._check_targets()

    def _check_targets(self) -> bool:
        """At least one authority; a due date only for an authority that is ticked."""
        ok = True
        if not any(box.data for _authority, box, _due in self.rows):
            self.targets_errors.append(_("Choose at least one authority."))
            ok = False
        for _authority, box, due in self.rows:
            if due.data and not box.data:
                due.errors.append(_("Tick the authority to give it a due date."))
                ok = False
        return ok


def demand_form(authorities, demand=None) -> DemandForm:
    """A demand form with a checkbox and a due date for every authority of the register,
    filled from `demand` on GET (a POST carries every value itself)."""

    class Form(DemandForm):
        pass

    for authority in authorities:
        setattr(Form, f"target_{authority.id}", BooleanField(authority.name))
        due = HumanDateField(_l("Due date"), validators=[Optional()])
        setattr(Form, f"due_{authority.id}", due)
    data = {}
    if demand is not None and request.method == "GET":
        data["text"] = demand.text
        for target in demand.targets:
            data[f"target_{target.authority_id}"] = True
            data[f"due_{target.authority_id}"] = target.due_on
    form = Form(data=data)
    form.rows = [(a, form[f"target_{a.id}"], form[f"due_{a.id}"]) for a in authorities]
    form.targets_errors = []
    return form


class LocalNamesForm(Form):
    """A name in the other languages (an authority's, or an organization's, which names itself
    when it endorses): empty means the default name."""

    name_ru = StringField(
        _l("Name in Russian (empty: the name above)"),
        validators=[max_length(limits.ORGANIZATION_NAME)],
    )
    name_ky = StringField(
        _l("Name in Kyrgyz (empty: the name above)"),
        validators=[max_length(limits.ORGANIZATION_NAME)],
    )

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            names = obj.names or {}
            self.name_ru.data = names.get("ru", "")
            self.name_ky.data = names.get("ky", "")

    def names(self) -> dict:
        return {"ru": self.name_ru.data or "", "ky": self.name_ky.data or ""}


class OrganizationNamesForm(LocalNamesForm):
    """An organization's names in the other languages."""


class AuthorityForm(LocalNamesForm):
    name = StringField(_l("Name"), validators=[max_length(limits.ORGANIZATION_NAME)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, LABELS[k]) for k in AUTHORITY_KINDS])
    country = StringField(_l("Country (two-letter code)"), validators=[max_length(limits.COUNTRY)])
    website = StringField(_l("Website"), validators=[max_length(limits.WEBSITE)])
    contact_email = EmailField(
        _l("Contact email (private, never shown publicly)"),
        validators=[max_length(limits.EMAIL)],
    )

    postal_address = TextAreaField(_l("Postal address"), validators=[max_length(1000)])
    language = SelectField(
        _l("Language it reads"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        default="",
    )
    response_term_days = IntegerField(
        _l("Legal term to answer (working days; empty: the instance default)"),
        validators=[Optional(), NumberRange(min=1, max=365, message=_l("From 1 to 365 days."))],
    )
    response_term_source = StringField(
        _l("Legal source of the term (law, article)"), validators=[max_length(1000)]
    )
    FIELDS = (
        "name", "kind", "country", "website", "contact_email", "postal_address", "language",
        "response_term_days", "response_term_source",
    )  # fmt: skip

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS} | {"names": self.names()}


class IssuersForm(Form):
    """An appeal's issuers, one a line in order: "name or slug | contact email"."""

    issuers = TextAreaField(
        _l("Issuers, one a line, in order: name or slug | contact email (optional)"),
        validators=[max_length(limits.NOTE)],
    )


class OverrideForm(Form):
    """Publishing before every issuer approved: an admin's reason, for the audit log."""

    reason = TextAreaField(
        _l("Why publish without every issuer's approval (for the audit log)"),
        validators=[max_length(limits.NOTE)],
    )
