"""Paper batches in the API (campaigners only): provenance in, the batch with its
corrections out. Never signers' data: a batch holds none, and its scan is not served here."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.api.schemas.base import Text
from campaign.paper.models import MAX_BATCH_COUNT
from campaign.paper.services import TEXT_MAX

_COUNT = f"How many signatures the batch holds, 1 to {MAX_BATCH_COUNT:,}."


class PaperBatchIn(Schema):
    count = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_BATCH_COUNT),
        metadata={"description": _COUNT},
    )
    collected_by = Text(
        TEXT_MAX,
        required=True,
        metadata={"description": "Who collected them: an organization or a volunteer group"},
    )
    place = Text(TEXT_MAX, required=True, metadata={"description": "Where: place or region"})
    collected_from = fields.Date(required=True, metadata={"description": "First day"})
    collected_to = fields.Date(
        required=True,
        metadata={"description": "Last day: not before the first, not in the future"},
    )


class PaperCorrectionOut(Schema):
    old_count = fields.Integer(required=True)
    new_count = fields.Integer(required=True)
    reason = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class PaperBatchOut(Schema):
    id = fields.Integer(required=True)
    count = fields.Integer(
        required=True,
        metadata={"description": "Counted now (after corrections; 0: voided)"},
    )
    entered_count = fields.Integer(required=True, metadata={"description": "As first entered"})
    collected_by = fields.String(required=True)
    place = fields.String(required=True)
    collected_from = fields.Date(required=True)
    collected_to = fields.Date(required=True)
    has_scan = fields.Function(
        lambda batch: batch.scan is not None,
        required=True,
        metadata={"type": "boolean", "description": "A scan is kept (campaigners' pages)"},
    )
    created_at = fields.AwareDateTime(required=True)
    corrections = fields.Nested(PaperCorrectionOut, many=True, required=True)
