"""How campaigners name a country in a language, over CLDR's name (ru "Кыргызстан", not
"Киргизия")."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.database import IdMixin
from campaign.core.extensions import db


class CountryName(IdMixin, db.Model):
    __tablename__ = "country_names"
    __table_args__ = (sa.UniqueConstraint("country", "language"),)

    #: ISO 3166-1 alpha-2 code.
    country: Mapped[str] = mapped_column(sa.String(2))
    #: Indexed: pages read one language's names (signing must never scan a table).
    language: Mapped[str] = mapped_column(sa.String(8), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
