"""What can happen to appeals and their demands. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from campaign.appeals.issuers import IssuerInput, check_approvals, set_issuers
from campaign.appeals.models import Appeal, Demand, DemandTarget, DueDateChange
from campaign.appeals.protection import check_lowering, check_protection_fields
from campaign.audit.services import record
from campaign.authorities.models import Authority
from campaign.core import limits
from campaign.core.database import utcnow
from campaign.core.extensions import db
from campaign.core.markdown_fields import EMPTY, Rendered, stored
from campaign.core.slugs import unique_slug
from campaign.core.validation import InvalidInput, require
from campaign.responses.queries import demand_has_history

MAX_DEMANDS = 50


@dataclass
class TargetInput:
    authority: Authority
    due_on: dt.date | None = None


@dataclass
class DemandInput:
    text: str
    #: None keeps an existing demand's targets as they are (a new demand then has none).
    targets: Sequence[TargetInput] | None = ()
    id: int | None = None  # an existing demand keeps its identity and history


# --- creating and editing --------------------------------------------------------------------


def _check_fields(
    title: str,
    signature_goal: int | None,
    protection: str | None = None,
    retention_days: int | None = None,
) -> None:
    require(bool(title and title.strip()), "title", "A title is required.")
    require(len(title) <= 300, "title", "The title is at most 300 characters.")
    require(
        signature_goal is None or signature_goal > 0,
        "signature_goal",
        "The goal must be a positive number.",
    )
    errors = check_protection_fields(protection, retention_days)
    if errors:
        raise InvalidInput("Please correct the fields marked.", errors)


def create_appeal(
    user,
    *,
    title: str,
    summary: str = "",
    body: Rendered = EMPTY,
    language: str = "en",
    signature_goal: int | None = None,
    closes_at: dt.datetime | None = None,
    issued_on: dt.date | None = None,
    issued_by=None,
    issuers: Sequence[IssuerInput] | None = None,
    timezone: str = "UTC",
    demands: Sequence[DemandInput] = (),
    slug: str | None = None,
    protection: str = "standard",
    retention_days: int | None = None,
    default_country: str | None = None,
    admin_note: str = "",
) -> Appeal:
    _check_fields(title, signature_goal, protection, retention_days)
    default_country = _default_country(default_country)
    body = stored(body)
    appeal = Appeal(
        slug=unique_slug(Appeal, slug or title),
        title=title.strip(),
        summary=summary or "",
        body=body.source,
        body_html=body.html,
        language=language,
        signature_goal=signature_goal,
        closes_at=closes_at,
        issued_on=issued_on,
        timezone=timezone,
        state="draft",
        protection=protection,
        retention_days=retention_days,
        default_country=default_country,
        admin_note=admin_note or "",
    )
    db.session.add(appeal)
    db.session.flush()
    if issuers is None:  # `issued_by`: the one issuer, as before there were several
        issuers = [IssuerInput(issued_by)] if issued_by is not None else []
    set_issuers(appeal, issuers)
    if demands:
        set_demands(appeal, demands)
    record(user, "appeal.create", appeal, {"title": appeal.title})
    return appeal


EDITABLE_FIELDS = (
    "title", "summary", "body", "language", "signature_goal", "closes_at", "issued_on",
    "issued_by", "timezone", "delivered_on", "delivery_note", "protection", "retention_days",
    "default_country", "admin_note",
)  # fmt: skip


def update_appeal(
    user,
    appeal: Appeal,
    demands: Sequence[DemandInput] | None = None,
    issuers: Sequence[IssuerInput] | None = None,
    **fields,
):
    """Change the given fields; `body`, if given, is a Rendered text (its source and HTML).
    `issuers` replaces the list; `issued_by` (an Organization or None) only the first."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    _check_fields(
        fields.get("title", appeal.title),
        fields.get("signature_goal"),
        fields.get("protection"),
        fields.get("retention_days"),
    )
    if "default_country" in fields:
        fields["default_country"] = _default_country(fields["default_country"])
    _check_archived(appeal)
    refused = check_lowering(user, appeal.protection, fields.get("protection"))
    if refused:
        raise InvalidInput(next(iter(refused.values())), refused)
    changed = sorted(fields) + (["issuers"] if issuers is not None else [])
    if "issued_by" in fields:
        issuers = _first_issuer(appeal, fields.pop("issued_by")) if issuers is None else issuers
    protection = (appeal.protection, fields.get("protection", appeal.protection))
    if "body" in fields:
        body = stored(fields.pop("body"))
        appeal.body, appeal.body_html = body.source, body.html
    for name, value in fields.items():
        setattr(appeal, name, value.strip() if name == "title" else value)
    if demands is not None:
        set_demands(appeal, demands)
    if issuers is not None:
        set_issuers(appeal, issuers)
    db.session.flush()
    detail: dict = {"fields": changed}
    if protection[0] != protection[1]:
        detail["protection"] = list(protection)  # [from, to]: who lowered it is on record
    record(user, "appeal.update", appeal, detail)
    return appeal


