"""The admin's emergency erase of one appeal's personal data (campaign.privacy.shred), behind
the admin's password and the appeal's slug typed out."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.appeals.queries import get_appeal_or_404
from campaign.core import limits
from campaign.core.actions import run_action
from campaign.core.datakeys import shredded_at
from campaign.core.extensions import limiter
from campaign.core.forms import Form, max_length
from campaign.privacy.shred import clean_rows, shred_appeal


class ShredForm(Form):
    slug = StringField(_l("The appeal's address name"), validators=[max_length(limits.SLUG)])
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(), max_length(limits.PASSWORD)]
    )


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]  # a password check: the login's limit


@bp.route("/appeals/<slug>/shred", methods=["GET", "POST"])
@require_role("admin")
@limiter.limit(_login_limit, methods=["POST"])
def appeal_shred(slug: str):
    appeal = get_appeal_or_404(slug)
    form = ShredForm()
    user = current_user._get_current_object()

    def shredded(when):
        cleaned = clean_rows([appeal.id])
        flash(
            _(
                "The data key of this appeal was destroyed at %(when)s UTC; %(count)d "
                "signature(s) were blanked. Its signers can no longer be mailed.",
                when=when.strftime("%Y-%m-%d %H:%M"),
                count=cleaned.signatures,
            )
        )
        return redirect(url_for("admin.appeal", slug=slug))

    return run_action(
        form,
        lambda: shred_appeal(user, appeal, form.password.data, form.slug.data),
        success=shredded,
        render=lambda: render_template(
            "admin/appeals/shred.html", appeal=appeal, form=form, shredded=shredded_at(appeal.id)
        ),
    )
