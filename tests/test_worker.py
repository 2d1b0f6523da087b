import datetime as dt

import sqlalchemy as sa

from campaign.core.database import utcnow
from campaign.signatures.models import SignatureHourly
from campaign.worker import idle_chores


def test_the_idle_worker_finishes_mailshots_and_folds_past_hours(db, make_appeal):
    appeal = make_appeal()
    hour = (utcnow() - dt.timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    for shard in (1, 7, 12):
        db.session.add(
            SignatureHourly(
                appeal_id=appeal.id, hour=hour, country="KG", ref="", shard=shard, count=2
            )
        )
    db.session.commit()
    mailshot_runs = []

    idle = idle_chores(lambda: mailshot_runs.append(1))
    idle()
    idle()  # folds once per FOLD_EVERY, mailshots every time

    assert mailshot_runs == [1, 1]
    rows = db.session.execute(sa.select(SignatureHourly.count)).scalars().all()
    assert rows == [6]