def _first_issuer(appeal: Appeal, organization) -> list[IssuerInput]:
    """The issuers with `organization` first (moved there, or in place of the first), or
    without the first when it is None: what the one-issuer form field means."""
    current = appeal.issuer_organizations
    if organization is None:
        rest = current[1:]
    elif organization in current:
        rest = [o for o in current if o is not organization]
    else:
        rest = current[1:]
    chosen = [organization] if organization is not None else []
    return [IssuerInput(o) for o in chosen + rest]


def _default_country(code: str | None) -> str | None:
    from campaign.core.countries import country_codes

    code = (code or "").strip().upper() or None
    require(code is None or code in country_codes(), "default_country", "Not a country code.")
    return code


def _check_archived(appeal: Appeal) -> None:
    if appeal.state == "archived":
        raise InvalidInput("An archived appeal is read-only.")


def set_demands(appeal: Appeal, demands: Sequence[DemandInput]) -> None:
    """Make the appeal's demands exactly these, in this order. Demands given with an id keep
    their identity (and history); others are created; those left out are removed, which is
    refused once a demand has a recorded history."""
    require(len(demands) <= MAX_DEMANDS, "demands", f"At most {MAX_DEMANDS} demands.")
    existing = {d.id: d for d in appeal.demands}
    kept: list[Demand] = []
    for number, item in enumerate(demands, start=1):
        text = (item.text or "").strip()
        require(bool(text), "demands", f"Demand {number} has no text.")
        if item.id is not None:
            demand = existing.get(item.id)
            require(demand is not None, "demands", f"Demand id {item.id} is not in this appeal.")
            require(demand not in kept, "demands", f"Demand id {item.id} is given twice.")
            demand.text = text
        else:
            demand = Demand(appeal=appeal, text=text, position=10_000 + number)
            db.session.add(demand)
        kept.append(demand)
        if item.targets is not None:
            _set_targets(demand, item.targets)
    removed = [d for d in appeal.demands if d not in kept]
    for demand in removed:
        _check_removable(demand)
    for demand in removed:
        appeal.demands.remove(demand)
    _renumber(appeal, kept)


def _check_removable(demand: Demand) -> None:
    require(
        not demand_has_history(demand),
        "demands",
        f"Demand {demand.position} has a recorded history and cannot be removed.",
    )


def _set_targets(demand: Demand, targets: Sequence[TargetInput]) -> None:
    wanted = {}
    for target in targets:
        require(
            target.authority.id not in wanted, "targets",
            f"{target.authority.name} is named twice for one demand.",
        )  # fmt: skip
        wanted[target.authority.id] = target
    current = {t.authority_id: t for t in demand.targets}
    for authority_id, target in current.items():
        if authority_id not in wanted:
            require(
                not target.status_changes, "targets",
                f"{target.authority.name} has a recorded history for this demand.",
            )  # fmt: skip
            demand.targets.remove(target)
    for authority_id, item in wanted.items():
        if authority_id in current:
            if current[authority_id].due_on != item.due_on:
                # DESIGN: due dates are extended on the record, never overwritten silently.
                require(
                    demand.appeal.state == "draft", "targets",
                    f"{item.authority.name}: once the appeal is public, its due date changes "
                    "on its own, with a reason.",
                )  # fmt: skip
                current[authority_id].due_on = item.due_on
        else:
            demand.targets.append(DemandTarget(authority=item.authority, due_on=item.due_on))


