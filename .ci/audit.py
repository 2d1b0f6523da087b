"""`make audit`: pip-audit over the pinned runtime dependencies.

Fails (exit 1) on any known vulnerability that is not listed, with a reason, in
.ci/audit-ignore.txt. When the vulnerability service cannot be reached (no network, or a
PyPI mirror without the JSON API, so every package is "not found"), it says so plainly and
exits 0: an unreachable service is not a finding, but it must never pass silently as
"no known vulnerabilities"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ROOT / ".ci" / "audit-ignore.txt"
NETWORK_ERRORS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Read timed out",
    "ConnectTimeout",
)


def ignored_ids(path: Path = IGNORE_FILE) -> list[str]:
    """Vulnerability ids accepted on purpose: one per line, `ID  # why`."""
    if not path.exists():
        return []
    ids = []
    for line in path.read_text().splitlines():
        vuln_id, _, reason = line.partition("#")
        if vuln_id.strip():
            if not reason.strip():
                raise SystemExit(f"{path.name}: {vuln_id.strip()} needs a reason after '#'")
            ids.append(vuln_id.strip())
    return ids


def verdict(returncode: int, stdout: str, stderr: str) -> tuple[int, str]:
    """(exit status, message) for one pip-audit run with `-f json`."""
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if report is None:
        if any(marker in stderr for marker in NETWORK_ERRORS):
            return 0, "audit: the vulnerability service is unreachable; nothing was checked."
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        return 1, f"audit: pip-audit failed: {last}"
    dependencies = report.get("dependencies", [])
    findings = [
        f"{dep['name']} {dep.get('version', '?')}: {vuln['id']}"
        + (f" (fixed in {', '.join(vuln['fix_versions'])})" if vuln.get("fix_versions") else "")
        for dep in dependencies
        for vuln in dep.get("vulns", [])
    ]
    if findings:
        return 1, "audit: known vulnerabilities:\n  " + "\n  ".join(findings)
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if dependencies and audited == 0:
        return 0, (
            f"audit: the vulnerability service is unreachable or does not know these packages "
            f"({len(skipped)} of {len(dependencies)} could not be audited); nothing was checked."
        )
    if returncode != 0:
        return 1, f"audit: pip-audit exited {returncode}: {stderr.strip()[-300:]}"
    note = f" ({len(skipped)} could not be audited)" if skipped else ""
    return 0, f"audit: no known vulnerabilities in {audited} dependencies{note}."


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "-r", str(ROOT / "requirements.txt"), "-f", "json"]
    command += ["--progress-spinner", "off"]
    for vuln_id in ignored_ids():
        command += ["--ignore-vuln", vuln_id]
    # The command is built from fixed parts and ids from our own file; no shell is involved.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    status, message = verdict(result.returncode, result.stdout, result.stderr)
    print(message)
    return status


if __name__ == "__main__":
    sys.exit(main())
