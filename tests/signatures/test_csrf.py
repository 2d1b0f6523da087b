"""With CSRF on (as in production), the sign, confirm and withdraw forms carry their token."""

from __future__ import annotations

import re

import pytest

from campaign.signatures.counting import signature_count
from tests.signatures.helpers import deliver, form, links

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(html: str) -> str:
    return TOKEN.search(html).group(1)


def test_forms_work_with_csrf_and_refuse_without(client, db, smtp, make_appeal):
    appeal = make_appeal()
    page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert client.post(f"/appeals/{appeal.slug}/sign", data=form()).status_code == 400
    signed = client.post(
        f"/appeals/{appeal.slug}/sign", data={**form(), "csrf_token": _token(page)}
    )
    assert signed.status_code == 303
    paths = links(deliver(smtp, 1)[0])
    confirm_page = client.get(paths["confirm"]).get_data(as_text=True)
    assert client.post(paths["confirm"]).status_code == 400  # no token: refused
    assert signature_count(appeal.id) == 0
    client.post(paths["confirm"], data={"csrf_token": _token(confirm_page)})
    assert signature_count(appeal.id) == 1
    withdraw_page = client.get(paths["withdraw"]).get_data(as_text=True)
    client.post(paths["withdraw"], data={"csrf_token": _token(withdraw_page)})
    assert signature_count(appeal.id) == 0
