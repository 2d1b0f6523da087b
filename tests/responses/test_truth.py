"""The record tells the truth: a status change is dated by when it happened (the response's
date), and the admin page, the public page, the feed and the API order by that; a demand's
summary is `mixed` unless its authorities agree; "days waiting" counts only for targets still
awaiting, from the delivery where there is one."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree as ET

import time_machine

from campaign.appeals.demo import AUTHORITIES, DEMO_SLUG, SCNS
from campaign.appeals.status import appeal_progress, target_waiting
from campaign.authorities.queries import get_authority_by_slug
from campaign.deliveries.models import Delivery
from campaign.responses.models import StatusChange
from campaign.responses.queries import find_target
from campaign.responses.services import change_demand_status
from tests.responses.test_admin import _post_form

ATOM = "{http://www.w3.org/2005/Atom}"
API = "/api/v1"
#: The day the campaigner types it all in; the letter came on 10 June 2025.
TYPED = dt.datetime(2026, 12, 6, 10, tzinfo=dt.UTC)


def _feed_entries(client) -> list[ET.Element]:
    feed = ET.fromstring(client.get(f"/appeals/{DEMO_SLUG}/feed.atom").data)  # noqa: S314 - our own feed
    return feed.findall(f"{ATOM}entry")


def _entry(entries, key: str) -> ET.Element:
    return next(e for e in entries if e.find(f"{ATOM}id").text.endswith(f"/{key}"))


def test_a_letter_recorded_late_is_dated_by_the_letter_everywhere(
    db, client, login, api_token, demo_appeal
):
    d1, _d2, _d3, d4 = demo_appeal.demands
    headers = api_token("editor")
    # First typed: a move on demand 4 that happened on 1 July 2025, through the API.
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        moved = client.post(f"{API}/demands/{d4.id}/status", headers=headers, json={
            "authority": AUTHORITIES, "status": "acknowledged", "note": "Phone call.",
            "occurred_on": "2025-07-01",
        })  # fmt: skip
    assert moved.status_code == 201, moved.get_json()
    assert moved.get_json()["occurred_on"] == "2025-07-01"
    july_id = moved.get_json()["id"]

    # Typed later, on 6 Dec 2026: the Committee's letter of 10 June 2025, spelled out.
    with time_machine.travel(TYPED, tick=False):
        login("editor")
        answer = _post_form(client, f"/admin/appeals/{DEMO_SLUG}/responses/new?authority={SCNS}", {
            "occurred_on": "10 June 2025", "kind": "official_letter",
            "summary": "The Committee rejects demand 1.",
            "source_url": "https://example.org/letter", f"status_{d1.id}": "rejected",
        })  # fmt: skip
        assert answer.status_code == 302, answer.get_data(as_text=True)[-3000:]
        assert answer.location.endswith("/responses"), answer.location
        admin = client.get(f"/admin/appeals/{DEMO_SLUG}/responses").get_data(as_text=True)
    june = db.session.query(StatusChange).filter_by(to_status="rejected").one()
    assert june.occurred_on == dt.date(2025, 6, 10)
    assert june.recorded_at.date() == TYPED.date()

    # The admin history says when it happened, spelled out, and when it was typed.
    item = re.search(rf'<li id="change-{june.id}">(.*?)</li>', admin, re.S).group(1)
    assert '<time datetime="2025-06-10">10 June 2025</time>' in item
    assert "recorded 6 December 2026" in item

    # The public page's timeline and the tracker: June before July, whatever the typing order.
    page = client.get(f"/appeals/{DEMO_SLUG}").get_data(as_text=True)
    assert page.index(f'id="timeline-change-{june.id}"') < page.index(
        f'id="timeline-change-{july_id}"'
    )
    entry = re.search(rf'id="timeline-change-{june.id}">\s*<time datetime="([\d-]+)"', page)
    assert entry.group(1) == "2025-06-10"
    tracker = client.get(f"/appeals/{DEMO_SLUG}/tracker").get_data(as_text=True)
    assert re.search(rf'id="change-{june.id}">\s*<time datetime="2025-06-10">', tracker)

    # The Atom feed: entries dated by when it happened, newest first.
    entries = _feed_entries(client)
    keys = [e.find(f"{ATOM}id").text.rsplit("/", 1)[1] for e in entries]
    assert keys.index(f"change-{july_id}") < keys.index(f"change-{june.id}")
    published = _entry(entries, f"change-{june.id}").find(f"{ATOM}published").text
    assert published == "2025-06-10T00:00:00Z"

    # The API's timeline, in the same order, with the same date.
    items = client.get(f"{API}/appeals/{DEMO_SLUG}/timeline").get_json()["items"]
    changes = [i for i in items if i["kind"] == "status_change"]
    assert [i["key"] for i in changes] == [f"change-{june.id}", f"change-{july_id}"]
    assert changes[0]["at"].startswith("2025-06-10")

    # A change recorded with a response takes its date; another one is refused.
    with time_machine.travel(TYPED, tick=False):
        other = client.post(f"{API}/demands/{d1.id}/status", headers=headers, json={
            "authority": SCNS, "status": "acknowledged", "response": june.response_id,
            "occurred_on": "2025-06-20",
        })  # fmt: skip
        future = client.post(f"{API}/demands/{d4.id}/status", headers=headers, json={
            "authority": AUTHORITIES, "status": "met", "note": "Soon.",
            "occurred_on": "2027-01-01",
        })  # fmt: skip
    assert other.status_code == 400 and "occurred_on" in other.get_json()["error"]["fields"]
    assert (
        future.status_code == 400
        and "future" in future.get_json()["error"]["fields"]["occurred_on"]
    )


def test_an_old_change_recorded_late_does_not_overwrite_a_newer_status(db, demo_appeal, make_user):
    editor = make_user("editor")
    target = find_target(demo_appeal.demands[3], get_authority_by_slug(AUTHORITIES))
    with time_machine.travel(TYPED, tick=False):
        newer = change_demand_status(
            editor, target, "in_progress", note="Group.", occurred_on=dt.date(2025, 9, 1)
        )
        older = change_demand_status(
            editor, target, "acknowledged", note="Letter.", occurred_on=dt.date(2025, 6, 10)
        )
    assert target.status == "in_progress"
    assert (older.from_status, newer.from_status) == ("awaiting", "awaiting")
    assert [c.id for c in target.status_changes] == [older.id, newer.id]
    # "Already in progress" is judged on the day it happened, not today.
    with time_machine.travel(TYPED, tick=False):
        first = change_demand_status(
            editor, target, "in_progress", note="Early.", occurred_on=dt.date(2025, 6, 1)
        )
    assert first.from_status == "awaiting" and target.status == "in_progress"
    db.session.expire(target, ["status_changes"])
    assert [c.id for c in target.status_changes] == [first.id, older.id, newer.id]
    from campaign.responses.services import retract_status_change

    retract_status_change(editor, newer, "Wrong group.")
    assert target.status == "acknowledged"


def test_a_demand_is_mixed_unless_its_authorities_agree(db, client, demo_appeal, make_user):
    editor = make_user("editor")
    scns, gov = get_authority_by_slug(SCNS), get_authority_by_slug(AUTHORITIES)
    d1 = demo_appeal.demands[0]
    with time_machine.travel(TYPED, tick=False):
        first = change_demand_status(
            editor, find_target(d1, scns), "rejected", note="No.", occurred_on=dt.date(2025, 6, 10)
        )
    db.session.commit()

    page = client.get(f"/appeals/{DEMO_SLUG}").get_data(as_text=True)
    demand = re.search(r'<li class="demand" id="demand-1">(.*?)</ul>', page, re.S).group(1)
    summary = re.search(r'class="demand-status">(.*?)</p>', demand, re.S).group(1)
    assert 'status-mixed">Mixed<' in summary and "status-rejected" not in summary
    assert re.search(rf"{re.escape(scns.name)}</span>:\s*<span class=\"status status-rejected\"",
                     demand)  # fmt: skip
    assert re.search(rf"{re.escape(gov.name)}</span>:\s*<span class=\"status status-awaiting\"",
                     demand)  # fmt: skip

    api = client.get(f"{API}/appeals/{DEMO_SLUG}").get_json()
    first_demand = api["demands"][0]
    assert first_demand["status_summary"] == "mixed"
    assert {t["authority"]["slug"]: t["status"] for t in first_demand["targets"]} == {
        SCNS: "rejected",
        AUTHORITIES: "awaiting",
    }
    spec = client.get(f"{API}/openapi.json").get_json()
    assert (
        "mixed" in spec["components"]["schemas"]["Demand"]["properties"]["status_summary"]["enum"]
    )

    entry = _entry(_feed_entries(client), f"change-{first.id}")
    terms = {c.get("term") for c in entry.findall(f"{ATOM}category")}
    assert {"status:rejected", "demand-status:mixed"} <= terms
    text = entry.find(f"{ATOM}summary").text
    assert "Demand 1: Mixed" in text and f"{gov.name}: Awaiting response" in text

    # Once both agree, the summary names their status.
    with time_machine.travel(TYPED, tick=False):
        second = change_demand_status(editor, find_target(d1, gov), "rejected", note="No too.")
    db.session.commit()
    assert client.get(f"{API}/appeals/{DEMO_SLUG}").get_json()["demands"][0][
        "status_summary"
    ] == "rejected"  # fmt: skip
    page = client.get(f"/appeals/{DEMO_SLUG}").get_data(as_text=True)
    demand = re.search(r'<li class="demand" id="demand-1">(.*?)</ul>', page, re.S).group(1)
    assert 'class="demand-status">' in demand and "status-mixed" not in demand
    entries = _feed_entries(client)
    second_terms = {c.get("term") for c in _entry(entries, f"change-{second.id}")}
    assert "demand-status:rejected" in second_terms
    # The first entry still tells the state as it was then.
    assert "demand-status:mixed" in {c.get("term") for c in _entry(entries, f"change-{first.id}")}


def test_progress_counts_a_demand_met_only_when_every_authority_met_it(db, demo_appeal, make_user):
    editor = make_user("editor")
    d1 = demo_appeal.demands[0]
    with time_machine.travel(TYPED, tick=False):
        change_demand_status(
            editor, find_target(d1, get_authority_by_slug(SCNS)), "met", note="Done."
        )
    progress = appeal_progress(demo_appeal, TYPED.date())
    assert (progress.met, progress.partially_met, progress.answered) == (0, 1, 1)
    assert progress.summary().startswith("0 of 4 demands met")


def test_days_waiting_count_from_delivery_and_only_while_awaiting(
    db, client, demo_appeal, make_user
):
    editor = make_user("editor")
    scns = get_authority_by_slug(SCNS)
    d2, d3 = demo_appeal.demands[1], demo_appeal.demands[2]
    today = dt.date(2025, 6, 20)
    published = demo_appeal.published_at.date()
    waiting = target_waiting(find_target(d2, scns), demo_appeal, today)
    assert (waiting.days, waiting.since_delivery) == ((today - published).days, False)

    db.session.add(Delivery(appeal=demo_appeal, authority=scns, method="hand",
                            status="delivered", delivered_on=dt.date(2025, 6, 2)))  # fmt: skip
    db.session.commit()
    with time_machine.travel(dt.datetime(2025, 6, 20, 12, tzinfo=dt.UTC), tick=False):
        change_demand_status(editor, find_target(d3, scns), "acknowledged", note="Received.")
        db.session.commit()
        tracker = client.get(f"/appeals/{DEMO_SLUG}/tracker").get_data(as_text=True)
    target2, target3 = find_target(d2, scns), find_target(d3, scns)
    section2 = re.search(rf'id="target-{target2.id}"(.*?)</section>', tracker, re.S).group(1)
    section3 = re.search(rf'id="target-{target3.id}"(.*?)</section>', tracker, re.S).group(1)
    assert "Waiting 18 days since delivery." in section2
    assert "Waiting" not in section3  # an acknowledgement is an answer
    waiting = target_waiting(target2, demo_appeal, today, dt.date(2025, 6, 2))
    assert (waiting.days, waiting.since_delivery) == (18, True)
    assert target_waiting(target3, demo_appeal, today, dt.date(2025, 6, 2)) is None
    # Overdue as before: an acknowledged target past its due date is overdue.
    target3.due_on = dt.date(2025, 6, 10)
    assert target_waiting(target3, demo_appeal, today).overdue


def test_a_status_change_without_a_date_is_dated_today(db, demo_appeal, make_user):
    editor = make_user("editor")
    target = find_target(demo_appeal.demands[3], get_authority_by_slug(AUTHORITIES))
    with time_machine.travel(TYPED, tick=False):
        change = change_demand_status(editor, target, "acknowledged", note="Call.")
    assert change.occurred_on == TYPED.date()
