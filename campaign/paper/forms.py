"""Campaigners' forms for paper batches. The service checks the rules again (the API calls it
without a form); these give the page its messages beside the fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from campaign.core.dates import HumanDateField
from campaign.core.forms import Form, max_length
from campaign.paper.models import MAX_BATCH_COUNT
from campaign.paper.services import REASON_MAX, TEXT_MAX

_COUNT_RANGE = _l("A whole number from %(min)d to %(max)d.")


class PaperBatchForm(Form):
    count = IntegerField(
        _l("How many signatures"),
        validators=[
            InputRequired(),
            NumberRange(min=1, max=MAX_BATCH_COUNT, message=_COUNT_RANGE),
        ],
    )
    collected_by = StringField(
        _l("Collected by (an organization or a volunteer group)"),
        validators=[InputRequired(), max_length(TEXT_MAX)],
    )
    place = StringField(
        _l("Where (place or region)"), validators=[InputRequired(), max_length(TEXT_MAX)]
    )
    collected_from = HumanDateField(_l("First day of collection"), validators=[InputRequired()])
    collected_to = HumanDateField(_l("Last day of collection"), validators=[InputRequired()])
    scan = FileField(_l("Scan of the sheets (optional: PDF, PNG, JPEG or WebP, at most 10 MB)"))


class CorrectionForm(Form):
    count = IntegerField(
        _l("Correct count"),
        validators=[
            InputRequired(),
            NumberRange(min=0, max=MAX_BATCH_COUNT, message=_COUNT_RANGE),
        ],
    )
    reason = TextAreaField(
        _l("Why (kept in the history)"), validators=[InputRequired(), max_length(REASON_MAX)]
    )


def correction_form(batch, **kwargs) -> CorrectionForm:
    """A batch's own correction form: its fields carry the batch's id, so several on one page
    keep apart."""
    return CorrectionForm(prefix=f"batch-{batch.id}", **kwargs)
