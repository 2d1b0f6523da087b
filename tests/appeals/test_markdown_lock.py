"""Signing keeps working while an editor saves a body that takes the whole time budget to
refuse: the rendering holds no database lock (on SQLite, the one write lock every signature
needs) and no connection."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from campaign.core.extensions import db as _db
from campaign.signatures.models import Signature
from tests.appeals.helpers import renderer_children, wait_for_renderer
from tests.conftest import PASSWORD
from tests.signatures.helpers import sign

BUDGET = 4.0
WORST = "[" * 50_000
SIGNERS = 5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MARKDOWN_RENDER_SECONDS": BUDGET}


def _save_worst_case(app, path: str, slug: str, editor, token: dict, result: dict) -> None:
    """An editor saves the worst-case body through the API or the edit form (own client)."""
    with app.app_context():
        client = app.test_client()
        try:
            if path == "api":
                response = client.patch(f"/api/v1/appeals/{slug}", json={"body": WORST},
                                        headers=token)  # fmt: skip
            else:
                client.post("/admin/login", data={"email": editor.email, "password": PASSWORD})
                form = {"title": "Renamed", "language": "en", "body": WORST}
                response = client.post(f"/admin/appeals/{slug}/edit", data=form)
            result["status"] = response.status_code
        except BaseException as exc:  # reported in the test's thread
            result["error"] = exc
        finally:
            _db.session.remove()


@pytest.mark.parametrize("path", ["api", "form"])
def test_signing_goes_on_while_an_editor_saves_a_worst_case_body(
    app, db, client, make_appeal, make_user, api_token, path
):
    appeal = make_appeal(body="The body.")
    editor = make_user("editor")
    token = api_token("editor")
    result: dict = {}
    saving = threading.Thread(
        target=_save_worst_case, args=(app, path, appeal.slug, editor, token, result)
    )
    saving.start()
    try:
        wait_for_renderer()
        latencies = []
        for n in range(SIGNERS):
            start = time.monotonic()
            response = sign(client, appeal, email=f"signer{n}@example.org")
            latencies.append(time.monotonic() - start)
            assert response.status_code == 303
        # Each signature took its usual time, not the rest of the rendering's budget...
        assert max(latencies) < BUDGET / 2, latencies
        # ...and they were signed while the body was rendering.
        assert renderer_children(), "the save ended before the signatures: not concurrent"
    finally:
        saving.join(timeout=60)
    assert "error" not in result, result
    assert result["status"] == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Signature.id))) == SIGNERS
    assert db.session.get(type(appeal), appeal.id).body == "The body."
