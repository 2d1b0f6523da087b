"""Appeals in the API: what it says about appeals and their demands, and what campaigners send.

Other schemas nest these (an organization's, an authority's record), so they dump the models
directly: `AppealSchema().dump(appeal)`, `DemandSchema(many=True).dump(demands)`. Derived values
(statuses, overdue, progress) come from campaign.appeals.status, so the page, the API and the
feed agree. Private data never appears here: no emails of anyone. (The sealing public key
is shown to campaigners only.)"""

from __future__ import annotations

import datetime as dt

from flask import has_request_context
from marshmallow import Schema, ValidationError, fields, post_dump, post_load, pre_dump, validate

from campaign.accounts.auth import bearer_user
from campaign.api.schemas.authorities import (
    NAME_DESCRIPTION,
    NAMES_DESCRIPTION,
    AuthorityRefSchema,
)
from campaign.api.schemas.base import ExternalUrl, Id, Overlay, Text
from campaign.appeals.issuers import MAX_ISSUERS
from campaign.appeals.models import APPEAL_STATES, PROTECTION_LEVELS, TARGET_STATUSES, Appeal
from campaign.appeals.protection import MAX_RETENTION_DAYS, retention_days
from campaign.appeals.services import MAX_DEMANDS, DemandInput, TargetInput
from campaign.appeals.status import appeal_progress, demand_overdue, demand_status, today_utc
from campaign.appeals.translations import available_languages, localized
from campaign.authorities.queries import authorities_by_slug
from campaign.core import limits
from campaign.core.limits import MAX_INT
from campaign.deliveries.queries import delivered_on
from campaign.inbox.queries import published_correspondence
from campaign.names.localize import local_name_text
from campaign.privacy.sealing import PUBLIC_KEY_MAX
from campaign.signatures.counting import signature_counts


class OrganizationRefSchema(Schema):
    slug = fields.String(required=True)
    name = fields.Function(
        local_name_text, metadata={"type": "string", "description": NAME_DESCRIPTION}
    )
    names = fields.Function(
        lambda o: o.names or {}, metadata={"type": "object", "description": NAMES_DESCRIPTION}
    )


class IssuerRefSchema(Schema):
    """An organization that issues the appeal (an author, not an endorser)."""

    slug = fields.String(required=True)
    name = fields.Function(
        local_name_text, metadata={"type": "string", "description": NAME_DESCRIPTION}
    )
    logo_url = ExternalUrl("endorsements.logo", {"name": "logo"}, allow_none=True)


# --- demands ---------------------------------------------------------------------------------


