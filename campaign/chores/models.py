"""One row per scheduled chore: when it was last claimed and how that run ended. The claim is
a conditional UPDATE of this row (campaign.chores.schedule.claim), so the row is also what
makes a chore run on one worker at a time and a daily chore once a day."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.database import UTCDateTime
from campaign.core.extensions import db


class ChoreRun(db.Model):
    __tablename__ = "chore_runs"

    #: The chore's name (campaign.worker.chores), e.g. "privacy-purge".
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    #: When the last run was claimed. A run is in flight while last_finished_at is older
    #: (or unset); a claim in flight for longer than the chore's lease is taken over.
    last_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: What the last finished run raised (None when it succeeded); retried sooner than due.
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: The last run's one-line outcome ("erased 3 signature(s), ..."), for operators.
    last_result: Mapped[str | None] = mapped_column(sa.String(300))
