"""The files under deploy/ agree with the code: the environment template names every setting
the app and gunicorn read, nginx's upload limit is the app's, each systemd unit starts a
command that exists, and nginx accepts the site (`nginx -t`)."""

from __future__ import annotations

import ast
import re
import subprocess

import pytest

from campaign.core.config import Config
from tests.deploy import stack

#: Read from the environment, but not settings an operator sets: the test suite's own, and the
#: flag the `flask` command sets for itself.
NOT_OPERATOR_SETTINGS = {"TEST_REDIS_URL", "TEST_DATABASE_URL", "FLASK_RUN_FROM_CLI"}


def _environment_names(path) -> set[str]:
    """Every NAME in os.environ.get("NAME"), os.environ["NAME"], os.getenv("NAME") and the
    modules' own _int("NAME") / _bool("NAME") helpers."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            func = ast.unparse(node.func)
            first = node.args[0]
            if func in {"os.environ.get", "os.getenv", "_int", "_bool"} and isinstance(
                first, ast.Constant
            ):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def _template_names() -> set[str]:
    """Names the template sets or shows commented out (#NAME=default)."""
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", stack.ENV_EXAMPLE.read_text(), re.MULTILINE))


def test_environment_template_explains_every_setting():
    read = _environment_names(stack.ROOT / "campaign" / "core" / "config.py")
    read |= _environment_names(stack.ROOT / "gunicorn.conf.py")
    assert {"SECRET_KEY", "DATABASE_URL", "GUNICORN_WORKERS"} <= read  # the parser works
    missing = read - NOT_OPERATOR_SETTINGS - _template_names()
    assert not missing, f"add to deploy/answerable.env.example: {sorted(missing)}"


def test_environment_template_sets_only_known_settings_with_a_comment_each():
    read = _environment_names(stack.ROOT / "campaign" / "core" / "config.py")
    read |= _environment_names(stack.ROOT / "gunicorn.conf.py")
    unknown = _template_names() - read
    assert not unknown, f"deploy/answerable.env.example names settings nobody reads: {unknown}"
    # Each setting, or each group of settings on consecutive lines, has a comment above it.
    setting = re.compile(r"^#?[A-Z][A-Z0-9_]*=")
    lines = stack.ENV_EXAMPLE.read_text().splitlines()
    for number, line in enumerate(lines):
        if setting.match(line):
            above = number - 1
            while setting.match(lines[above]):
                above -= 1
            assert lines[above].startswith("# "), f"no comment explains {line!r}"


def test_environment_template_holds_production_values():
    values = stack.env_file_values()
    assert values["APP_ENV"] == "production"
    assert values["BASE_URL"].startswith("https://")
    assert values["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert values["TRUSTED_PROXIES"] == "1"
    for required in ("SECRET_KEY", "REDIS_URL", "MAIL_SERVER", "REPLY_TO_DOMAIN"):
        assert values[required], required
    assert values["DATA_KEY_FILE"].startswith("/srv/answerable/instance/")
    assert values["DATA_RETENTION_DAYS"].isdigit()


def test_environment_template_reads_the_same_in_a_shell(tmp_path):
    """systemd and the answerable-flask wrapper (`. file` in sh) must see the same values."""
    values = stack.env_file_values()
    script = f'set -a; . "{stack.ENV_EXAMPLE}"; set +a; env -0'
    out = subprocess.run(
        ["sh", "-c", script], capture_output=True, check=True, env={}, timeout=10
    ).stdout
    shell = dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)
    assert {name: shell.get(name) for name in values} == values
    assert values["MAIL_DEFAULT_SENDER"] == "Answerable <no-reply@appeals.example.org>"


def test_nginx_upload_limit_is_the_apps():
    match = re.search(r"^\s*client_max_body_size (\d+)([km]?);", stack.SITE.read_text(), re.M)
    assert match, "client_max_body_size is missing from the nginx site"
    size = int(match.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2)]
    assert size == Config.MAX_CONTENT_LENGTH


