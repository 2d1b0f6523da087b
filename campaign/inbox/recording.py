""" "Record as response": the glue between a message and the responses page's form
(campaign.admin.responses), kept here so the responses area knows little of the inbox."""

from __future__ import annotations

from flask import abort, request

from campaign.core.validation import InvalidInput
from campaign.inbox.forms import attachment_choices, prefill_response
from campaign.inbox.models import Correspondence
from campaign.inbox.services import mark_recorded  # noqa: F401 - used by the view
from campaign.responses.documents import documents_folder


def _message_of(appeal, value) -> Correspondence | None:
    from campaign.core.extensions import db

    try:
        item_id = int(value or 0)
    except ValueError:
        return None
    item = db.session.get(Correspondence, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.appeal_id != appeal.id:
        return None
    return item


def prefill_from_request(appeal, form) -> None:
    """With ?correspondence=<id> of a message of this appeal, fill the form from it."""
    value = request.args.get("correspondence")
    if value is None:
        return
    item = _message_of(appeal, value)
    if item is None:
        abort(404)
    prefill_response(form, item)


def recorded_message(appeal, form) -> Correspondence | None:
    """The message a posted response form records, if any (it must be this appeal's and not
    recorded yet)."""
    if not form.correspondence.data:
        return None
    item = _message_of(appeal, form.correspondence.data)
    if item is None:
        raise InvalidInput("The message is not one of this appeal's.")
    if item.state == "recorded":
        raise InvalidInput("The message is already recorded as a response.")
    attachment_choices(form, item)
    return item


def attachment_bytes(item: Correspondence, value: str | None) -> bytes | None:
    for attachment in item.attachments:
        if value and str(attachment.id) == value and attachment.document:
            return (documents_folder() / attachment.document).read_bytes()
    return None
