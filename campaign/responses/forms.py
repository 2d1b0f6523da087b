"""Campaigners' forms for the responses area. Choices come from the appeal being edited."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from campaign.appeals.models import TARGET_STATUSES
from campaign.core import limits
from campaign.core.dates import HumanDateField
from campaign.core.forms import Form, max_length
from campaign.core.labels import label
from campaign.responses.models import RESPONSE_KINDS


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in pairs]


def _status_choices() -> list[SelectChoice]:
    return _choices((s, label(s)) for s in TARGET_STATUSES)


class ResponseForm(Form):
    """What a response is; the authority comes from step 1 and the demands are added per
    authority (guided_response_form)."""

    occurred_on = HumanDateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    summary = TextAreaField(
        _l("Summary"), validators=[InputRequired(), max_length(limits.RESPONSE_SUMMARY)]
    )
    source_url = StringField(
        _l("Source URL"), validators=[Optional(), max_length(limits.SOURCE_URL)]
    )
    document = FileField(_l("Document (PDF, PNG, JPEG or WebP, at most 10 MB)"))
    #: Recording an inbound message (campaign.inbox): its id, and which of its stored
    #: attachments becomes the document when none is uploaded.
    correspondence = HiddenField(validators=[Optional()])
    use_attachment = SelectField(
        _l("Document from the message"), validators=[Optional()], validate_choice=False
    )


def _target_choices(appeal):
    return _choices(
        (str(t.id), f"{d.position}. {t.authority.name}") for d in appeal.demands for t in d.targets
    )


class StatusForm(Form):
    target = SelectField(_l("Demand and authority"), validators=[InputRequired()])
    status = SelectField(_l("New status"), validators=[InputRequired()])
    #: When it happened (default today); the service refuses a date in the future.
    occurred_on = HumanDateField(_l("Date of the change"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(limits.NOTE)])
    source_url = StringField(
        _l("Source URL"), validators=[Optional(), max_length(limits.SOURCE_URL)]
    )


def status_form(appeal, **kwargs) -> StatusForm:
    form = StatusForm(**kwargs)
    if form.occurred_on.data is None and not form.occurred_on.raw_data:
        form.occurred_on.data = dt.datetime.now(dt.UTC).date()
    form.target.choices = _target_choices(appeal)
    form.status.choices = _status_choices()
    return form


class DueForm(Form):
    target = SelectField(_l("Demand and authority"), validators=[InputRequired()])
    due_on = HumanDateField(_l("Due date"), validators=[Optional()])
    reason = StringField(_l("Reason (required when a due date changes)"),
                         validators=[Optional(), max_length(limits.NOTE)])  # fmt: skip


def due_form(appeal, **kwargs) -> DueForm:
    form = DueForm(**kwargs)
    form.target.choices = _target_choices(appeal)
    return form


class RetractForm(Form):
    reason = StringField(
        _l("Why retract it?"), validators=[InputRequired(), max_length(limits.NOTE)]
    )


def _trimmed(value: str | None) -> str:
    """Without surrounding blanks or NUL characters (PostgreSQL refuses them), before the
    text's length is checked and it is rendered."""
    return (value or "").replace("\x00", "").strip()


class UpdateForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(), max_length(limits.TITLE)])
    body = TextAreaField(
        _l("Text (Markdown)"),
        filters=[_trimmed],
        validators=[InputRequired(), max_length(limits.UPDATE_BODY_MAX)],
    )


class GuidedResponseForm(ResponseForm):
    """Step 2 of "Record a response": the authority is chosen already (step 1), and each of
    the demands addressed to it has one control for its new status."""

    def validate(self, extra_validators=None) -> bool:
        """Besides each field's own checks: at least one demand is concerned (a status moves or
        its box is ticked), and a note goes with a status move (it would be lost otherwise)."""
        valid = super().validate(extra_validators=extra_validators)
        for _target, status, note, _concerns in self.rows:
            if note.data and not status.data:
                note.errors.append(str(_l("A note goes with a new status: choose one above.")))
                valid = False
        if self.rows and not any(status.data or concerns.data for _t, status, _n, concerns
                                 in self.rows):  # fmt: skip
            self.rows[0][1].errors.append(str(_l(
                "Choose a new status for at least one demand, or tick that the response "
                "concerns it."
            )))  # fmt: skip
            valid = False
        return valid


def guided_response_form(appeal, authority, **kwargs) -> GuidedResponseForm:
    """For each demand addressed to `authority`: a new status ("no change" first, showing the
    current one; the current one is not offered again), a note, and "concerns this demand"
    for a response that bears on it without moving it."""

    class Form(GuidedResponseForm):
        pass

    targets = [t for d in appeal.demands for t in d.targets if t.authority_id == authority.id]
    for target in targets:
        demand = target.demand
        current = label(target.status)
        setattr(Form, f"status_{demand.id}", SelectField(
            _l("New status for demand %(num)d", num=demand.position),
            choices=_choices(
                [("", str(_l("No change (now: %(status)s)", status=current)))]
                + [(s, label(s)) for s in TARGET_STATUSES if s != target.status]
            ),
            default="",
            # The service checks the status: a form sent twice (its status moved already)
            # is then recognised as the same response rather than refused here.
            validate_choice=False,
        ))  # fmt: skip
        setattr(Form, f"note_{demand.id}", StringField(
            _l("Note on the change (optional)"),
            validators=[Optional(), max_length(limits.NOTE)],
        ))  # fmt: skip
        setattr(Form, f"concerns_{demand.id}", BooleanField(
            _l("The response concerns this demand, without changing its status")
        ))  # fmt: skip
    form = Form(**kwargs)
    form.kind.choices = _choices((k, label(k)) for k in RESPONSE_KINDS)
    form.use_attachment.choices = []
    form.rows = [
        (target, form[f"status_{target.demand.id}"], form[f"note_{target.demand.id}"],
         form[f"concerns_{target.demand.id}"])
        for target in targets
    ]  # fmt: skip
    form.move_fields = [(t.demand, status, note) for t, status, note, _c in form.rows]
    return form
