"""`flask inbox serve` (SMTP receiver) and `flask inbox fetch` (IMAP polling)."""

from __future__ import annotations

import contextlib
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

inbox = AppGroup("inbox", help="Inbound mail: authorities' replies and bounces.")


@inbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2525, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int):
    """Receive replies and bounces over SMTP until SIGTERM or SIGINT."""
    from campaign.inbox.smtp import make_receiver

    receiver = make_receiver(current_app._get_current_object(), host, port)
    try:
        receiver.start()
    except (OSError, RuntimeError) as exc:
        with contextlib.suppress(Exception):  # free its event loop and sockets
            receiver.stop(no_assert=True)
            receiver.loop.close()
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc}") from exc
    click.echo(f"Receiving mail on {host}:{port}.")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    receiver.stop()
    click.echo("Inbox receiver stopped.")


@inbox.command("fetch")
@click.option("--once", is_flag=True, help="Fetch what is waiting, then exit.")
@click.option("--interval", type=click.IntRange(5, 86400), default=None,
              help="Seconds between polls (default IMAP_POLL_SECONDS).")  # fmt: skip
def fetch(once: bool, interval: int | None):
    """Store the unseen messages of the IMAP mailbox (IMAP_* settings), then mark them seen."""
    from campaign.inbox.imap import ImapError, fetch_once

    interval = interval or int(current_app.config["IMAP_POLL_SECONDS"])
    stop = threading.Event()
    if not once:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    while True:
        try:
            result = fetch_once()
        except ImapError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(
            f"Stored {result.stored} message(s); {result.duplicates} already stored, "
            f"{result.too_large} too large (flagged in the mailbox), {result.failed} failed."
        )
        if once or stop.wait(interval):
            break
    if result.failed:
        raise SystemExit(1)
