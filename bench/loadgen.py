"""A small closed-loop load generator (one process, one thread per client, keep-alive).

Modes:
  page  - GET the appeal page, over and over.
  sign  - a signer's flow: GET the page (cookie + CSRF token), then POST the signing form's
          fields (templates/signatures/_appeal_section.html) with a unique email from a unique
          client address (X-Forwarded-For, honoured through TRUSTED_PROXIES=1).
  confirm - a mailed link's flow: GET /confirm/<token> (cookie + CSRF token), then POST it; each
          token of --tokens FILE (one a line) is used once, and the run ends when all are.
Prints one JSON object: flows, seconds, throughput, p50/p99 (ms), errors, accepted.
Only loopback targets: it refuses any other host."""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import threading
import time
import urllib.parse
import uuid

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Client(threading.Thread):
    def __init__(self, index: int, args, deadline: float, run_id: str, tokens=None):
        super().__init__(daemon=True)
        self.tokens = tokens
        self.index, self.args, self.deadline, self.run_id = index, args, deadline, run_id
        self.latencies: list[float] = []
        self.errors = 0
        self.accepted = 0
        self.statuses: dict[int, int] = {}
        self.conn = http.client.HTTPConnection(args.host, args.port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.args.host, self.args.port, timeout=30)
                if attempt:
                    raise
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return response.status, data

    def run(self):
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            token = None
            if self.tokens is not None:
                try:
                    token = self.tokens.get_nowait()
                except queue.Empty:
                    return
            start = time.perf_counter()
            try:
                if self.args.mode == "sign":
                    ok = self.sign(n)
                elif self.args.mode == "confirm":
                    ok = self.confirm(token)
                else:
                    ok = self.page()
            except Exception:  # a broken connection counts as an error, not a crash
                ok = False
            self.latencies.append((time.perf_counter() - start) * 1000)
            if not ok:
                self.errors += 1

    def page(self) -> bool:
        status, _ = self.request("GET", self.args.path)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return status == 200

    def sign(self, n: int) -> bool:
        self.cookie = ""
        status, body = self.request("GET", self.args.path)
        if status != 200:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            return False
        match = TOKEN.search(body.decode("utf-8", "replace"))
        token = match.group(1) if match else ""
        ident = f"{self.run_id}-{self.index}-{n}"
        fields = {
            "csrf_token": token,
            "name": f"Signer {self.index} {n}",
            "email": f"s{ident}@example.org",
            "country": "KG",
            "city": "",
            "display": "anonymous",
            "website": "",  # the honeypot, left empty as people do
            "ref": "",
        }
        octets = uuid.uuid5(uuid.NAMESPACE_DNS, ident).bytes
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": f"10.{octets[0]}.{octets[1]}.{octets[2]}",
        }
        status, _ = self.request(
            "POST", self.args.path + "/sign", urllib.parse.urlencode(fields), headers
        )
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status in (200, 201, 202, 302, 303):
            self.accepted += 1
            return True
        return False

    def confirm(self, token: str) -> bool:
        self.cookie = ""
        path = f"/confirm/{token}"
        status, body = self.request("GET", path)
        if status != 200:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            return False
        match = TOKEN.search(body.decode("utf-8", "replace"))
        fields = {"csrf_token": match.group(1) if match else ""}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _ = self.request("POST", path, urllib.parse.urlencode(fields), headers)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status in (200, 302, 303):
            self.accepted += 1
            return True
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--url", required=True, help="the appeal page, e.g. http://127.0.0.1:8001/appeals/x"
    )
    parser.add_argument("--mode", choices=("page", "sign", "confirm"), default="page")
    parser.add_argument("--tokens", help="confirm mode: a file of confirmation tokens")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loadgen: only loopback targets are allowed")
    args.host, args.port, args.path = url.hostname, url.port or 80, url.path
    run_id = uuid.uuid4().hex[:10]
    start = time.monotonic()
    tokens = None
    if args.mode == "confirm":
        tokens = queue.Queue()
        with open(args.tokens, encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    tokens.put(line.strip())
    clients = [Client(i, args, start + args.seconds, run_id, tokens) for i in range(args.clients)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.monotonic() - start
    latencies = [v for c in clients for v in c.latencies]
    statuses: dict[str, int] = {}
    for c in clients:
        for code, count in c.statuses.items():
            statuses[str(code)] = statuses.get(str(code), 0) + count
    print(
        json.dumps(
            {
                "mode": args.mode,
                "clients": args.clients,
                "flows": len(latencies),
                "seconds": round(elapsed, 2),
                "throughput": round(len(latencies) / elapsed, 1),
                "p50_ms": round(_percentile(latencies, 0.50), 2),
                "p99_ms": round(_percentile(latencies, 0.99), 2),
                "errors": sum(c.errors for c in clients),
                "accepted": sum(c.accepted for c in clients),
                "statuses": statuses,
                "run_id": run_id,
            }
        )
    )


if __name__ == "__main__":
    main()
