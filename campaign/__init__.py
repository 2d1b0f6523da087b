"""Answerable: appeals, signatures, endorsements and authorities' responses."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask


def create_app(config=None, **overrides) -> Flask:
    """Build the application. `config` is a config class, its name (development, testing,
    production; default from APP_ENV) or a dict; keyword overrides win over both."""
    app = Flask(
        __name__,
        instance_relative_config=False,
        template_folder="../templates",
        static_folder="../static",
    )
    from campaign.core.config import load_config

    load_config(app, config, overrides)
    register_logging(app)
    register_proxies(app)
    register_input_rules(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_assets(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    from campaign.core.logs import init_logging

    init_logging(app)


def register_proxies(app: Flask) -> None:
    from campaign.core.net import init_proxies

    init_proxies(app)


def register_input_rules(app: Flask) -> None:
    """First: the `int` converter must be in place before any route binds, and the URL check
    must run before any other before_request hook reads the request."""
    from campaign.core.inputs import init_inputs

    init_inputs(app)


def register_extensions(app: Flask) -> None:
    from campaign import models  # noqa: F401  (full metadata before anything binds)
    from campaign.accounts.auth import init_login
    from campaign.core.engine import init_database
    from campaign.core.extensions import babel, cache, csrf, limiter
    from campaign.core.headers import init_security_headers
    from campaign.core.i18n import select_locale
    from campaign.core.sessions import init_sessions
    from campaign.mail.queue import init_queue

    init_database(app)
    init_queue()  # with REDIS_URL, a commit that wrote mail pushes a send job
    init_sessions(app)
    register_migrations(app)
    csrf.init_app(app)
    init_login(app)
    babel.init_app(app, locale_selector=select_locale)
    cache.init_app(app)
    limiter.init_app(app)
    # Every limit is declared on its route, and the route's decorator checks it when the view
    # runs. Flask-Limiter's app-wide before_request check looks for app and blueprint limits
    # (there are none) on every request, a share of a cached page's time worth having back
    # (docs/performance.md): it goes.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # absent when RATELIMIT_ENABLED is off
        hooks.remove(limiter._check_request_limit)
    init_security_headers(app)


def register_migrations(app: Flask) -> None:
    """Flask-Migrate and the `flask db ...` commands (with backup and restore), only where
    something migrates: the suite, MIGRATIONS=True, or a `flask db` command. Web workers never
    migrate, and Alembic with Mako and Pygments (11 MB) would weigh on each of them, and on
    the background worker, a `flask` command too (docs/performance.md)."""
    wanted = app.config.get("MIGRATIONS")
    if wanted or (wanted is None and app.testing):
        bind_migrations(app)
    elif wanted is None and _runs_commands(app):
        from campaign.core.backup import LazyMigrationCommands

        app.cli.add_command(LazyMigrationCommands("db"))  # binds on first use


def bind_migrations(app: Flask) -> None:
    from flask_migrate import Migrate

    from campaign.core.backup import add_backup_commands
    from campaign.core.extensions import db

    directory = Path(__file__).resolve().parent.parent / "migrations"
    Migrate(app, db, directory=str(directory), render_as_batch=True, compare_type=True)
    add_backup_commands()  # flask db backup / restore


def register_blueprints(app: Flask) -> None:
    from campaign.accounts.views import bp as accounts_bp
    from campaign.admin import bp as admin_bp
    from campaign.api import register_api
    from campaign.appeals.views import bp as appeals_bp
    from campaign.authorities.views import bp as authorities_bp
    from campaign.endorsements.views import bp as endorsements_bp
    from campaign.privacy.views import bp as privacy_bp
    from campaign.public.views import bp as public_bp
    from campaign.responses.views import bp as responses_bp
    from campaign.sharing.views import bp as sharing_bp
    from campaign.signatures.views import bp as signatures_bp

    for blueprint in (
        public_bp,
        appeals_bp,
        signatures_bp,
        endorsements_bp,
        responses_bp,
        authorities_bp,
        sharing_bp,
        privacy_bp,
        accounts_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)
    register_api(app)  # binds flask-smorest too


def register_errorhandlers(app: Flask) -> None:
    from campaign.core.errors import init_errors

    init_errors(app)


def register_template_helpers(app: Flask) -> None:
    from campaign.core.templating import init_templating

    init_templating(app)


def register_assets(app: Flask) -> None:
    """Fingerprinted static URLs cached for a year, compressed responses, the favicon."""
    from campaign.core.assets import init_assets

    init_assets(app)


def _runs_commands(app: Flask) -> bool:
    """A `flask ...` command or the suite, as opposed to a web worker."""
    # Flask's CLI sets this before it builds the app, for every `flask ...` command.
    return app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"


def register_commands(app: Flask) -> None:
    """The `flask ...` commands, where a command can run: web workers would only carry their
    modules (the outbox worker with Flask-Mail, smtplib and the email package, the demo data,
    the exports). Each area's cli.py defines its commands; the groups that span
    areas (`export`) are built here, so no module adds commands by being imported."""
    if not _runs_commands(app):
        return
    from flask.cli import AppGroup

    from campaign.accounts.cli import users
    from campaign.appeals.cli import demo
    from campaign.chores.cli import worker_command
    from campaign.core.doctor import doctor
    from campaign.core.inputs import check_command_arguments
    from campaign.deliveries.cli import deliveries
    from campaign.endorsements.cli import export_endorsements
    from campaign.inbox.cli import inbox
    from campaign.mail.cli import outbox
    from campaign.privacy.cli import privacy
    from campaign.privacy.export_cli import open_export
    from campaign.privacy.keys import keys_cli
    from campaign.responses.cli import mailshots
    from campaign.signatures.cli import counts, export_signatures

    export = AppGroup("export", help="CSV exports, streamed; sealed (age) with a sealing key.")
    export.add_command(export_signatures)
    export.add_command(export_endorsements)
    export.add_command(open_export)
    for group in (
        users,
        demo,
        counts,
        outbox,
        export,
        mailshots,
        privacy,
        keys_cli,
        inbox,
        deliveries,
        worker_command,
        doctor,
    ):
        app.cli.add_command(group)
    check_command_arguments(app.cli)
