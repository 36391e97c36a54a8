"""Fixtures: one simulator process for the session (``knowbe4 simulate``),
clients pointed at it, and helpers for its ``/_sim`` control endpoints."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

import knowbe4_connector as kb

REPO = Path(__file__).resolve().parents[2]
TOKEN = "sim-token"


def knowbe4_bin() -> str:
    """The CLI binary: $KNOWBE4_BIN, else the first one built in this checkout."""
    explicit = os.environ.get("KNOWBE4_BIN")
    if explicit:
        return explicit
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    for candidate in (target / "debug" / "knowbe4", REPO / "target" / "debug" / "knowbe4"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("knowbe4")
    if found:
        return found
    pytest.exit("knowbe4 CLI not found: run `cargo build -p knowbe4-cli` or set KNOWBE4_BIN", 2)


class Simulator:
    """A running ``knowbe4 simulate`` and its control endpoints."""

    def __init__(self, process: "subprocess.Popen[str]", url: str) -> None:
        self.process = process
        self.url = url
        self.token = TOKEN

    def _control(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def set_faults(self, rules: List[Dict[str, Any]]) -> None:
        """Replace the fault rules (``[{"fault": {"kind": "status", "status": 503}}]``)."""
        self._control("PUT", "/_sim/faults", rules)

    def clear_faults(self) -> None:
        self._control("DELETE", "/_sim/faults")

    def requests(self) -> List[Dict[str, Any]]:
        """API requests received since the last ``clear_requests``."""
        return self._control("GET", "/_sim/requests")

    def clear_requests(self) -> None:
        self._control("DELETE", "/_sim/requests")

    def stop(self) -> None:
        try:
            self._control("POST", "/_sim/shutdown")
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - stopping must not fail the session
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def simulator() -> Iterator[Simulator]:
    process = subprocess.Popen(
        [knowbe4_bin(), "simulate", "--port", "0", "--users", "300"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"listening on (http://\S+)", first)
    if not match:
        process.kill()
        pytest.exit(f"simulator did not start: {first!r}", 2)
    sim = Simulator(process, match.group(1))
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture()
def sim(simulator: Simulator) -> Iterator[Simulator]:
    """The session simulator, with no faults and an empty request log."""
    simulator.clear_faults()
    simulator.clear_requests()
    yield simulator
    simulator.clear_faults()


@pytest.fixture()
def client(sim: Simulator) -> kb.Client:
    return kb.Client(sim.url, token=sim.token, timeout=10.0)


@pytest.fixture()
def aclient(sim: Simulator) -> kb.AsyncClient:
    return kb.AsyncClient(sim.url, token=sim.token, timeout=10.0)


@pytest.fixture(scope="session")
def ids(simulator: Simulator) -> Dict[str, int]:
    """Ids that exist in the simulator's dataset, discovered through list calls."""
    client = kb.Client(simulator.url, token=simulator.token)
    policies = client.list_policies(page=1, per_page=5)["json_body"]
    campaigns = client.list_training_campaigns(page=1, per_page=5)["json_body"]
    enrollments = client.list_training_enrollments(page=1, per_page=5)["json_body"]
    return {
        "policy_id": policies[0]["policy_id"],
        "campaign_id": campaigns[0]["campaign_id"],
        "enrollment_id": enrollments[0]["enrollment_id"],
    }


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())
