"""What campaigners record about an appeal after publication: responses, status changes (and
their retraction), due dates and updates. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from campaign.appeals.models import (
    TARGET_STATUSES,
    Appeal,
    Demand,
    DemandTarget,
    Update,
)
from campaign.appeals.services import set_due_date
from campaign.audit.services import record
from campaign.authorities.models import Authority
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.markdown_fields import Rendered, stored
from campaign.core.validation import InvalidInput, is_http_url, require
from campaign.responses.documents import (
    CheckedDocument,
    check_document,
    delete_document,
    store_document,
)
from campaign.responses.models import RESPONSE_KINDS, Response, StatusChange
from campaign.responses.queries import find_target, standing_change_before

MAX_SUMMARY = 20_000
MAX_NOTE = 5_000


@dataclass(frozen=True)
class StatusMove:
    """A status for one concerned demand's target, recorded with a response."""

    status: str
    note: str = ""


# --- checks ---------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    """Trimmed text without NUL characters (PostgreSQL refuses them in text columns)."""
    return (value or "").replace("\x00", "").strip()


def _check_trackable(appeal: Appeal) -> None:
    if appeal.state == "draft":
        raise InvalidInput("Publish the appeal before recording what the authorities did.")
    if appeal.state == "archived":
        raise InvalidInput("An archived appeal is read-only.")


def _clean_url(value: str | None, field: str = "source_url") -> str | None:
    value = _text(value) or None
    if value is not None:
        require(len(value) <= 1000, field, "The URL is at most 1000 characters.")
        require(is_http_url(value), field, "The source must be an http:// or https:// URL.")
    return value


def _latest_allowed_day() -> dt.date:
    """Tomorrow in UTC: a campaigner east of UTC may already live in it."""
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def _status_on(target: DemandTarget, day: dt.date | None) -> str:
    """The target's status standing on `day` (today's when no day is given)."""
    if day is None:
        return target.status
    standing = standing_change_before(target, day)
    return standing.to_status if standing else "awaiting"


def _check_status(status: str | None, field: str = "status") -> str:
    require(
        status in TARGET_STATUSES,
        field,
        "Choose a status from the list: " + ", ".join(TARGET_STATUSES) + ".",
    )
    return status


# --- responses -------------------------------------------------------------------------------


def record_response(
    user,
    appeal: Appeal,
    *,
    authority: Authority | None,
    occurred_on: dt.date | None,
    kind: str | None,
    summary: str | None,
    source_url: str | None = None,
    document: CheckedDocument | bytes | None = None,
    demands: Sequence[Demand | int] = (),
    moves: Mapping[int, StatusMove] | None = None,
) -> Response:
    """Record what an authority said or did, the demands it concerns and, optionally, a new
    status for the authority's target of each of them (keyed by demand id). Every input is
    checked before anything is stored."""
    _check_trackable(appeal)
    errors: dict[str, str] = {}
    if authority is None:
        errors["authority"] = "Unknown authority: choose one from the register."
    if occurred_on is None:
        errors["occurred_on"] = "Give the date of the response."
    elif occurred_on > _latest_allowed_day():
        errors["occurred_on"] = "The date of the response is in the future."
    if kind not in RESPONSE_KINDS:
        errors["kind"] = "Choose a kind of response from the list."
    summary = _text(summary)
    if not summary:
        errors["summary"] = "Summarize the response."
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = f"The summary is at most {MAX_SUMMARY} characters."
    try:
        source_url = _clean_url(source_url)
    except InvalidInput as exc:
        errors.update(exc.fields)
    if isinstance(document, bytes):
        try:
            document = check_document(document)
        except InvalidInput as exc:
            errors.update(exc.fields)
    by_id = {d.id: d for d in appeal.demands}
    concerned: list[Demand] = []
    for item in demands:
        demand_id = item.id if isinstance(item, Demand) else item
        demand = by_id.get(demand_id)
        if demand is None:
            errors["demands"] = f"Demand {demand_id} is not a demand of this appeal."
            break
        if demand not in concerned:
            concerned.append(demand)
    if not concerned and "demands" not in errors:
        errors["demands"] = "Choose the demands the response concerns."
    targets: dict[int, DemandTarget] = {}
    if authority is not None and "demands" not in errors:
        for demand in concerned:
            try:
                targets[demand.id] = find_target(demand, authority)
            except InvalidInput as exc:
                errors["demands"] = exc.message
                break
    moves = dict(moves or {})
    for demand_id, move in moves.items():
        field = f"status_{demand_id}"
        if demand_id not in {d.id for d in concerned}:
            errors[field] = "A status can only change for a demand the response concerns."
        elif move.status not in TARGET_STATUSES:
            errors[field] = "Choose a status from the list."
        elif demand_id in targets and _status_on(targets[demand_id], occurred_on) == move.status:
            errors[field] = f"The status is already {move.status}."
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors)

    response = Response(
        appeal_id=appeal.id,
        authority=authority,
        occurred_on=occurred_on,
        kind=kind,
        summary=summary,
        source_url=source_url,
        recorded_by_id=getattr(user, "id", None),
        demands=concerned,
    )
    db.session.add(response)
    if document is not None:
        response.document = store_document(document)
        response.document_type = document.content_type
    try:
        db.session.flush()
        record(user, "response.record", response, {
            "appeal": appeal.id, "authority": authority.slug, "kind": kind,
            "demands": [d.id for d in concerned],
        })  # fmt: skip
        for demand in concerned:
            move = moves.get(demand.id)
            if move is not None:
                change_demand_status(
                    user, targets[demand.id], move.status, note=move.note, response=response
                )
    except Exception:
        delete_document(response.document)
        raise
    return response


