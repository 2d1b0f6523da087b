"""Campaigners' names for countries per language (campaign.names): how the sign form, the
signers' list and the statistics name a country, over CLDR's name."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from campaign.accounts.auth import require_role
from campaign.admin import add_nav, bp
from campaign.core.actions import run_action
from campaign.core.countries import country_choices
from campaign.core.forms import Form, max_length
from campaign.core.i18n import language_name
from campaign.names.services import COUNTRY_NAME_MAX, list_country_names, set_country_name

add_nav("admin.countries", _l("Country names"), "editor")


class CountryNameForm(Form):
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    name = StringField(
        _l("Name (empty: the standard name)"), validators=[max_length(COUNTRY_NAME_MAX)]
    )

    def __init__(self, *args, **kwargs):
        from flask import current_app

        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice(c, f"{n} ({c})") for c, n in country_choices("en")]
        self.language.choices = [
            SelectChoice(code, language_name(code)) for code in current_app.config["LANGUAGES"]
        ]


@bp.route("/countries", methods=["GET", "POST"])
@require_role("editor")
def countries():
    form = CountryNameForm()
    return run_action(
        form,
        lambda: set_country_name(
            current_user._get_current_object(),
            form.country.data,
            form.language.data,
            form.name.data or "",
        ),
        flash=_l("The country's name is saved."),
        success=lambda _row: redirect(url_for("admin.countries")),
        render=lambda: render_template(
            "admin/countries.html", form=form, names=list_country_names()
        ),
    )