@pytest.mark.parametrize("unit", stack.UNITS, ids=lambda path: path.name)
def test_unit_runs_as_the_service_user_with_hardening(unit):
    text = unit.read_text()
    for line in (
        "User=answerable",
        "WorkingDirectory=/srv/answerable",
        "EnvironmentFile=/etc/answerable/answerable.env",
        "ProtectSystem=strict",
        "ReadWritePaths=/srv/answerable/instance",
        "PrivateTmp=true",
        "NoNewPrivileges=true",
        "WantedBy=multi-user.target",
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.M), f"{unit.name}: {line}"


def test_units_are_the_three_services():
    names = [unit.name for unit in stack.UNITS]
    assert names == [
        "answerable-inbox.service",
        "answerable-web.service",
        "answerable-worker.service",
    ]


def test_web_unit_runs_gunicorn_with_the_checkouts_config_and_reloads_gracefully():
    unit = stack.DEPLOY / "systemd" / "answerable-web.service"
    assert stack.exec_start(unit) == [
        "/srv/answerable/.venv/bin/gunicorn",
        "-c",
        "gunicorn.conf.py",
        "app:app",
    ]
    assert (stack.ROOT / "gunicorn.conf.py").is_file()
    assert re.search(r"^ExecReload=/bin/kill -HUP \$MAINPID$", unit.read_text(), re.M)


@pytest.mark.parametrize("name", ["answerable-worker.service", "answerable-inbox.service"], ids=str)
def test_flask_units_start_a_command_that_exists(app, runner, name):
    argv = stack.exec_start(stack.DEPLOY / "systemd" / name)
    assert argv[:3] == ["/srv/answerable/.venv/bin/flask", "--app", "app"]
    command = argv[3:]
    # --help after the arguments: click still rejects an unknown command or option first.
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.deploy
@pytest.mark.skipif(not stack.NGINX.exists(), reason="needs Debian's nginx (/usr/sbin/nginx)")
@pytest.mark.skipif(
    not stack.DEBIAN_NGINX_CONF.exists(), reason="needs Debian's /etc/nginx/nginx.conf"
)
def test_nginx_accepts_the_site(tmp_path):
    """The real file, certificate paths replaced, inside Debian's nginx.conf."""
    cert, key = stack.self_signed(tmp_path)
    site = stack.render_site(
        tmp_path, cert=cert, key=key, http_port=stack.free_port(), https_port=stack.free_port()
    )
    result = stack.nginx_test(stack.render_main(tmp_path, site), tmp_path)
    assert result.returncode == 0, result.stderr


def test_flask_wrapper_runs_a_command_with_the_environment_file(tmp_path):
    """deploy/answerable-flask reads the file as the services do: `keys init` writes the key
    where the file's DATA_KEY_FILE says, under the production config."""
    key = tmp_path / "data.key"
    text = stack.ENV_EXAMPLE.read_text()
    old = "DATA_KEY_FILE=/srv/answerable/instance/data.key"
    assert old in text
    env_file = tmp_path / "answerable.env"
    env_file.write_text(text.replace(old, f"DATA_KEY_FILE={key}"))
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout
    result = subprocess.run(
        [str(stack.DEPLOY / "answerable-flask"), "keys", "init"],
        env={
            "PATH": "/usr/bin:/bin",
            "ANSWERABLE_ROOT": str(stack.ROOT),
            "ANSWERABLE_ENV": str(env_file),
            "ANSWERABLE_USER": user.strip(),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert key.stat().st_mode & 0o777 == 0o600


def test_nginx_drops_idle_upstream_connections_before_gunicorn_does():
    match = re.search(r"^\s*keepalive_timeout (\d+)s;", stack.SITE.read_text(), re.M)
    assert match, "the upstream has no keepalive_timeout (nginx's default, 60 s, is too long)"
    namespace: dict = {}
    exec((stack.ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own file
    assert int(match.group(1)) < namespace["keepalive"]
