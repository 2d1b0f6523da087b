"""A campaigner notifies subscribers in the browser: the preview says how many people it will
email and shows the mail in Russian and English; confirming sends exactly that mail to exactly
those people, through a real SMTP server; it takes five page loads from the responses page."""

from __future__ import annotations

import os

import pytest

from campaign.appeals.demo import DEMO_SLUG
from campaign.mail.worker import drain
from campaign.responses.services import change_demand_status
from tests.browser_support import count_loads, log_in


@pytest.mark.browser
def test_notify_with_preview_and_count(
    db,
    live_server,
    page,
    make_user,
    demo_appeal,
    audience,
    smtp,
    artifacts_dir,
):
    editor = make_user("editor")
    email = editor.email
    target = demo_appeal.demands[1].targets[0]
    change_demand_status(editor, target, "acknowledged", note="Letter received.")
    # Outside a request every transaction takes SQLite's write lock (BEGIN IMMEDIATE): end it
    # and touch no model below until the browser is done.
    db.session.commit()
    page.set_default_timeout(10_000)
    log_in(page, live_server, email)

    loads = count_loads(page)
    page.goto(f"{live_server}/admin/appeals/{DEMO_SLUG}/responses")
    page.get_by_role("link", name="Notify subscribers…").click()
    page.wait_for_url("**/responses/notify")
    count = page.locator(".mail-count")
    assert count.inner_text() == "This will email 4 people."
    assert page.locator(".mail-languages [data-language='en']").inner_text() == "English: 3"
    assert page.locator(".mail-languages [data-language='ru']").inner_text().endswith(": 1")
    assert "Demand 2" in page.locator(".mail-changes").inner_text()

    page.locator(".lang-switch a[href*='lang=ru']").click()
    page.wait_for_url("**lang=ru**")
    subject_ru = page.locator(".mail-subject").inner_text()
    assert page.locator("#preview").get_attribute("lang") == "ru"
    assert "Что органы власти сделали" in subject_ru
    # ?lang= picks the mail's language; the page stays in the campaigner's.
    assert page.locator("h1").inner_text().startswith("Notify subscribers")
    assert "Letter received." in page.locator(".mail-text").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "notify-preview-ru.png"), full_page=True)

    page.locator(".lang-switch a[href*='lang=en']").click()
    page.wait_for_url("**lang=en**")
    subject_en = page.locator(".mail-subject").inner_text()
    assert subject_en.startswith("What the authorities did about")
    assert page.locator(".mail-count").inner_text() == "This will email 4 people."

    page.get_by_role("button", name="Confirm: email 4 people").click()
    page.wait_for_url("**/mailshots/*")
    page.get_by_text("Subscribers are being notified.").wait_for()
    assert page.locator(".mail-progress").get_attribute("data-queued") == "4"
    # Responses page, preview, Russian, English, the mailshot's page.
    assert len(loads) == 5, loads
    page.screenshot(path=os.path.join(artifacts_dir, "notify-progress.png"), full_page=True)

    assert drain() == 4
    messages = smtp.wait_for(4)
    assert sorted(m["To"] for m in messages) == sorted(audience)
    for message in messages:
        expected = subject_ru if message["To"] == "yes-ru@example.org" else subject_en
        assert message["Subject"] == expected
    page.reload()
    progress = page.locator(".mail-progress")
    assert progress.get_attribute("data-sent") == "4"
    assert progress.get_attribute("data-queued") == "0"
    assert page.locator("#mailing-progress").get_attribute("value") == "4"
