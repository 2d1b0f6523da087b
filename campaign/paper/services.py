"""Paper batches: enter one, correct its count with a reason, check the appeal's paper
count against its batches, erase scans with the appeal's personal data.

Which appeals take paper: a published or closed one (paper collected before closing may be
entered after it, but not paper collected after the closing day); never a draft (its text
may still change) nor an archived one (read-only). Services flush, never commit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from campaign.appeals.models import Appeal
from campaign.audit.services import record
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput, require, text_error
from campaign.paper.models import MAX_BATCH_COUNT, PaperBatch, PaperBatchCorrection
from campaign.paper.scans import delete_scan, store_scan
from campaign.responses.documents import check_document

#: Appeals whose paper can be entered or corrected.
PAPER_STATES = ("published", "closed")
TEXT_MAX = 200
REASON_MAX = 2000


def _local_day(appeal: Appeal, moment: dt.datetime) -> dt.date:
    try:
        zone = ZoneInfo(appeal.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).date()


def _require_open_for_paper(appeal: Appeal) -> None:
    if appeal.state == "draft":
        raise InvalidInput(str(_l("Paper signatures are counted once the appeal is published.")))
    if appeal.state not in PAPER_STATES:
        raise InvalidInput(str(_l("This appeal is archived: its counts can no longer change.")))


def _check_text(field: str, value: str, max_length: int) -> str:
    value = (value or "").strip()
    require(bool(value), field, str(_l("This field is required.")))
    error = text_error(value, max_length)
    if error:
        raise InvalidInput(error, {field: error})
    return value


def _check_count(field: str, count, minimum: int) -> int:
    ok = isinstance(count, int) and not isinstance(count, bool)
    require(
        ok and minimum <= count <= MAX_BATCH_COUNT,
        field,
        str(_l("A whole number from %(min)d to %(max)d.", min=minimum, max=MAX_BATCH_COUNT)),
    )
    return count


def _check_dates(appeal: Appeal, first: dt.date | None, last: dt.date | None) -> None:
    require(first is not None, "collected_from", str(_l("This field is required.")))
    require(last is not None, "collected_to", str(_l("This field is required.")))
    require(first <= last, "collected_to", str(_l("The last day is before the first.")))
    today = _local_day(appeal, utcnow())
    require(last <= today, "collected_to", str(_l("This day has not come yet.")))
    if appeal.closed_at is not None:
        closed = _local_day(appeal, appeal.closed_at)
        require(
            last <= closed,
            "collected_to",
            str(_l("The appeal closed on %(day)s: paper collected after it does not count.",
                   day=closed.isoformat())),
        )  # fmt: skip


def _add_to_paper_count(appeal: Appeal, delta: int) -> None:
    """One UPDATE on the appeal's row (its updated_at moves too, so a cached page is never
    stale); rare, campaigners' work, never on the signing path."""
    if delta:
        db.session.execute(
            sa.update(Appeal)
            .where(Appeal.id == appeal.id)
            .values(paper_count=Appeal.paper_count + delta, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.expire(appeal, ["paper_count", "updated_at"])


def record_paper_batch(
    user,
    appeal: Appeal,
    *,
    count: int,
    collected_by: str,
    place: str,
    collected_from: dt.date | None,
    collected_to: dt.date | None,
    scan: bytes | None = None,
) -> PaperBatch:
    """Count a batch of paper signatures in the appeal's total, with where it came from and,
    optionally, a scan (checked; InvalidInput for anything but a PDF or an image)."""
    _require_open_for_paper(appeal)
    count = _check_count("count", count, 1)
    collected_by = _check_text("collected_by", collected_by, TEXT_MAX)
    place = _check_text("place", place, TEXT_MAX)
    _check_dates(appeal, collected_from, collected_to)
    checked = None
    if scan:
        try:
            checked = check_document(scan)
        except InvalidInput as error:
            raise InvalidInput(error.message, {"scan": error.message}) from None
    batch = PaperBatch(
        appeal_id=appeal.id,
        count=count,
        entered_count=count,
        collected_by=collected_by,
        place=place,
        collected_from=collected_from,
        collected_to=collected_to,
        recorded_by_id=getattr(user, "id", None),
    )
    if checked is not None:
        batch.scan, batch.scan_type = store_scan(checked), checked.content_type
    db.session.add(batch)
    db.session.flush()
    _add_to_paper_count(appeal, count)
    record(user, "paper.record", appeal, {
        "batch": batch.id, "count": count, "collected_by": collected_by, "place": place,
        "collected_from": collected_from.isoformat(), "collected_to": collected_to.isoformat(),
        "scan": checked is not None,
    })  # fmt: skip
    return batch


def correct_paper_batch(user, batch: PaperBatch, *, count: int, reason: str):
    """Change a batch's count (0 voids it: found twice, not valid), with why. The old count
    stays in the batch's corrections and in the audit log."""
    appeal = db.session.get(Appeal, batch.appeal_id)
    _require_open_for_paper(appeal)
    count = _check_count("count", count, 0)
    reason = _check_text("reason", reason, REASON_MAX)
    require(count != batch.count, "count", str(_l("This is the count already.")))
    old = batch.count
    correction = PaperBatchCorrection(
        batch=batch,
        old_count=old,
        new_count=count,
        reason=reason,
        recorded_by_id=getattr(user, "id", None),
    )
    db.session.add(correction)
    batch.count = count
    db.session.flush()
    _add_to_paper_count(appeal, count - old)
    record(user, "paper.correct", appeal, {
        "batch": batch.id, "old_count": old, "new_count": count, "reason": reason,
    })  # fmt: skip
    return correction


def batch_totals(appeal_ids=None) -> dict[int, int]:
    """{appeal id: sum of its batches' counts} (a full read of the batches: for checking)."""
    stmt = sa.select(PaperBatch.appeal_id, sa.func.sum(PaperBatch.count)).group_by(
        PaperBatch.appeal_id
    )
    if appeal_ids is not None:
        stmt = stmt.where(PaperBatch.appeal_id.in_(list(appeal_ids)))
    return {appeal_id: int(n or 0) for appeal_id, n in db.session.execute(stmt)}


def verify_paper_counts(fix: bool = False) -> list[tuple[int, int, int]]:
    """(appeal_id, stored paper_count, sum of its batches) for every appeal where they
    differ; with fix, set the column to the sum."""
    actual = batch_totals()
    drift = []
    rows = db.session.execute(sa.select(Appeal.id, Appeal.paper_count).order_by(Appeal.id))
    for appeal_id, stored in rows.all():
        if stored != actual.get(appeal_id, 0):
            drift.append((appeal_id, stored, actual.get(appeal_id, 0)))
    if fix:
        for appeal_id, _stored, total in drift:
            db.session.execute(
                sa.update(Appeal).where(Appeal.id == appeal_id).values(paper_count=total)
            )
        db.session.flush()
    return drift


def erase_scans(condition) -> int:
    """Delete the scans of the batches matching `condition` (files and names); the batches,
    their counts and provenance stay. Returns how many went."""
    rows = db.session.execute(
        sa.select(PaperBatch.id, PaperBatch.scan).where(PaperBatch.scan.is_not(None), condition)
    ).all()
    for _id, name in rows:
        delete_scan(name)
    if rows:
        db.session.execute(
            sa.update(PaperBatch)
            .where(PaperBatch.id.in_([batch_id for batch_id, _name in rows]))
            .values(scan=None, scan_type=None)
            .execution_options(synchronize_session=False)
        )
    return len(rows)


def erase_appeal_scans(appeal_ids: list[int]) -> int:
    return erase_scans(PaperBatch.appeal_id.in_(appeal_ids)) if appeal_ids else 0
