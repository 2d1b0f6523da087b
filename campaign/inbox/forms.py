"""Campaigners' forms for inbound mail, and filling the response form from a message."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from campaign.core.forms import Form, max_length
from campaign.inbox.redaction import MAX_PATTERN, MAX_REPLACEMENT

#: How much of a message goes into the summary draft of a response.
SUMMARY_DRAFT = 2000

KIND_LABELS = {
    "reply": _l("Reply"),
    "auto_reply": _l("Auto-reply"),
    "bounce": _l("Bounce"),
}
STATE_LABELS = {
    "new": _l("New"),
    "recorded": _l("Recorded"),
    "dismissed": _l("Dismissed"),
}
MATCH_LABELS = {
    "token": _l("by its reply address"),
    "in_reply_to": _l("by In-Reply-To"),
    "manual": _l("by hand"),
    "none": _l("unmatched"),
}


class AssignForm(Form):
    target = SelectField(_l("Appeal and authority"), validators=[InputRequired()])


def assign_form(appeals, **kwargs) -> AssignForm:
    """Choices `<appeal id>:<authority id>` for each authority each appeal is addressed to."""
    form = AssignForm(**kwargs)
    choices = [SelectChoice("", "")]
    for appeal in appeals:
        seen = set()
        for demand in appeal.demands:
            for target in demand.targets:
                if target.authority_id not in seen:
                    seen.add(target.authority_id)
                    choices.append(SelectChoice(
                        f"{appeal.id}:{target.authority_id}",
                        f"{appeal.title}: {target.authority.name}",
                    ))  # fmt: skip
    form.target.choices = choices
    return form


class RedactionForm(Form):
    pattern = StringField(
        _l("Text or pattern to hide"), validators=[InputRequired(), max_length(MAX_PATTERN)]
    )
    is_regex = BooleanField(_l("It is a regular expression (RE2 syntax)"))
    replacement = StringField(
        _l("Shown instead"), validators=[Optional(), max_length(MAX_REPLACEMENT)],
        default="[redacted]",
    )  # fmt: skip
    note = StringField(_l("Why (for other campaigners)"), validators=[Optional(), max_length(500)])


def prefill_response(form, item) -> None:
    """Fill step 2 of the response form (campaign.responses.forms.guided_response_form, for the
    message's authority) from a message: its date, kind, a summary draft, every demand ticked
    as concerned and, for an auto-reply, 'acknowledged' as their new status."""
    form.correspondence.data = str(item.id)
    sent = item.sent_at or item.received_at
    form.occurred_on.data = min(sent.date(), dt.datetime.now(dt.UTC).date())
    form.kind.data = "official_letter"
    draft = f"{item.subject}\n\n{item.text}".strip()
    form.summary.data = draft[:SUMMARY_DRAFT]
    concerned = [
        demand for demand, _status, _note in form.move_fields
        if any(t.authority_id == item.authority_id for t in demand.targets)
    ]  # fmt: skip
    for _target, _status, _note, concerns in form.rows:
        concerns.data = True
    if item.kind == "auto_reply":
        for demand, status, note in form.move_fields:
            if demand in concerned and _target_status(demand, item.authority_id) == "awaiting":
                status.data = "acknowledged"
                note.data = str(_l("Automatic acknowledgement of receipt."))
    attachment_choices(form, item)
    stored = [a for a in item.attachments if a.document]
    form.use_attachment.data = str(stored[0].id) if stored else ""


def attachment_choices(form, item) -> None:
    form.use_attachment.choices = [SelectChoice("", str(_l("(none)")))] + [
        SelectChoice(str(a.id), a.filename or a.document) for a in item.attachments if a.document
    ]


def _target_status(demand, authority_id) -> str | None:
    for target in demand.targets:
        if target.authority_id == authority_id:
            return target.status
    return None