def _overdue_metadata(what: str) -> dict:
    return {
        "type": "boolean",
        "description": f"{what} awaiting or only acknowledged past its due date (derived).",
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


class TargetSchema(Schema):
    """A demand addressed to one authority: the unit whose status is tracked."""

    authority = fields.Nested(AuthorityRefSchema, required=True)
    status = fields.String(required=True, metadata={"enum": list(TARGET_STATUSES)})
    due_on = fields.Date(allow_none=True)
    delivered_on = fields.Function(
        lambda target: _iso(delivered_on(target)),
        metadata={
            "type": "string",
            "format": "date",
            "nullable": True,
            "description": "The day the appeal reached this authority (its delivery), if known.",
        },
    )
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
            "enum": [*TARGET_STATUSES, "mixed"],
            "description": "Derived from the targets' statuses: their status when every "
            "target of the demand has the same one, else `mixed` (see each target's status).",
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


#: What an appeal says in the language asked for (campaign.appeals.translations.Localized).
_LOCALIZED = ("title", "summary", "body", "body_html", "language", "original_language")


def _counted(appeal: Appeal, signature_count: int, today: dt.date) -> Overlay:
    """An appeal with the values a dump needs that are not on its row (looked up once for a
    whole list), and its text in the requested language (?lang= or Accept-Language) when
    translated."""
    text = localized(appeal)
    return Overlay(
        appeal,
        signature_count=signature_count,
        progress=appeal_progress(appeal, today),
        languages=available_languages(appeal),
        demands=[Overlay(demand, text=text.demand(demand)) for demand in appeal.demands],
        retention_days=retention_days(appeal),
        **{name: getattr(text, name) for name in _LOCALIZED},
    )


#: What the API says of an appeal's sealing key, in and out.
SEALING_KEY = (
    "The age public key (age1...) that exports of the appeal's personal data are sealed to "
    "(admin CSV, `flask export ...`); null or empty for plain exports. A secret key or "
    "anything else is refused. Shown to campaigners (a token of a moderator or above) only."
)


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
    issuers = fields.Nested(
        IssuerRefSchema,
        many=True,
        required=True,
        attribute="issuer_organizations",
        metadata={
            "description": "The organizations that issue the appeal, in the order shown "
            "(its authors; never counted as endorsements)"
        },
    )
    issued_by = fields.Nested(
        OrganizationRefSchema,
        allow_none=True,
        metadata={"description": "Deprecated: the first of `issuers`, kept for older clients"},
    )
    issued_on = fields.Date(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)
    closes_at = fields.AwareDateTime(allow_none=True)
    signature_goal = fields.Integer(allow_none=True)
    signature_count = fields.Integer(
        required=True,
        metadata={"description": "Confirmed signatures (may lag by seconds), paper_count included"},
    )
    paper_count = fields.Integer(
        required=True,
        metadata={"description": "Signatures collected on paper (POST .../paper-batches)"},
    )
    endorsement_count = fields.Integer(
        required=True, metadata={"description": "Approved endorsements"}
    )
    progress = fields.Nested(ProgressSchema, required=True)
    demands = fields.Nested(DemandSchema, many=True, required=True)
    protection = fields.String(
        required=True,
        metadata={
            "enum": list(PROTECTION_LEVELS),
            "description": "at_risk: signers' names hidden unless they opt in, no list of "
            "signers, no city, small countries folded into 'other', a short retention",
        },
    )
    retention_days = fields.Integer(
        required=True,
        metadata={
            "description": "Days after closing before signers' personal data is erased (the "
            "appeal's own, or the instance's default for its protection level)"
        },
    )
    hidden_at = fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "When it was taken down; only editors ever see a hidden appeal"},
    )

    @pre_dump(pass_collection=True)
    def _count(self, data, many: bool, **kwargs):
        """Signature counts for every appeal being dumped in one query (no N+1)."""
        appeals = list(data) if many else [data]
        counts = signature_counts(appeal.id for appeal in appeals)
        today = today_utc()
        counted = [_counted(appeal, counts[appeal.id], today) for appeal in appeals]
        return counted if many else counted[0]


class PublishedCorrespondenceSchema(Schema):
    """A message from an authority as the campaigners published it: the redacted public copy,
    never the sender's address."""

    authority = fields.Nested(AuthorityRefSchema, required=True)
    subject = fields.String(required=True, attribute="public_subject")
    text = fields.String(required=True, attribute="public_text")
    received_at = fields.AwareDateTime(required=True)
    published_at = fields.AwareDateTime(required=True)


class AppealSchema(AppealSummarySchema):
    """One appeal in full."""

    body = fields.String(required=True, metadata={"description": "Markdown source"})
    body_html = fields.String(
        required=True,
        metadata={"description": "The body as rendered and sanitized when it was saved"},
    )
    sealing_public_key = fields.String(allow_none=True, metadata={"description": SEALING_KEY})
    default_country = fields.String(
        allow_none=True, metadata={"description": "Preselected in the sign form (alpha-2)"}
    )
    correspondence = fields.Nested(
        PublishedCorrespondenceSchema,
        many=True,
        attribute="published_correspondence",
        metadata={"description": "Authorities' replies the campaigners published, oldest first"},
    )

    @pre_dump(pass_collection=True)
    def _count(self, data, many: bool, **kwargs):
        counted = super()._count(data, many, **kwargs)
        for appeal in counted if many else [counted]:
            appeal.published_correspondence = published_correspondence(appeal)
        return counted

    @post_dump
    def _campaigners_only(self, data: dict, **kwargs) -> dict:
        """The sealing key is shown to campaigners only: it would tell anyone else which
        appeals share a coalition's key."""
        user = bearer_user() if has_request_context() else None
        if user is None or not user.has_role("moderator"):
            data.pop("sealing_public_key", None)
        return data


# --- what campaigners send ----------------------------------------------------------------


class TargetIn(Schema):
    authority = Text(
        limits.SLUG, required=True, metadata={"description": "Slug of an authority in the register"}
    )
    due_on = fields.Date(load_default=None, allow_none=True)


