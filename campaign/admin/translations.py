"""Campaigners' pages for an appeal's translations: one page per appeal listing its languages,
a form per language (title, summary, body, one text per demand in order), and removal."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, TextAreaField

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.appeals.queries import get_appeal_or_404
from campaign.appeals.translations import (
    TITLE_MAX,
    get_translation,
    localized,
    remove_translation,
    save_translation,
    translatable_languages,
)
from campaign.core import limits
from campaign.core.actions import run_action
from campaign.core.forms import Form, max_length
from campaign.core.i18n import language_name
from campaign.core.limits import APPEAL_BODY_MAX
from campaign.core.markdown_fields import render_before_writes


class TranslationForm(Form):
    title = StringField(_l("Title"), validators=[max_length(TITLE_MAX)])
    summary = TextAreaField(_l("Summary"), validators=[max_length(limits.SUMMARY)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[max_length(limits.APPEAL_BODY_MAX)])


def translation_form(appeal, language: str) -> TranslationForm:
    """The form with one field per demand, in order, filled from the stored translation on GET."""

    class Form(TranslationForm):
        pass

    for demand in appeal.demands:
        label = _l("Demand %(num)d", num=demand.position)
        setattr(Form, f"demand_{demand.id}", TextAreaField(label, [max_length(limits.DEMAND)]))
    data = {}
    if request.method == "GET" and get_translation(appeal, language) is not None:
        text = localized(appeal, language)
        data = {"title": text.title, "summary": text.summary, "body": text.body}
        for demand in appeal.demands:
            own = next((t.text for t in demand.translations if t.language == language), "")
            data[f"demand_{demand.id}"] = own
    form = Form(data=data)
    form.demand_rows = [(demand, form[f"demand_{demand.id}"]) for demand in appeal.demands]
    return form


@bp.route("/appeals/<slug>/translations")
@require_role("editor")
def translations(slug: str):
    appeal = get_appeal_or_404(slug)
    existing = {t.language: t for t in appeal.translations}
    rows = [(code, existing.get(code)) for code in translatable_languages(appeal)]
    return render_template("admin/translations/index.html", appeal=appeal, rows=rows)


@bp.route("/appeals/<slug>/translations/<language>", methods=["GET", "POST"])
@require_role("editor")
def translation_edit(slug: str, language: str):
    appeal = get_appeal_or_404(slug)
    if language not in translatable_languages(appeal):
        abort(404)
    form = translation_form(appeal, language)

    def save():
        body = render_before_writes({"body": form.body.data}, body=APPEAL_BODY_MAX)["body"]
        texts = {d.id: form[f"demand_{d.id}"].data or "" for d in appeal.demands}
        save_translation(
            current_user._get_current_object(), appeal, language,
            title=form.title.data, summary=form.summary.data, body=body, demands=texts,
        )  # fmt: skip

    return run_action(
        form,
        save,
        flash=_("The %(language)s translation is saved.", language=language_name(language)),
        success=lambda _result: redirect(url_for("admin.translations", slug=slug)),
        render=lambda: render_template(
            "admin/translations/form.html", appeal=appeal, form=form, language=language
        ),
    )


@bp.route("/appeals/<slug>/translations/<language>/remove", methods=["POST"])
@require_role("editor")
def translation_remove(slug: str, language: str):
    appeal = get_appeal_or_404(slug)
    if not Form().validate_on_submit():
        abort(400)

    def remove():
        if not remove_translation(current_user._get_current_object(), appeal, language):
            abort(404)

    return run_action(
        None,
        remove,
        flash=_("The %(language)s translation is removed.", language=language_name(language)),
        success=lambda _result: redirect(url_for("admin.translations", slug=slug)),
    )
