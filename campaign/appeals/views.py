"""Public appeal pages."""

from __future__ import annotations

from flask import Blueprint, render_template

from campaign.appeals.services import get_published_appeal_or_404
from campaign.appeals.status import appeal_progress, demand_overdue, demand_status, today_utc
from campaign.appeals.translations import available_languages, localized
from campaign.signatures.counting import signature_count

bp = Blueprint("appeals", __name__)

#: Functions (appeal) -> dict that other areas register to add their section's values to the
#: appeal page (signing form and recent signers, endorsers, timeline), so templates never query.
CONTEXT_PROVIDERS: list = []


def appeal_context_provider(func):
    CONTEXT_PROVIDERS.append(func)
    return func


def appeal_context(appeal) -> dict:
    """What every page about one appeal shows: counts, derived statuses, progress."""
    today = today_utc()
    context = {
        "appeal": appeal,
        #: The appeal's text in the reader's language when translated (see translations.py).
        "text": localized(appeal),
        "languages": available_languages(appeal),
        "signature_count": signature_count(appeal.id),
        "progress": appeal_progress(appeal, today),
        "demand_rows": [
            (demand, demand_status(demand), demand_overdue(demand, today))
            for demand in appeal.demands
        ],
        "today": today,
    }
    for provider in CONTEXT_PROVIDERS:
        context.update(provider(appeal))
    return context


@bp.route("/appeals/<slug>")
def show(slug: str):
    appeal = get_published_appeal_or_404(slug)
    return render_template("appeals/show.html", **appeal_context(appeal))