class DemandIn(Schema):
    id = Id(metadata={"description": "An existing demand's id: it keeps its identity and history"})
    text = Text(limits.DEMAND, min_length=1, required=True)
    targets = fields.List(
        fields.Nested(TargetIn),
        metadata={"description": "Replace the targets; left out, an existing demand keeps its own"},
    )


#: Outside these, times cannot be converted to UTC (or make no sense for an appeal).
_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


class AppealIn(Schema):
    """An appeal as campaigners write it, created as a draft."""

    title = Text(limits.TITLE, min_length=1, required=True)
    summary = Text(limits.SUMMARY)
    body = Text(
        limits.APPEAL_BODY_MAX,
        metadata={
            "description": "Markdown; rendered and sanitized once, when saved (a text too "
            "complex to render within the server's time budget is refused, naming the field)"
        },
    )
    language = Text(
        limits.LANGUAGE,
        validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$", error="Not a language tag."),
    )
    signature_goal = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=MAX_INT)
    )
    closes_at = fields.AwareDateTime(
        default_timezone=dt.UTC,
        allow_none=True,
        validate=validate.Range(min=_EARLIEST, max=_LATEST),
        metadata={"description": "UTC if no zone"},
    )
    issued_on = fields.Date(allow_none=True)
    issuers = fields.List(
        Text(limits.SLUG),
        validate=validate.Length(max=MAX_ISSUERS),
        metadata={
            "description": "Slugs of the issuing organizations, in the order shown; replaces "
            "the list (an organization kept keeps its contact and approval). An unknown or "
            "repeated slug is refused with 422, naming it. Contacts, who approve the text "
            "before publishing, are set on the admin page /admin/appeals/{slug}/issuers."
        },
    )
    demands = fields.List(fields.Nested(DemandIn), validate=validate.Length(max=MAX_DEMANDS))
    protection = Text(
        16,
        validate=validate.OneOf(PROTECTION_LEVELS),
        metadata={"description": "standard (the default) or at_risk"},
    )
    retention_days = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_RETENTION_DAYS),
        metadata={
            "description": "Days after closing before signers' personal data is erased; null: "
            "the instance's default (DATA_RETENTION_DAYS, or AT_RISK_RETENTION_DAYS for at_risk)"
        },
    )
    sealing_public_key = Text(
        PUBLIC_KEY_MAX, allow_none=True, metadata={"description": SEALING_KEY}
    )

    @post_load
    def _resolve_authorities(self, data: dict, **kwargs) -> dict:
        """Authority slugs to authorities, in one query; an unknown one names its field."""
        if "demands" not in data:
            return data
        slugs = [t["authority"] for d in data["demands"] for t in d.get("targets", ())]
        found = authorities_by_slug(slugs)
        errors: dict = {}
        demands = []
        for i, demand in enumerate(data["demands"]):
            targets = None if "targets" not in demand else []
            for j, target in enumerate(demand.get("targets", ())):
                authority = found.get(target["authority"])
                if authority is None:
                    message = f"No authority with slug {target['authority']!r} in the register."
                    errors.setdefault(i, {"targets": {}})["targets"][j] = {"authority": [message]}
                else:
                    targets.append(TargetInput(authority, target["due_on"]))
            demands.append(DemandInput(demand["text"], targets, demand.get("id")))
        if errors:
            raise ValidationError({"demands": errors})
        return {**data, "demands": demands}


class AppealPatch(AppealIn):
    """Changes to an appeal: every field is optional. `demands`, when given, replaces the set
    in the order given; a demand with its `id` keeps its identity and history."""

    title = Text(limits.TITLE, min_length=1)
    default_country = Text(
        limits.COUNTRY,
        allow_none=True,
        metadata={"description": "ISO 3166-1 alpha-2, preselected in the sign form; null: none"},
    )


class PublishIn(Schema):
    """Publishing a draft."""

    override_reason = Text(
        limits.NOTE,
        metadata={
            "description": "Admins only: publish although some issuers have not approved the "
            "current text, saying why (kept in the audit log with who had not approved)"
        },
    )


class HideIn(Schema):
    """Taking an appeal down."""

    reason = Text(
        limits.NOTE,
        load_default="",
        metadata={"description": "Why (kept in the audit log; never shown publicly)"},
    )
