"""Steps the campaigners' browser tests share: logging in, and counting the pages a task
takes (the issue asks each task to be done in few page loads)."""

from __future__ import annotations

from tests.conftest import PASSWORD


def log_in(page, live_server, email):
    """Log in on the admin's login page and wait until the dashboard has loaded, so its load
    event is over before a test starts counting."""
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def count_loads(page) -> list[str]:
    """The URL of every page the browser loads from now on (one per load event)."""
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    return loads