def _renumber(appeal: Appeal, ordered: list[Demand]) -> None:
    """Positions 1..n in the given order, without tripping the unique (appeal, position)."""
    db.session.flush()
    # First move every position out of the way, then set the final ones.
    for offset, demand in enumerate(ordered, start=1):
        demand.position = 10_000 + offset
    appeal.demands[:] = ordered
    db.session.flush()
    for position, demand in enumerate(ordered, start=1):
        demand.position = position
    db.session.flush()


def add_demand(user, appeal: Appeal, text: str, targets: Sequence[TargetInput] = ()) -> Demand:
    _check_archived(appeal)
    items = [DemandInput(d.text, _targets_of(d), d.id) for d in appeal.demands]
    items.append(DemandInput(text, targets))
    set_demands(appeal, items)
    demand = appeal.demands[-1]
    record(user, "demand.add", demand, {"appeal": appeal.id})
    return demand


def edit_demand(
    user, demand: Demand, text: str, targets: Sequence[TargetInput], due_reason: str = ""
) -> Demand:
    """Change a demand's text and targets. A changed due date of a kept target goes through
    set_due_date, so the old date stays in the history (and needs a reason once set)."""
    appeal = demand.appeal
    _check_archived(appeal)
    current = {t.authority_id: t for t in demand.targets}
    for item in targets:
        target = current.get(item.authority.id)
        if target is not None and target.due_on != item.due_on:
            set_due_date(user, target, item.due_on, due_reason)
    items = [
        DemandInput(text if d.id == demand.id else d.text,
                    targets if d.id == demand.id else _targets_of(d), d.id)
        for d in appeal.demands
    ]  # fmt: skip
    set_demands(appeal, items)
    record(user, "demand.edit", demand)
    return demand


def remove_demand(user, demand: Demand) -> None:
    appeal = demand.appeal
    _check_archived(appeal)
    items = [DemandInput(d.text, _targets_of(d), d.id) for d in appeal.demands if d is not demand]
    set_demands(appeal, items)
    record(user, "demand.remove", f"demand:{demand.id}", {"appeal": appeal.id})


def move_demand(user, demand: Demand, direction: int) -> None:
    """Move a demand one place up (-1) or down (+1)."""
    appeal = demand.appeal
    _check_archived(appeal)
    ordered = list(appeal.demands)
    index = ordered.index(demand)
    new_index = index + direction
    if not 0 <= new_index < len(ordered):
        return
    ordered[index], ordered[new_index] = ordered[new_index], ordered[index]
    _renumber(appeal, ordered)
    record(user, "demand.move", demand, {"position": demand.position})


def reorder_demands(user, appeal: Appeal, demand_ids: Sequence[int]) -> None:
    by_id = {d.id: d for d in appeal.demands}
    require(
        sorted(demand_ids) == sorted(by_id), "demands",
        "The new order must name each of the appeal's demands once.",
    )  # fmt: skip
    _renumber(appeal, [by_id[i] for i in demand_ids])
    record(user, "appeal.reorder", appeal, {"order": list(demand_ids)})


def _targets_of(demand: Demand) -> list[TargetInput]:
    return [TargetInput(t.authority, t.due_on) for t in demand.targets]


# --- states ----------------------------------------------------------------------------------


