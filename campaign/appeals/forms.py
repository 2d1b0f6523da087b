"""The issuers' approval form (campaign.appeals.issuers): the text's hash it answers and, when
asking for changes, which."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField

from campaign.core import limits
from campaign.core.forms import Form, max_length


class ApprovalForm(Form):
    #: The content hash of the text shown: an answer holds for that text only.
    version = HiddenField()
    comment = TextAreaField(
        _l("What should change (needed to ask for changes)"), validators=[max_length(limits.NOTE)]
    )
