"""The appeal list and page run a fixed number of SQL queries, however much they show."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.signatures.counting import bump_signature_count


@pytest.fixture
def count_queries(db):
    """count_queries(callable) -> how many SQL statements the call ran."""

    def run(call) -> int:
        statements: list[str] = []

        def before_cursor_execute(conn, cursor, statement, *args):
            statements.append(statement)

        db.session.remove()  # a fresh session: nothing served from the identity map
        sa.event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
        try:
            response = call()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before_cursor_execute)
        assert response.status_code == 200
        return len(statements)

    return run


def _appeals(make_appeal, make_authority, n: int) -> None:
    authorities = [make_authority(), make_authority()]
    for i in range(n):
        appeal = make_appeal(demands=3, authority=authorities[i % 2])
        bump_signature_count(appeal.id, i + 1)
    from campaign.core.extensions import db

    db.session.commit()


def test_the_list_does_not_query_per_appeal(client, count_queries, make_appeal, make_authority):
    _appeals(make_appeal, make_authority, 3)
    few = count_queries(lambda: client.get("/api/v1/appeals"))

    _appeals(make_appeal, make_authority, 9)
    response = client.get("/api/v1/appeals")
    assert len(response.get_json()["items"]) == 12
    assert sorted(item["signature_count"] for item in response.get_json()["items"]) == sorted(
        [1, 2, 3, *range(1, 10)]
    )
    many = count_queries(lambda: client.get("/api/v1/appeals"))

    assert many == few
    # count, appeals (with the first issuer), their issuers, demands, targets (with
    # authorities), signature counts, the appeals' and the demands' translations
    assert many <= 9


def test_one_appeal_does_not_query_per_demand(client, count_queries, make_appeal):
    small = make_appeal(demands=1).slug
    large = make_appeal(demands=12).slug

    assert count_queries(lambda: client.get(f"/api/v1/appeals/{small}")) == count_queries(
        lambda: client.get(f"/api/v1/appeals/{large}")
    )
