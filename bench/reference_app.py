"""The minimal reference app the benchmark compares Answerable with.

Flask + Flask-SQLAlchemy, nothing else: one page that reads a title and a count (COUNT(*) over
the rows, as simple apps do) and one POST that validates a name and an email and inserts a row
with a unique (appeal, email) index. Run: gunicorn 'bench.reference_app:create_app()'."""

from __future__ import annotations

import os
import re

import sqlalchemy as sa
from flask import Flask, abort, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Appeal(db.Model):
    __tablename__ = "ref_appeals"
    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(120), unique=True, nullable=False)
    title = sa.Column(sa.String(300), nullable=False)


class Signature(db.Model):
    __tablename__ = "ref_signatures"
    __table_args__ = (sa.UniqueConstraint("appeal_id", "email"),)
    id = sa.Column(sa.Integer, primary_key=True)
    appeal_id = sa.Column(sa.ForeignKey("ref_appeals.id"), nullable=False)
    name = sa.Column(sa.String(200), nullable=False)
    email = sa.Column(sa.String(320), nullable=False)


PAGE = """<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>
<p>{count} signatures</p><form method="post" action="/appeals/{slug}/sign">
<input type="hidden" name="csrf_token" value="reference">
<input name="name"><input name="email"><button>Sign</button></form></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["REFERENCE_DATABASE_URL"]
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():

            @sa.event.listens_for(db.engine, "connect")
            def _pragmas(conn, _record):
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA busy_timeout=15000")

    @app.get("/appeals/<slug>")
    def page(slug):
        appeal = db.session.execute(sa.select(Appeal).where(Appeal.slug == slug)).scalar()
        if appeal is None:
            abort(404)
        count = db.session.execute(
            sa.select(sa.func.count()).where(Signature.appeal_id == appeal.id)
        ).scalar()
        return PAGE.format(title=appeal.title, count=count, slug=slug)

    @app.post("/appeals/<slug>/sign")
    def sign(slug):
        name = (request.form.get("name") or "").strip()
        email = (request.form.get("email") or "").strip().lower()
        if not name or len(name) > 200 or not EMAIL.match(email):
            return "invalid", 400
        appeal = db.session.execute(sa.select(Appeal).where(Appeal.slug == slug)).scalar()
        if appeal is None:
            abort(404)
        db.session.add(Signature(appeal_id=appeal.id, name=name, email=email))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
        return "Thank you", 200

    return app


def init_db(url: str, slug: str, title: str) -> None:
    os.environ["REFERENCE_DATABASE_URL"] = url
    app = create_app()
    with app.app_context():
        db.create_all()
        if db.session.execute(sa.select(Appeal).where(Appeal.slug == slug)).scalar() is None:
            db.session.add(Appeal(slug=slug, title=title))
            db.session.commit()
