"""`flask export endorsements SLUG`: private CSV for campaigners' follow-up."""

from __future__ import annotations

import csv
import io

from tests.endorsements.helpers import FORM


def test_export_streams_every_endorsement_with_formulas_neutralized(
    client, runner, demo_appeal, login
):
    login("editor")
    url = f"/admin/appeals/{demo_appeal.slug}/endorsements/add"
    client.post(url, data={**FORM, "comment": '=HYPERLINK("http://evil")'})
    result = runner.invoke(args=["export", "endorsements", demo_appeal.slug])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 1
    row = rows[0]
    assert row["organization"] == "Kloop Media" and row["contact_email"] == "aida@kloop.kg"
    assert row["state"] == "approved" and row["added_by_campaigner"] == "yes"
    assert row["comment"] == '\'=HYPERLINK("http://evil")'


def test_export_of_an_unknown_appeal_fails_with_one_line(runner, app):
    result = runner.invoke(args=["export", "endorsements", "no-such-appeal"])
    assert result.exit_code != 0
    assert "No appeal with slug 'no-such-appeal'" in result.output
