"""Every lookup on the signing path uses an index: SQLite's EXPLAIN QUERY PLAN for the
statements that signing and confirming run shows no full scan of a table."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.signatures.helpers import deliver, form, links


@pytest.fixture
def statements(db):
    seen: list[tuple[str, object]] = []

    def log(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", log)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", log)


def test_signing_and_confirming_never_scan_a_table(client, db, smtp, make_appeal, statements):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans")
    appeal = make_appeal()
    client.post(f"/appeals/{appeal.slug}/sign", data=form())
    client.post(f"/appeals/{appeal.slug}/sign", data=form(email="AIDA@example.org"))
    paths = links(deliver(smtp, 2)[0])
    client.post(paths["confirm"])
    client.get(f"/appeals/{appeal.slug}")
    # The outbox worker's claim query is not on the request path (the request only inserts).
    request_path = [(s, p) for s, p in statements if "outbox_messages" not in s]
    assert request_path
    scans = []
    with db.engine.connect() as conn:
        for statement, parameters in request_path:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            for row in plan:
                detail = row[-1]
                # "SCAN t" without an index is a full scan; "USING INDEX"/"SEARCH" are not.
                # Blocklists are tiny campaigner-kept tables read whole by design.
                if (
                    detail.startswith("SCAN")
                    and "USING" not in detail
                    and not any(t in detail for t in ("blocked_networks", "CONSTANT ROW"))
                ):
                    scans.append((detail, statement))
    assert not scans, scans