def record_response_once(user, appeal: Appeal, **fields) -> tuple[Response, bool]:
    """`record_response`, unless the same response (authority, date, kind and summary) is
    recorded on the appeal already: a form sent twice (a double click, a reload after the
    answer) records once. Answers (the response, whether it is new). The appeal's row is
    locked first, so two sends at the same moment wait for each other (PostgreSQL; SQLite
    writes one at a time anyway)."""
    db.session.execute(sa.select(Appeal.id).where(Appeal.id == appeal.id).with_for_update())
    authority = fields.get("authority")
    if authority is not None:
        same = db.session.execute(
            sa.select(Response)
            .where(
                Response.appeal_id == appeal.id,
                Response.authority_id == authority.id,
                Response.occurred_on == fields.get("occurred_on"),
                Response.kind == fields.get("kind"),
                Response.summary == _text(fields.get("summary")),
            )
            .limit(1)
        ).scalar_one_or_none()
        if same is not None:
            return same, False
    return record_response(user, appeal, **fields), True


# --- status changes --------------------------------------------------------------------------


def change_demand_status(
    user,
    target: DemandTarget,
    status: str | None,
    *,
    note: str | None = "",
    source_url: str | None = None,
    response: Response | None = None,
    occurred_on: dt.date | None = None,
) -> StatusChange:
    """A new entry in the target's history; it needs a note, a source or a response.

    It is dated by when it happened: the response's date when it comes with one (a different
    `occurred_on` is refused), else `occurred_on` (default today, never in the future). Its
    from_status is the status standing on that day, and the target's status becomes that of
    the latest change in the order things happened, so recording an old letter late does not
    overwrite a newer status."""
    appeal = target.demand.appeal
    _check_trackable(appeal)
    status = _check_status(status)
    note = _text(note)
    require(len(note) <= MAX_NOTE, "note", f"The note is at most {MAX_NOTE} characters.")
    source_url = _clean_url(source_url)
    if response is not None:
        require(
            response.appeal_id == appeal.id and response.authority_id == target.authority_id,
            "response",
            "The response must be one by this authority on this appeal.",
        )
        require(
            target.demand in response.demands,
            "response",
            f"The response does not concern demand {target.demand.position}.",
        )
        require(
            occurred_on in (None, response.occurred_on),
            "occurred_on",
            "A change recorded with a response takes the response's date.",
        )
        occurred_on = response.occurred_on
    occurred_on = occurred_on or dt.datetime.now(dt.UTC).date()
    require(occurred_on <= _latest_allowed_day(), "occurred_on", "The date is in the future.")
    require(
        bool(note or source_url or response),
        "note",
        "Give a note, a source URL or a response as evidence for the change.",
    )
    from_status = _status_on(target, occurred_on)
    require(from_status != status, "status", f"The status is already {status}.")
    now = utcnow()
    change = StatusChange(
        demand_target=target,
        from_status=from_status,
        to_status=status,
        note=note,
        source_url=source_url,
        response=response,
        occurred_on=occurred_on,
        recorded_by_id=getattr(user, "id", None),
        recorded_at=now,
    )
    db.session.add(change)
    db.session.flush()
    _settle_status(target)
    record(user, "status.change", target, {
        "change": change.id, "from": change.from_status, "to": status,
        "occurred_on": occurred_on.isoformat(),
        "response": response.id if response else None,
    })  # fmt: skip
    return change


