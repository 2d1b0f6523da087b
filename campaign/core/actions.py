"""The one way an HTML view changes something: `run_action`.

A view parses the request, hands the service call to `run_action` and says what to answer:
the helper owns the transaction (services flush, never commit), the messages and the status
code, so every campaigner page behaves alike. The JSON API does not use it: there a refusal
propagates to campaign.core.errors, which rolls back and answers the error envelope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import flash as flash_message
from flask import request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from campaign.core.extensions import db
from campaign.core.forms import show_errors
from campaign.core.validation import InvalidInput

T = TypeVar("T")


def run_action(
    form: Any,
    action: Callable[[], T],
    *,
    success: Callable[[T], ResponseReturnValue],
    render: Callable[[], ResponseReturnValue] | None = None,
    flash: str | Callable[[T], str] | None = None,
    aliases: Mapping[str, object] | None = None,
) -> ResponseReturnValue:
    """Run `action()` (the service calls) for a view and answer.

    `form` is a WTForms form (nothing runs until it validates; a GET shows it), a dict for a
    form written by hand in the template (see campaign.core.forms.show_errors), or None for a
    button whose post carries nothing to check.

    Done: the session is committed, `flash` is flashed (a message, or a function of what the
    action returned) and the answer is `success(result)`, usually a redirect.

    Refused (`InvalidInput`): the session is rolled back, so nothing the service flushed
    survives; the messages go on the form (flashed without one) and the answer is `render()`,
    the form's page again, with 400 when a form was posted. A button may leave `render` out:
    refused, it answers as when done, `success(None)` (back to the page it was on).
    Any other exception propagates to the error handlers, which roll back too."""
    if isinstance(form, FlaskForm) and not form.validate_on_submit():
        return _again(form, render, success)
    try:
        result = action()
    except InvalidInput as error:
        db.session.rollback()
        show_errors(form, error, aliases)
        return _again(form, render, success)
    db.session.commit()
    if flash is not None:
        flash_message(flash(result) if callable(flash) else str(flash))
    return success(result)


def _again(form: Any, render, success) -> ResponseReturnValue:
    """The page shown again: 400 after a posted form (it has errors), 200 when it is first
    shown; a button's answer (a redirect) keeps its own status."""
    if form is None:
        return render() if render is not None else success(None)
    return render(), 400 if request.method == "POST" else 200
