"""Co-issuers approve the exact text before publishing: asked by mail (a real SMTP sink),
approving or asking for changes on the linked page; publishing waits (409 in the API) unless
an admin overrides with a reason; an edit after an approval asks again."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from campaign.appeals import issuers as issuers_module
from campaign.appeals.issuers import IssuerInput, link_payload, set_issuers
from campaign.audit.models import AuditEntry
from campaign.core.extensions import db
from campaign.core.security import make_token
from campaign.endorsements.organizations import get_or_create_organization
from tests.signatures.helpers import body, deliver

LINK = re.compile(r"https?://\S+(/issuers/approve/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def draft(make_appeal):
    """A draft issued by two organizations with contacts and one without."""
    appeal = make_appeal(state="draft", title="Free the press", language="en")
    orgs = [get_or_create_organization(n, kind="ngo") for n in ("Alpha Union", "Beta Media")]
    silent = get_or_create_organization("Gamma Watch", kind="ngo")
    set_issuers(
        appeal,
        [
            IssuerInput(orgs[0], "alpha@example.org"),
            IssuerInput(orgs[1], "beta@example.org"),
            IssuerInput(silent),  # no contact: never asked, holds nothing up
        ],
    )
    db.session.commit()
    return appeal


def _links(smtp, total: int) -> dict[str, str]:
    """{recipient: approval path} of the mails that arrived so far."""
    messages = deliver(smtp, total)
    return {m["To"]: LINK.search(body(m)).group(1) for m in messages}


def _answer(client, path: str, decision: str, comment: str = ""):
    page = client.get(path)
    assert page.status_code == 200
    version = re.search(r'name="version"[^>]*value="([0-9a-f]+)"', page.get_data(as_text=True))
    data = {"version": version.group(1), "decision": decision, "comment": comment}
    return client.post(path, data=data)


def _publish(client, appeal, headers, **body):
    return client.post(f"/api/v1/appeals/{appeal.slug}/publish", json=body, headers=headers)


def _audit(action: str) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.action == action)
    return db.session.execute(query).scalars().all()


def test_publishing_waits_for_every_issuer_then_goes(client, smtp, login, api_token, draft):
    editor = api_token("editor")
    refused = _publish(client, draft, editor)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "approvals_missing"
    assert error["fields"]["issuers"] == ["alpha-union", "beta-media"]
    assert "Alpha Union" in error["message"] and "Gamma" not in error["message"]

    login("editor")
    shown = client.get(f"/admin/appeals/{draft.slug}").get_data(as_text=True)
    assert "not asked yet" in shown and "no contact: not asked" in shown
    asked = client.post(f"/admin/appeals/{draft.slug}/ask-approval")
    assert asked.status_code == 302
    links = _links(smtp, 2)
    assert set(links) == {"alpha@example.org", "beta@example.org"}
    [mail] = smtp.to("alpha@example.org")
    assert "Free the press" in mail["Subject"]

    # The page shows the exact text; opening it approves nothing.
    opened = client.get(links["alpha@example.org"])
    assert opened.headers["Referrer-Policy"] == "no-referrer"  # the token stays here
    page = opened.get_data(as_text=True)
    assert "Free the press" in page and "Demand 1" in page and "For Alpha Union" in page
    assert _publish(client, draft, editor).status_code == 409

    assert _answer(client, links["alpha@example.org"], "approve").status_code == 302
    again = _publish(client, draft, editor)
    assert again.get_json()["error"]["fields"]["issuers"] == ["beta-media"]

    # The admin Publish button is held up too, and says by whom.
    held = client.post(f"/admin/appeals/{draft.slug}/publish", follow_redirects=True)
    assert "Waiting for the approval of: Beta Media." in held.get_data(as_text=True)

    assert _answer(client, links["beta@example.org"], "approve").status_code == 302
    published = _publish(client, draft, editor)
    assert published.status_code == 200 and published.get_json()["state"] == "published"
    assert not _audit("appeal.approval_override")


def test_asking_for_changes_and_asking_again_after_an_edit(client, smtp, login, api_token, draft):
    editor = api_token("editor")
    login("editor")
    client.post(f"/admin/appeals/{draft.slug}/ask-approval")
    links = _links(smtp, 2)
    assert _answer(client, links["alpha@example.org"], "approve").status_code == 302

    # Asking for changes needs a comment, shown beside its field.
    empty = _answer(client, links["beta@example.org"], "changes")
    assert empty.status_code == 400 and "Say what should change." in empty.get_data(as_text=True)
    for hostile in ("x\x00y", "ж" * 5001):
        refused = _answer(client, links["beta@example.org"], "changes", hostile)
        assert refused.status_code == 400
    wanted = "Name the detained employees who are not journalists."
    assert _answer(client, links["beta@example.org"], "changes", wanted).status_code == 302
    shown = client.get(f"/admin/appeals/{draft.slug}").get_data(as_text=True)
    assert "asked for changes" in shown and wanted in shown

    # The campaigners edit a demand: the approval given to the old text no longer holds.
    demand_id = draft.demands[0].id
    patch = {"demands": [{"id": demand_id, "text": "Release everyone detained."}]}
    edited = client.patch(f"/api/v1/appeals/{draft.slug}", json=patch, headers=editor)
    assert edited.status_code == 200
    shown = client.get(f"/admin/appeals/{draft.slug}").get_data(as_text=True)
    assert "changed since approved: ask again" in shown
    stale = _publish(client, draft, editor)
    assert stale.get_json()["error"]["fields"]["issuers"] == ["alpha-union", "beta-media"]
    old = client.get(links["alpha@example.org"]).get_data(as_text=True)
    assert "The text changed since you approved it" in old

    # An answer to the text as it was read before the edit is refused; the new text is shown.
    stale_page = client.get(links["beta@example.org"]).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="([0-9a-f]+)"', stale_page).group(1)
    client.patch(f"/api/v1/appeals/{draft.slug}", json={"title": "Free them"}, headers=editor)
    late = client.post(links["beta@example.org"], data={"version": version, "decision": "approve"})
    assert late.status_code == 400 and "Free them" in late.get_data(as_text=True)

    smtp.clear()
    client.post(f"/admin/appeals/{draft.slug}/ask-approval")
    links = _links(smtp, 2)
    for path in links.values():
        assert _answer(client, path, "approve").status_code == 302
    assert _publish(client, draft, editor).status_code == 200


def test_an_admin_overrides_with_a_reason_audited(client, login, api_token, draft):
    editor = api_token("editor")
    refused = _publish(client, draft, editor, override_reason="Deadline today")
    assert refused.status_code == 403
    admin = api_token("admin")
    empty = _publish(client, draft, admin, override_reason="  ")
    assert empty.status_code == 400
    assert draft.state == "draft"

    done = _publish(client, draft, admin, override_reason="Deadline today; both agreed by phone")
    assert done.status_code == 200 and done.get_json()["state"] == "published"
    [entry] = _audit("appeal.approval_override")
    detail = json.loads(entry.detail)
    assert detail == {
        "missing": ["alpha-union", "beta-media"],
        "reason": "Deadline today; both agreed by phone",
    }


def test_the_admin_override_form(client, login, make_appeal, draft):
    login("editor")
    assert client.get(f"/admin/appeals/{draft.slug}/publish-override").status_code == 403
    login("admin")
    page = client.get(f"/admin/appeals/{draft.slug}").get_data(as_text=True)
    assert "Publish without every approval" in page
    blank = client.post(f"/admin/appeals/{draft.slug}/publish-override", data={"reason": ""})
    assert blank.status_code == 400
    done = client.post(
        f"/admin/appeals/{draft.slug}/publish-override", data={"reason": "Agreed by phone"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert draft.state == "published"
    [entry] = _audit("appeal.approval_override")
    assert "Agreed by phone" in entry.detail and entry.user_id is not None


def test_without_contacts_nobody_is_asked(client, api_token, make_appeal):
    appeal = make_appeal(state="draft")
    set_issuers(appeal, [IssuerInput(get_or_create_organization("Solo", kind="ngo"))])
    db.session.commit()
    assert _publish(client, appeal, api_token("editor")).status_code == 200


def test_a_link_works_for_its_issuer_only(client, smtp, login, make_appeal, draft):
    login("editor")
    client.post(f"/admin/appeals/{draft.slug}/ask-approval")
    links = _links(smtp, 2)
    alpha, beta = draft.issuers[0], draft.issuers[1]
    assert links["alpha@example.org"].endswith(make_token("issuer-approval", link_payload(alpha)))

    other = make_appeal(state="draft")
    set_issuers(other, [IssuerInput(alpha.organization, "alpha@example.org")])
    db.session.commit()
    # The issuer of another appeal, or another issuer, named in a forged payload: refused.
    for payload in (
        {**link_payload(alpha), "a": other.id},
        {**link_payload(beta), "i": alpha.id},
        {**link_payload(other.issuers[0]), "a": draft.id},
    ):
        forged = client.get("/issuers/approve/" + make_token("issuer-approval", payload))
        assert forged.status_code == 400
        assert "This link is not valid" in forged.get_data(as_text=True)
    # A token of another purpose with the same payload: refused.
    wrong = make_token("endorsement-confirm", link_payload(alpha))
    assert client.get(f"/issuers/approve/{wrong}").status_code == 400
    # A new contact: the link mailed to the old one stops working.
    set_issuers(draft, [IssuerInput(alpha.organization, "new@example.org")])
    db.session.commit()
    assert client.get(links["alpha@example.org"]).status_code == 400


def test_an_expired_link_says_so(client, smtp, login, draft, monkeypatch):
    login("editor")
    client.post(f"/admin/appeals/{draft.slug}/ask-approval")
    links = _links(smtp, 2)
    monkeypatch.setattr(issuers_module, "LINK_MAX_AGE", -1)
    expired = client.get(links["alpha@example.org"])
    assert expired.status_code == 400
    assert "The link has expired" in expired.get_data(as_text=True)


def test_the_mail_is_in_the_appeals_language(client, smtp, login, make_appeal):
    appeal = make_appeal(state="draft", language="ru")
    org = get_or_create_organization("Alpha Union", kind="ngo")
    set_issuers(appeal, [IssuerInput(org, "alpha@example.org")])
    db.session.commit()
    login("editor")
    client.post(f"/admin/appeals/{appeal.slug}/ask-approval")
    [message] = deliver(smtp, 1)
    assert message["Subject"].startswith("Пожалуйста, одобрите текст")
