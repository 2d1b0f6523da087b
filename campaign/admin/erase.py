"""/admin/erase: an admin erases a person's data when they ask by letter. Three steps: type
the address (POST, so it stays out of URLs and logs), see what was found and confirm, erase.
Lookups are rate limited: each one tells whether an address signed."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.core import limits
from campaign.core.actions import run_action
from campaign.core.extensions import limiter
from campaign.core.forms import Form, max_length
from campaign.privacy.erase import Found, erase_person, find_person, record_lookup

#: Each lookup answers "did this address sign?": enough for letters answered by hand.
LOOKUP_LIMIT = "10/minute;100/hour"

add_nav("admin.erase", _l("Erase on request"), "admin")


class EraseLookupForm(Form):
    email = EmailField(
        _l("The person's email address"),
        validators=[DataRequired(), max_length(limits.EMAIL)],
    )


class EraseConfirmForm(Form):
    email = HiddenField(validators=[DataRequired(), max_length(limits.EMAIL)])


def _erased_message(found: Found) -> str:
    if found.nothing:
        return _("Nothing was found for that address: nothing was erased.")
    return _(
        "Erased: %(signatures)s and %(endorsements)s.",
        signatures=ngettext("%(num)d signature", "%(num)d signatures", found.signatures),
        endorsements=ngettext(
            "%(num)d endorsement contact", "%(num)d endorsement contacts", found.endorsements
        ),
    )


def _lookup_again(confirm: EraseConfirmForm) -> EraseLookupForm:
    """The first step again, with the refused address and its error beside the field."""
    lookup = EraseLookupForm(formdata=None, email=confirm.email.data)
    lookup.email.errors = list(confirm.email.errors)
    return lookup


@bp.route("/erase", methods=["GET", "POST"])
@require_role("admin")
@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
def erase():
    form = EraseLookupForm()
    user = current_user._get_current_object()

    def lookup():
        found = find_person(form.email.data)
        record_lookup(user, found)
        return found

    return run_action(
        form,
        lookup,
        success=lambda found: render_template(
            "admin/erase/found.html",
            found=found,
            email=form.email.data.strip(),
            confirm=EraseConfirmForm(formdata=None, email=form.email.data.strip()),
        ),
        render=lambda: render_template("admin/erase/index.html", form=form),
    )


@bp.route("/erase/confirm", methods=["POST"])
@require_role("admin")
@limiter.limit(LOOKUP_LIMIT)
def erase_confirm():
    form = EraseConfirmForm()
    user = current_user._get_current_object()
    return run_action(
        form,
        lambda: erase_person(user, form.email.data),
        success=lambda found: redirect(url_for("admin.erase"), 303),
        render=lambda: render_template("admin/erase/index.html", form=_lookup_again(form)),
        flash=_erased_message,
    )
