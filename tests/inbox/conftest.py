"""Fixtures for inbound mail: a reply domain, an appeal delivered to an authority, the SMTP
receiver of `flask inbox serve` on a free loopback port, and a real dovecot IMAP server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import _free_port

REPLY_DOMAIN = "replies.answerable.test"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REPLY_TO_DOMAIN": REPLY_DOMAIN}


@dataclass
class Target:
    appeal: object
    authority: object
    delivery: object
    reply_to: str
    bounce_to: str


@pytest.fixture
def target(app, db, make_appeal, make_authority):
    """A published appeal delivered by email to its authority (the sending side is built
    elsewhere: the delivery row is made here as the sender would leave it)."""
    from campaign.core.database import utcnow
    from campaign.deliveries.addresses import bounce_address, reply_address
    from campaign.deliveries.models import Delivery

    authority = make_authority("Ministry of Internal Affairs")
    appeal = make_appeal(authority=authority)
    delivery = Delivery(
        appeal_id=appeal.id, authority_id=authority.id, method="email", status="sent",
        sent_at=utcnow(), message_id=f"<delivery-{appeal.id}@answerable.test>",
    )  # fmt: skip
    db.session.add(delivery)
    db.session.commit()
    return Target(
        appeal, authority, delivery, reply_address(appeal.id, authority.id),
        bounce_address(delivery.id),
    )  # fmt: skip


@pytest.fixture
def receiver(app):
    """`flask inbox serve`'s receiver, listening on loopback."""
    from campaign.inbox.smtp import make_receiver

    port = _free_port()
    controller = make_receiver(app, "127.0.0.1", port)
    controller.start()
    yield ("127.0.0.1", port)
    controller.stop()


# --- dovecot ---------------------------------------------------------------------------------

IMAP_USER = "inbox@replies.answerable.test"
IMAP_PASSWORD = "imap test password"


@dataclass
class Dovecot:
    host: str
    port: int
    maildir: str

    def deliver(self, raw: bytes, name: str) -> None:
        """Drop a message into the mailbox as a delivery agent would (maildir new/)."""
        path = os.path.join(self.maildir, "new", f"{time.time_ns()}.{name}.test")
        with open(path + ".tmp", "wb") as handle:
            handle.write(raw)
        os.rename(path + ".tmp", path)


def _wait_for_port(port: int, process, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening")


@pytest.fixture
def dovecot():
    """A real dovecot on a free loopback port: passwd-file auth, a maildir in tmp_path, no
    TLS (loopback only), its own base_dir so it shares nothing with another one."""
    if not os.path.exists(DOVECOT):
        pytest.skip("Debian's dovecot-imapd is not installed (apt-get install dovecot-imapd)")
    import pwd

    # As root (CI here), dovecot's login and internal processes must run as other users: the
    # package's own ones. base_dir must be reachable by them, so it is not under tmp_path.
    if os.getuid() == 0:
        internal, login_user, group = "dovecot", "dovenull", "dovecot"
    else:
        internal = login_user = pwd.getpwuid(os.getuid()).pw_name
        group = _group()
    base = Path(tempfile.mkdtemp(prefix="answerable-dovecot-"))
    base.chmod(0o755)
    # The mailbox's owner may not be root either.
    owner = pwd.getpwnam(internal)
    uid, gid = owner.pw_uid, owner.pw_gid
    maildir = base / "mail"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
        os.chown(maildir / sub, uid, gid)
    os.chown(maildir, uid, gid)
    port = _free_port()
    (base / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}:{uid}:{gid}::{maildir}::\n")
    config = base / "dovecot.conf"
    config.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login_user}
mail_location = maildir:{maildir}
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = passwd-file
  args = {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = {base}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
""")
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, process)
        yield Dovecot("127.0.0.1", port, str(maildir))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


def _group() -> str:
    import grp

    return grp.getgrgid(os.getgid()).gr_name
