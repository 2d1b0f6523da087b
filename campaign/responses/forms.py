"""Campaigners' forms for the responses area. Choices come from the appeal being edited."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Optional

from campaign.appeals.models import TARGET_STATUSES
from campaign.core import limits
from campaign.core.dates import HumanDateField
from campaign.core.forms import Form, max_length
from campaign.core.labels import label
from campaign.responses.models import RESPONSE_KINDS


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in pairs]


def _status_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [(s, label(s)) for s in TARGET_STATUSES]
    return _choices(([("", blank)] if blank else []) + choices)


class ResponseForm(Form):
    authority = SelectField(_l("Authority"), validators=[InputRequired()])
    occurred_on = HumanDateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    summary = TextAreaField(
        _l("Summary"), validators=[InputRequired(), max_length(limits.RESPONSE_SUMMARY)]
    )
    source_url = StringField(
        _l("Source URL"), validators=[Optional(), max_length(limits.SOURCE_URL)]
    )
    document = FileField(_l("Document (PDF, PNG, JPEG or WebP, at most 10 MB)"))
    demands = CheckboxesField(_l("Demands it concerns"), coerce=int)
    #: Recording an inbound message (campaign.inbox): its id, and which of its stored
    #: attachments becomes the document when none is uploaded.
    correspondence = HiddenField(validators=[Optional()])
    use_attachment = SelectField(
        _l("Document from the message"), validators=[Optional()], validate_choice=False
    )


def response_form(appeal, authorities, **kwargs) -> ResponseForm:
    """A ResponseForm with, for each demand, an optional new status and a note."""

    class Form(ResponseForm):
        pass

    for demand in appeal.demands:
        setattr(Form, f"status_{demand.id}", SelectField(
            _l("New status for demand %(num)d", num=demand.position),
            choices=_status_choices(str(_l("(no change)"))), default="",
        ))  # fmt: skip
        setattr(Form, f"note_{demand.id}", StringField(
            _l("Note for demand %(num)d", num=demand.position),
            validators=[Optional(), max_length(limits.NOTE)],
        ))  # fmt: skip
    form = Form(**kwargs)
    form.authority.choices = _choices([("", "")] + [(a.slug, a.name) for a in authorities])
    form.kind.choices = _choices((k, label(k)) for k in RESPONSE_KINDS)
    form.demands.choices = _choices((d.id, f"{d.position}. {d.text}") for d in appeal.demands)
    form.use_attachment.choices = []
    form.move_fields = [
        (demand, form[f"status_{demand.id}"], form[f"note_{demand.id}"])
        for demand in appeal.demands
    ]
    return form


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
