"""The dashboard (/admin) and each appeal's figures (/admin/appeals/<slug>/stats)."""

from __future__ import annotations

from babel import Locale
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from campaign.accounts.auth import require_role
from campaign.admin import bp
from campaign.appeals.queries import get_appeal_or_404, list_all_appeals
from campaign.appeals.status import today_utc
from campaign.core.labels import label
from campaign.dashboard import charts
from campaign.dashboard.stats import (
    RATE_SAMPLE,
    appeal_stats,
    appeal_summaries,
    first_day,
    last_day,
    mail_health,
)
from campaign.dashboard.views import growth_chart, whole_life

#: How many appeals the dashboard lists; the appeals page has them all.
DASHBOARD_APPEALS = 10


def _hourly_chart(summary):
    rows = [(hour.strftime("%H:%M"), n) for hour, n in summary.hourly]
    return charts.bar_chart(
        f"hourly-{summary.appeal.id}",
        _("Signatures per hour, last 48 hours"),
        _("Confirmed signatures in each hour (%(zone)s), the current hour last.",
          zone=summary.appeal.timezone),
        rows,
        (_("Hour"), _("Signatures")),
    )  # fmt: skip


def _daily_chart(chart_id, days, title=None):
    return charts.bar_chart(
        chart_id,
        title or _("Signatures per day since publication"),
        _("Confirmed signatures on each calendar day, in the appeal's time zone."),
        [(day.isoformat(), n) for day, n in days],
        (_("Day"), _("Signatures")),
    )


@bp.route("/")
@require_role("moderator")
def index():
    summaries = appeal_summaries()
    appeals = list_all_appeals()
    return render_template(
        "admin/index.html",
        summaries=[(s, _hourly_chart(s), _daily_chart(f"daily-{s.appeal.id}", s.daily))
                   for s in summaries],
        mail=mail_health(),
        rate_sample=RATE_SAMPLE,
        appeals=appeals[:DASHBOARD_APPEALS],
        more=len(appeals) > DASHBOARD_APPEALS,
    )  # fmt: skip


def _country_names() -> dict[str, str]:
    """CLDR's names in the reader's language, with campaigners' names over them."""
    from campaign.names.localize import country_overrides

    language = str(get_locale())
    try:
        names = dict(Locale.parse(language).territories)
    except (ValueError, TypeError):
        names = dict(Locale("en").territories)
    return names | country_overrides(language)


def _growth(appeal):
    """The running total over the whole life, paper included (empty for a draft)."""
    first = first_day(appeal)
    rows, weekly = whole_life(appeal, first, last_day(appeal)) if first else ([], False)
    return growth_chart("running", rows, _("Signatures so far"), weekly=weekly)


@bp.route("/appeals/<slug>/stats")
@require_role("moderator")
def appeal_stats_page(slug: str):
    appeal = get_appeal_or_404(slug)
    stats = appeal_stats(appeal)
    names = _country_names()
    countries = [(code, names.get(code, code), n) for code, n in stats.by_country]
    country_chart = charts.hbar_chart(
        "countries",
        _("Signatures by country"),
        _("Confirmed signatures from each country, most first."),
        [(name, n) for _code, name, n in countries],
        (_("Country"), _("Signatures")),
    )
    ref_chart = charts.hbar_chart(
        "channels",
        _("Signatures by share channel"),
        _("Confirmed signatures by the share link that brought the signer."),
        [(label(ref) if ref else _("none"), n) for ref, n in stats.by_ref],
        (_("Channel"), _("Signatures")),
    )
    endorsement_chart = charts.hbar_chart(
        "endorsements",
        _("Endorsements pipeline"),
        _("Endorsements in each state: awaiting email confirmation, awaiting moderation, "
          "approved, rejected."),
        [(label(state), n) for state, n in stats.endorsements],
        (_("State"), _("Endorsements")),
    )  # fmt: skip
    return render_template(
        "admin/appeals/stats.html",
        appeal=appeal,
        stats=stats,
        country_chart=country_chart,
        countries=countries,
        ref_chart=ref_chart,
        day_chart=_daily_chart("days", stats.by_day, _("Signatures per day")),
        growth=_growth(appeal),
        endorsement_chart=endorsement_chart,
        today=today_utc(),
    )
