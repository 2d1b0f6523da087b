"""Recording responses, moving statuses, retracting, due dates: the rules and their history."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from campaign.appeals.demo import AUTHORITIES, SCNS
from campaign.appeals.models import DueDateChange
from campaign.appeals.status import appeal_progress
from campaign.audit.models import AuditEntry
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.validation import InvalidInput
from campaign.responses.models import Response, StatusChange
from campaign.responses.queries import find_target
from campaign.responses.services import (
    StatusMove,
    change_demand_status,
    change_due_date,
    record_response,
    retract_status_change,
)


def _counts(db):
    return (
        db.session.scalar(sa.select(sa.func.count(Response.id))),
        db.session.scalar(sa.select(sa.func.count(StatusChange.id))),
    )


def test_a_response_covering_two_demands_and_two_authorities(db, demo_appeal, make_user):
    editor = make_user("editor")
    scns, gov = get_authority_by_slug(SCNS), get_authority_by_slug(AUTHORITIES)
    d1, _d2, d3, d4 = demo_appeal.demands
    first = record_response(
        editor, demo_appeal, authority=scns, occurred_on=dt.date(2025, 6, 5),
        kind="official_letter", summary="The Committee denies any pressure.",
        source_url="https://example.org/letter", demands=[d1.id, d3.id],
        moves={d1.id: StatusMove("rejected", "Denies the facts.")},
    )  # fmt: skip
    second = record_response(
        editor, demo_appeal, authority=gov, occurred_on=dt.date(2025, 6, 7),
        kind="public_statement", summary="The government promises to look into it.",
        demands=[d1, d4], moves={d4.id: StatusMove("acknowledged", "")},
    )  # fmt: skip
    db.session.commit()
    assert [d.position for d in first.demands] == [1, 3]
    assert [d.position for d in second.demands] == [1, 4]
    assert find_target(d1, scns).status == "rejected"
    assert find_target(d3, scns).status == "awaiting"
    assert find_target(d4, gov).status == "acknowledged"
    [change] = find_target(d4, gov).status_changes
    assert change.response_id == second.id and change.from_status == "awaiting"
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("response.record") == 2 and actions.count("status.change") == 2


def test_status_moves_build_a_history_and_retraction_restores(db, demo_appeal, make_user):
    editor = make_user("editor")
    scns = get_authority_by_slug(SCNS)
    target = find_target(demo_appeal.demands[1], scns)
    with time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        change_demand_status(editor, target, "acknowledged", note="Letter received.")
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        change_demand_status(editor, target, "in_progress", source_url="https://example.org/a")
    with time_machine.travel(dt.datetime(2025, 6, 3, 12, tzinfo=dt.UTC), tick=False):
        wrong = change_demand_status(editor, target, "met", note="Misread the news.")
    db.session.commit()
    assert [(c.from_status, c.to_status) for c in target.status_changes] == [
        ("awaiting", "acknowledged"), ("acknowledged", "in_progress"), ("in_progress", "met"),
    ]  # fmt: skip
    assert target.status == "met"
    assert appeal_progress(demo_appeal).met == 1  # demand 2 has this one target
    retract_status_change(editor, wrong, "It was another demand.")
    db.session.commit()
    assert target.status == "in_progress"
    assert appeal_progress(demo_appeal).met == 0
    assert target.status_changed_at == dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)
    assert wrong.retracted_at is not None and wrong.retracted_by_id == editor.id
    assert len(target.status_changes) == 3  # kept, marked
    with pytest.raises(InvalidInput, match="already retracted"):
        retract_status_change(editor, wrong, "again")
    for change in target.status_changes[:2]:
        retract_status_change(editor, change, "wrong target")
    db.session.commit()
    assert target.status == "awaiting" and target.status_changed_at is None


def test_overdue_appears_the_day_after_the_due_date_and_clears_on_extension(
    db, demo_appeal, make_user
):
    editor = make_user("editor")
    demand = demo_appeal.demands[1]
    target = find_target(demand, get_authority_by_slug(SCNS))
    change_due_date(editor, target, dt.date(2025, 6, 30), "Legal deadline: 30 days.")
    db.session.commit()
    with time_machine.travel(dt.datetime(2025, 6, 30, 23, 59, tzinfo=dt.UTC), tick=False):
        assert not target.is_overdue(dt.date.today())
        assert appeal_progress(demo_appeal).overdue == 0
    with time_machine.travel(dt.datetime(2025, 7, 1, 0, 1, tzinfo=dt.UTC), tick=False):
        assert appeal_progress(demo_appeal).overdue == 1
        change_due_date(editor, target, dt.date(2025, 7, 15), "They asked for two weeks more.")
        db.session.commit()
        assert appeal_progress(demo_appeal).overdue == 0
    [first, second] = db.session.scalars(sa.select(DueDateChange).order_by(DueDateChange.id))
    assert (first.old_due_on, first.new_due_on) == (None, dt.date(2025, 6, 30))
    assert (second.old_due_on, second.new_due_on) == (dt.date(2025, 6, 30), dt.date(2025, 7, 15))
    assert second.reason == "They asked for two weeks more."
    with time_machine.travel(dt.datetime(2025, 7, 16, tzinfo=dt.UTC), tick=False):
        assert appeal_progress(demo_appeal).overdue == 1
        change_demand_status(editor, target, "in_progress", note="Investigation opened.")
        assert appeal_progress(demo_appeal).overdue == 0  # only awaiting/acknowledged


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"authority": None}, "authority", "Unknown authority"),
        ({"demands": [999_999]}, "demands", "not a demand of this appeal"),
        ({"kind": "rumour"}, "kind", "kind of response"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "http:// or https://"),
        ({"source_url": "ftp://example.org/x"}, "source_url", "http:// or https://"),
        ({"summary": "  "}, "summary", "Summarize"),
        ({"occurred_on": None}, "occurred_on", "date"),
        ({"moves": {"FIRST": StatusMove("overdue", "x")}}, "status_FIRST", "status from the list"),
    ],
)
def test_bad_responses_are_refused_and_nothing_is_stored(
    db, demo_appeal, make_user, changes, field, message
):
    editor = make_user("editor")
    d1 = demo_appeal.demands[0]
    fields = {
        "authority": get_authority_by_slug(SCNS),
        "occurred_on": dt.date(2025, 6, 5),
        "kind": "official_letter",
        "summary": "A letter.",
        "source_url": "https://example.org/letter",
        "demands": [d1.id],
    }
    if "moves" in changes:
        changes = {"moves": {d1.id: changes["moves"]["FIRST"]}}
        field = field.replace("FIRST", str(d1.id))
    fields.update(changes)
    with pytest.raises(InvalidInput) as excinfo:
        record_response(editor, demo_appeal, **fields)
    assert message in excinfo.value.fields[field]
    db.session.rollback()
    assert _counts(db) == (0, 0)


def test_a_response_about_a_demand_not_addressed_to_the_authority_is_refused(
    db, demo_appeal, make_user
):
    gov = get_authority_by_slug(AUTHORITIES)
    with pytest.raises(InvalidInput) as excinfo:
        record_response(
            make_user("editor"), demo_appeal, authority=gov, occurred_on=dt.date(2025, 6, 5),
            kind="meeting", summary="Met.", demands=[demo_appeal.demands[1].id],
        )  # fmt: skip
    assert "Demand 2 is not addressed to Authorities" in excinfo.value.fields["demands"]
    db.session.rollback()
    assert _counts(db) == (0, 0)


def test_bad_status_changes_are_refused(db, demo_appeal, make_user):
    editor = make_user("editor")
    target = find_target(demo_appeal.demands[0], get_authority_by_slug(SCNS))
    with pytest.raises(InvalidInput, match="status from the list"):
        change_demand_status(editor, target, "overdue", note="x")
    with pytest.raises(InvalidInput, match="evidence"):
        change_demand_status(editor, target, "met")
    with pytest.raises(InvalidInput, match="http"):
        change_demand_status(editor, target, "met", source_url="file:///etc/passwd")
    with pytest.raises(InvalidInput, match="already"):
        change_demand_status(editor, target, "awaiting", note="x")
    db.session.rollback()
    assert _counts(db) == (0, 0) and target.status == "awaiting"


def test_a_due_date_before_publication_is_refused(db, demo_appeal, make_user):
    target = find_target(demo_appeal.demands[0], get_authority_by_slug(SCNS))
    with pytest.raises(InvalidInput) as excinfo:
        change_due_date(make_user("editor"), target, dt.date(2025, 5, 1), "too early")
    assert "before the appeal was published" in excinfo.value.fields["due_on"]
    db.session.rollback()
    assert target.due_on is None
    assert db.session.scalar(sa.select(sa.func.count(DueDateChange.id))) == 0
