"""`make audit` fails on real findings and only on them: an unreachable service is reported
plainly and does not fail CI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("ci_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_finding_fails(audit):
    report = _report(
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {
            "name": "werkzeug",
            "version": "3.0.0",
            "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["3.0.9"]}],
        },
    )
    status, message = audit.verdict(1, report, "")
    assert status == 1
    assert "werkzeug 3.0.0: PYSEC-2099-1 (fixed in 3.0.9)" in message


def test_a_clean_audit_passes(audit):
    report = _report({"name": "flask", "version": "3.1.3", "vulns": []})
    assert audit.verdict(0, report, "") == (
        0,
        "audit: no known vulnerabilities in 1 dependencies.",
    )


def test_every_package_unknown_means_the_service_is_unreachable(audit):
    report = _report(
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    )
    status, message = audit.verdict(0, report, "")
    assert status == 0
    assert "nothing was checked" in message


def test_a_network_error_does_not_fail(audit):
    stderr = "requests.exceptions.ConnectionError: ... NameResolutionError(...)"
    status, message = audit.verdict(1, "", stderr)
    assert status == 0
    assert "unreachable" in message


def test_any_other_crash_fails(audit):
    status, message = audit.verdict(1, "", "ResolutionImpossible: no version of foo==9")
    assert status == 1
    assert "ResolutionImpossible" in message


def test_ignored_vulnerabilities_need_a_reason(audit, tmp_path):
    good = tmp_path / "ok.txt"
    good.write_text("# comment\nPYSEC-1  # we never call the affected function\n")
    assert audit.ignored_ids(good) == ["PYSEC-1"]
    bad = tmp_path / "bad.txt"
    bad.write_text("PYSEC-2\n")
    with pytest.raises(SystemExit):
        audit.ignored_ids(bad)
    assert audit.ignored_ids(SCRIPT.parent / "audit-ignore.txt") == []
