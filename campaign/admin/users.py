"""Campaigner accounts: admins list, create, change role and deactivate; every campaigner
changes their own password."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from campaign.accounts.auth import require_role, start_session
from campaign.accounts.models import ROLES, User
from campaign.accounts.queries import get_user_or_404, list_users
from campaign.accounts.services import (
    MIN_PASSWORD_LENGTH,
    change_password,
    change_role,
    create_user,
    deactivate_user,
)
from campaign.admin import add_nav, bp
from campaign.core import limits
from campaign.core.actions import run_action
from campaign.core.engine import reads_before_writes
from campaign.core.extensions import db, limiter
from campaign.core.forms import Form, max_length
from campaign.core.labels import label


def _role_choices():
    return [(role, label(role)) for role in ROLES]


def _new_password(text):
    return PasswordField(
        text,
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=limits.PASSWORD,
                message=_l("The password needs at least %(min)d characters (at most %(max)d)."),
            ),
        ],
    )


def _confirm_password():
    return PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(),
            EqualTo("password", _l("The passwords differ.")),
            max_length(limits.PASSWORD),
        ],
    )


class NewUserForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), max_length(limits.EMAIL)],
    )
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    password = _new_password(_l("Password"))
    confirm = _confirm_password()


class PasswordForm(Form):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), max_length(limits.PASSWORD)]
    )
    password = _new_password(_l("New password"))
    confirm = _confirm_password()


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])


class DeactivateForm(Form):
    pass


add_nav("admin.users", _l("Campaigners"), "admin")
add_nav("admin.password", _l("Your password"), "moderator")


def _render_list(errors: dict | None = None) -> str:
    users = list_users()
    forms = {u.id: RoleForm(prefix=f"u{u.id}", role=u.role) for u in users}
    return render_template(
        "admin/users/index.html",
        users=users,
        role_forms=forms,
        deactivate_form=DeactivateForm(),
        errors=errors or {},
    )


def _to_users(_result):
    return redirect(url_for("admin.users"))


def _on_row(user: User, row: dict):
    """The list again, with the refusal (held in `row`) beside the user it concerns."""
    return lambda: _render_list({user.id: next(iter(row.values()))})


@bp.route("/users")
@require_role("admin")
def users():
    return _render_list()


@bp.route("/users/new", methods=["GET", "POST"])
@require_role("admin")
def new_user():
    form = NewUserForm()
    return run_action(
        form,
        lambda: create_user(form.email.data, form.password.data, form.role.data, current_user),
        flash=lambda user: _("Created %(email)s.", email=user.email),
        success=_to_users,
        render=lambda: render_template(
            "admin/users/new.html", form=form, min_length=MIN_PASSWORD_LENGTH
        ),
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@require_role("admin")
def user_role(user_id: int):
    user = get_user_or_404(user_id)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        return _render_list({user.id: _("Choose one of the roles.")}), 400
    row: dict = {}
    return run_action(
        row,
        lambda: change_role(user, form.role.data, current_user),
        flash=lambda _done: _(
            "%(email)s is now %(role)s.", email=user.email, role=label(user.role)
        ),
        success=_to_users,
        render=_on_row(user, row),
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@require_role("admin")
def user_deactivate(user_id: int):
    user = get_user_or_404(user_id)
    if not DeactivateForm().validate_on_submit():
        abort(400)
    row: dict = {}
    return run_action(
        row,
        lambda: deactivate_user(user, current_user),
        flash=lambda _done: _(
            "%(email)s is deactivated; their sessions and API tokens no longer work.",
            email=user.email,
        ),
        success=_to_users,
        render=_on_row(user, row),
    )


def _login_limit() -> str:
    # Checking the current password is a login of its own: the same limit per address.
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/password", methods=["GET", "POST"])
@require_role("moderator")
@limiter.limit(_login_limit, methods=["POST"])
def password():
    form = PasswordForm()
    user = current_user._get_current_object()

    def change():
        # Loading the user began this POST's write transaction (on SQLite, the one write
        # lock): end it, so the two password hashes that follow hold up no other writer.
        with reads_before_writes():
            db.session.refresh(user)
        change_password(user, form.current.data, form.password.data)

    def logged_in_again(_result):
        start_session(user)  # this browser stays in; every other session has ended
        # Flashed after start_session, which clears the session the message is kept in.
        flash(_("Your password is changed; your other sessions are logged out."))
        return redirect(url_for("admin.index"))

    return run_action(
        form,
        change,
        success=logged_in_again,
        render=lambda: render_template(
            "accounts/password.html", form=form, min_length=MIN_PASSWORD_LENGTH
        ),
    )