def _settle_status(target: DemandTarget) -> None:
    """The target's status is that of its latest standing change (in the order things
    happened), or awaiting when none stands."""
    standing = standing_change_before(target)
    target.status = standing.to_status if standing else "awaiting"
    target.status_changed_at = standing.recorded_at if standing else None
    db.session.flush()


def retract_status_change(user, change: StatusChange, reason: str | None) -> StatusChange:
    """Mark a change retracted (it stays in the history); the target's status becomes that of
    the latest change still standing, or awaiting."""
    target = change.demand_target
    _check_trackable(target.demand.appeal)
    require(change.retracted_at is None, "change", "This change is already retracted.")
    reason = _text(reason)
    require(bool(reason), "reason", "Say why the change is retracted.")
    require(len(reason) <= MAX_NOTE, "reason", f"The reason is at most {MAX_NOTE} characters.")
    change.retracted_at = utcnow()
    change.retracted_by_id = getattr(user, "id", None)
    change.retraction_reason = reason
    db.session.flush()
    _settle_status(target)
    record(user, "status.retract", change, {"reason": reason, "status": target.status})
    return change


# --- due dates -------------------------------------------------------------------------------


def change_due_date(user, target: DemandTarget, due_on: dt.date | None, reason: str | None):
    """Set, extend or clear a target's due date; the old and new dates and the reason are
    kept (appeals.services.set_due_date keeps the DueDateChange history and the audit)."""
    _check_trackable(target.demand.appeal)
    require(
        due_on != target.due_on, "due_on", "The due date is already that date."
    )  # fmt: skip
    set_due_date(user, target, due_on, reason or "")


# --- updates ---------------------------------------------------------------------------------


def post_update(user, appeal: Appeal, title: str | None, body: Rendered) -> Update:
    """Publish news on the appeal; the caller starts its mailshot (mailshots.start_mailing).
    `body` is rendered already (campaign.core.markdown_fields), its length checked there."""
    return publish_update(user, draft_update(user, appeal, title, body, audited=False))


def draft_update(user, appeal: Appeal, title: str | None, body: Rendered, *,
                 audited: bool = True) -> Update:  # fmt: skip
    """Save news on the appeal unpublished (no public page shows it, nobody is mailed), so
    campaigners can preview its mail before publish_update()."""
    _check_trackable(appeal)
    title = _text(title)
    body = stored(body)
    errors = {}
    if not title:
        errors["title"] = "A title is required."
    elif len(title) > 300:
        errors["title"] = "The title is at most 300 characters."
    if not body.source.strip():
        errors["body"] = "Write the update."
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors)
    update = Update(
        appeal_id=appeal.id,
        title=title,
        body=body.source,
        body_html=body.html,
        published_at=None,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(update)
    db.session.flush()
    if audited:
        record(user, "update.draft", update, {"appeal": appeal.id, "title": title})
    return update


def publish_update(user, update: Update) -> Update:
    """Publish a drafted update; the caller starts its mailshot. Once only: a second
    confirmation (a double click, a resent form) is refused, so nobody is mailed twice."""
    _check_trackable(db.session.get(Appeal, update.appeal_id))
    # A conditional UPDATE, so of two confirmations racing only one publishes.
    claimed = db.session.execute(
        sa.update(Update)
        .where(Update.id == update.id, Update.published_at.is_(None))
        .values(published_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise InvalidInput("This update is already published; its emails went once.")
    db.session.refresh(update)
    record(user, "update.post", update, {"appeal": update.appeal_id, "title": update.title})
    return update
