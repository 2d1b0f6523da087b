"""Campaigners' forms for deliveries and the working-day calendar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from campaign.core.dates import HumanDateField
from campaign.core.forms import Form, max_length

METHOD_LABELS = {"hand": _l("By hand"), "post": _l("By post"), "fax": _l("By fax")}
#: A delivery's method and status as campaigners read them.
DELIVERY_LABELS = {
    "email": _l("By email"),
    **METHOD_LABELS,
    "queued": _l("waiting to be sent"),
    "sent": _l("sent"),
    "delivered": _l("delivered"),
    "bounced": _l("bounced"),
    "failed": _l("failed"),
}


class RecordDeliveryForm(Form):
    authority = SelectField(_l("Authority"), validators=[InputRequired()])
    method = SelectField(_l("How"), choices=[SelectChoice(k, v) for k, v in METHOD_LABELS.items()])
    delivered_on = HumanDateField(_l("Delivered on"), validators=[Optional()])
    receipt = FileField(_l("Scan of the receipt (PDF or image, optional)"))
    note = TextAreaField(_l("Note"), validators=[max_length(2000)])


def record_delivery_form(authorities, **kwargs) -> RecordDeliveryForm:
    form = RecordDeliveryForm(**kwargs)
    form.authority.choices = [SelectChoice(a.slug, a.name) for a in authorities]
    return form


class WorkingDayForm(Form):
    country = StringField(_l("Country (two-letter code)"), validators=[max_length(2)])
    day = HumanDateField(_l("Day"), validators=[InputRequired()])
    working = BooleanField(_l("A working day (unticked: a day off)"))
    note = StringField(_l("Why (decree, moved holiday)"), validators=[max_length(500)])
