"""What the API says about appeals, demands and authorities: marshmallow schemas for output.

Other areas nest these (an authority's record, responses, the timeline), so they dump the
models directly: `AppealSchema().dump(appeal)`, `DemandSchema(many=True).dump(demands)`.
Derived values (statuses, overdue, progress) come from campaign.appeals.status, so the page,
the API and the feed agree. Private data never appears here: no authority contact_email, no
emails of anyone; `AuthorityAdminSchema` (with the contact email) is for campaigner calls only.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields, pre_dump

from campaign.appeals.models import APPEAL_STATES, TARGET_STATUSES, Appeal
from campaign.appeals.status import appeal_progress, demand_overdue, demand_status, today_utc
from campaign.appeals.translations import available_languages, localized
from campaign.authorities.models import AUTHORITY_KINDS
from campaign.signatures.counting import signature_counts

# --- authorities and organizations -----------------------------------------------------------


class AuthorityRefSchema(Schema):
    """An authority named inside something else (a demand's target, a response)."""

    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(AUTHORITY_KINDS)})


class AuthoritySchema(AuthorityRefSchema):
    """An authority in the public register. No contact email: it is private."""

    country = fields.String(allow_none=True, metadata={"description": "ISO 3166 alpha-2"})
    website = fields.String(allow_none=True)


class AuthorityAdminSchema(AuthoritySchema):
    """An authority as campaigners (editor or above) see it: with its private contact email."""

    contact_email = fields.String(allow_none=True)


class OrganizationRefSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


# --- demands ---------------------------------------------------------------------------------


def _overdue_metadata(what: str) -> dict:
    return {
        "type": "boolean",
        "description": f"{what} awaiting or only acknowledged past its due date (derived).",
    }


class TargetSchema(Schema):
    """A demand addressed to one authority: the unit whose status is tracked."""

    authority = fields.Nested(AuthorityRefSchema, required=True)
    status = fields.String(required=True, metadata={"enum": list(TARGET_STATUSES)})
    due_on = fields.Date(allow_none=True)
    overdue = fields.Function(
        lambda target: target.is_overdue(today_utc()), metadata=_overdue_metadata("Still")
    )


class DemandSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True, metadata={"description": "1..n, the order shown"})
    text = fields.String(required=True)
    status_summary = fields.Function(
        demand_status,
        metadata={
            "type": "string",
            "enum": list(TARGET_STATUSES),
            "description": "Derived from the targets' statuses.",
        },
    )
    overdue = fields.Function(
        lambda demand: demand_overdue(demand), metadata=_overdue_metadata("A target is")
    )
    targets = fields.Nested(TargetSchema, many=True, required=True)


# --- appeals ---------------------------------------------------------------------------------


class ProgressSchema(Schema):
    """How far the appeal's demands have got, derived from their targets."""

    total = fields.Integer(required=True)
    met = fields.Integer(required=True)
    partially_met = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    answered = fields.Integer(required=True, metadata={"description": "Demands not awaiting"})
    summary = fields.Function(
        lambda progress: progress.summary(),
        metadata={"type": "string", "description": "For people, e.g. '2 of 4 demands met'"},
    )


class AppealRefSchema(Schema):
    """An appeal named inside something else (an authority's record, an organization's)."""

    slug = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(APPEAL_STATES)})


class _Localized:
    """A row with some attributes replaced (a demand with its translated text)."""

    def __init__(self, row, **values):
        self._row = row
        self.__dict__.update(values)

    def __getattr__(self, name: str):
        return getattr(self._row, name)


class _Counted:
    """An appeal with the values a dump needs that are not on its row, looked up once for a
    whole list: attribute reads fall through to the appeal."""

    def __init__(self, appeal: Appeal, signature_count: int, today: dt.date):
        self._appeal = appeal
        self.signature_count = signature_count
        self.progress = appeal_progress(appeal, today)
        # The text in the requested language (?lang= or Accept-Language) when translated.
        text = localized(appeal)
        self.title, self.summary, self.body = text.title, text.summary, text.body
        self.body_html = text.body_html
        self.language = text.language
        self.original_language = appeal.language
        self.languages = available_languages(appeal)
        self.demands = [_Localized(demand, text=text.demand(demand)) for demand in appeal.demands]

    def __getattr__(self, name: str):
        return getattr(self._appeal, name)


class AppealSummarySchema(Schema):
    """An appeal in a list: everything but its body."""

    slug = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(APPEAL_STATES)})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    language = fields.String(
        required=True,
        metadata={"description": "The language of title, summary, body and demand texts"},
    )
    original_language = fields.String(
        required=True, metadata={"description": "The language the appeal was written in"}
    )
    languages = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Every language the appeal can be read in, original first"},
    )
    issued_by = fields.Nested(OrganizationRefSchema, allow_none=True)
    issued_on = fields.Date(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)
    closes_at = fields.AwareDateTime(allow_none=True)
    signature_goal = fields.Integer(allow_none=True)
    signature_count = fields.Integer(
        required=True, metadata={"description": "Confirmed signatures (may lag by seconds)"}
    )
    endorsement_count = fields.Integer(
        required=True, metadata={"description": "Approved endorsements"}
    )
    progress = fields.Nested(ProgressSchema, required=True)
    demands = fields.Nested(DemandSchema, many=True, required=True)

    @pre_dump(pass_collection=True)
    def _count(self, data, many: bool, **kwargs):
        """Signature counts for every appeal being dumped in one query (no N+1)."""
        appeals = list(data) if many else [data]
        counts = signature_counts(appeal.id for appeal in appeals)
        today = today_utc()
        counted = [_Counted(appeal, counts[appeal.id], today) for appeal in appeals]
        return counted if many else counted[0]


class AppealSchema(AppealSummarySchema):
    """One appeal in full."""

    body = fields.String(required=True, metadata={"description": "Markdown source"})
    body_html = fields.String(
        required=True,
        metadata={"description": "The body as rendered and sanitized when it was saved"},
    )