def publish_appeal(
    user, appeal: Appeal, at: dt.datetime | None = None, override_reason: str | None = None
) -> Appeal:
    """Publish a draft once every issuer with a contact approved its current text, or an
    admin overrides with a reason (campaign.appeals.issuers)."""
    if appeal.state == "draft":
        require(bool(appeal.demands), "demands", "Add at least one demand before publishing.")
        check_approvals(user, appeal, override_reason)
    refusal = f"Only a draft can be published; this appeal is {appeal.state}."
    return _move(user, appeal, "draft", "published", refusal, published_at=at or utcnow())


def close_appeal(user, appeal: Appeal) -> Appeal:
    refusal = f"Only a published appeal can be closed; this one is {appeal.state}."
    return _move(user, appeal, "published", "closed", refusal, closed_at=utcnow())


def reopen_appeal(user, appeal: Appeal) -> Appeal:
    refusal = "Only a closed appeal can be reopened."
    return _move(user, appeal, "closed", "published", refusal, closed_at=None)


def archive_appeal(user, appeal: Appeal) -> Appeal:
    return _move(user, appeal, "closed", "archived", "Close the appeal before archiving it.")


#: The audit action of each move from one state to another: the moves there are.
_MOVES = {
    ("draft", "published"): "appeal.publish",
    ("published", "closed"): "appeal.close",
    ("closed", "published"): "appeal.reopen",
    ("closed", "archived"): "appeal.archive",
}


def _move(user, appeal: Appeal, source: str, target: str, refusal: str, **stamps) -> Appeal:
    """Move the appeal from the `source` state to `target`, setting `stamps` (its dates), or
    refuse with `refusal` when it is in another state."""
    if appeal.state != source:
        raise InvalidInput(refusal)
    appeal.state = target
    for name, value in stamps.items():
        setattr(appeal, name, value)
    db.session.flush()
    record(user, _MOVES[source, target], appeal)
    return appeal


# --- takedown ----------------------------------------------------------------------------------


def hide_appeal(user, appeal: Appeal, reason: str = "") -> Appeal:
    """Take the appeal down at once, in any state (archived included): from the commit on it
    answers 404 on every public URL and leaves every list (Appeal.is_public). Hiding a hidden
    appeal changes nothing. The caller purges cached copies after the commit."""
    reason = (reason or "").strip()
    too_long = f"The reason is at most {limits.NOTE} characters."
    require(len(reason) <= limits.NOTE, "reason", too_long)
    if appeal.hidden_at is not None:
        return appeal
    appeal.hidden_at = utcnow()
    appeal.hidden_by_id = getattr(user, "id", None)
    appeal.hidden_reason = reason
    db.session.flush()
    record(user, "appeal.hide", appeal, {"reason": reason, "state": appeal.state})
    return appeal


def unhide_appeal(user, appeal: Appeal) -> Appeal:
    """Put a hidden appeal back (admins only, checked by the edges): public again as its
    state says. Unhiding a visible appeal changes nothing."""
    if appeal.hidden_at is None:
        return appeal
    hidden_at, reason = appeal.hidden_at, appeal.hidden_reason
    appeal.hidden_at, appeal.hidden_by_id, appeal.hidden_reason = None, None, ""
    db.session.flush()
    record(user, "appeal.unhide", appeal, {"hidden_at": hidden_at, "reason": reason})
    return appeal


def set_due_date(user, target: DemandTarget, due_on: dt.date | None, reason: str) -> None:
    """Set or extend a target's due date; the old date is kept in the history."""
    appeal = target.demand.appeal
    if due_on is not None and appeal.published_at is not None:
        require(
            due_on >= appeal.published_at.date(), "due_on",
            "The due date cannot be before the appeal was published.",
        )  # fmt: skip
    if target.due_on is not None:
        require(bool(reason and reason.strip()), "reason", "Say why the due date changes.")
    old_due_on = target.due_on
    db.session.add(
        DueDateChange(
            demand_target=target,
            old_due_on=old_due_on,
            new_due_on=due_on,
            reason=(reason or "").strip(),
            recorded_by_id=getattr(user, "id", None),
        )
    )
    target.due_on = due_on
    db.session.flush()
    record(user, "target.due", target, {"old": old_due_on, "new": due_on})
