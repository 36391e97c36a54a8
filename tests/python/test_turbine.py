"""``python -m knowbe4_connector ACTION`` against ``knowbe4 turbine ACTION``:
same stdin and environment, same stdout, stderr and exit status."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import Simulator, knowbe4_bin

# The simulator numbers its answers (X-Request-Id: sim-17); two runs differ
# only there, so only that value is normalised before comparing.
REQUEST_ID = re.compile(r'"X-Request-Id": "sim-\d+"')

Result = Tuple[str, str, int]


def run(command: List[str], stdin: str, env: Dict[str, str]) -> Result:
    done = subprocess.run(
        command, input=stdin.encode(), env=env, capture_output=True, timeout=60, check=False
    )
    normalise = lambda raw: REQUEST_ID.sub('"X-Request-Id": "sim-N"', raw.decode())  # noqa: E731
    return normalise(done.stdout), normalise(done.stderr), done.returncode


def both(action: str, stdin: str, asset_keys: Optional[str] = "url,token") -> Tuple[Result, Result]:
    env = {key: value for key, value in os.environ.items() if key.lower() != "http_proxy"}
    if asset_keys is not None:
        env["ASSET_KEYS"] = asset_keys
    else:
        env.pop("ASSET_KEYS", None)
    python = run([sys.executable, "-m", "knowbe4_connector", action], stdin, env)
    cli = run([knowbe4_bin(), "turbine", action], stdin, env)
    return python, cli


def payload(sim: Simulator, **inputs: object) -> str:
    return json.dumps({"url": sim.url, "token": sim.token, **inputs})


def test_success(sim: Simulator, ids: Dict[str, int]) -> None:
    stdin = payload(sim, path_parameters={"policy_id": ids["policy_id"]})
    python, cli = both("get_a_specific_policy", stdin)
    assert python == cli
    stdout, stderr, code = python
    assert code == 0 and stderr == ""
    assert stdout.startswith("::set-output {\"status_code\": 200, ")
    assert stdout.endswith("}\n")


def test_paged_success(sim: Simulator) -> None:
    python, cli = both("get_all_training_campaigns", payload(sim))
    assert python == cli and python[2] == 0


def test_http_404(sim: Simulator) -> None:
    stdin = payload(sim, path_parameters={"policy_id": 999_999_999})
    python, cli = both("get_a_specific_policy", stdin)
    assert python == cli
    stdout, stderr, code = python
    assert code == 1 and stdout == ""
    assert stderr.startswith("::set-error {\"status_code\": 404, ")


@pytest.mark.parametrize(
    ("action", "stdin_inputs", "asset_keys"),
    [
        ("get_a_specific_policy", {"path_parameters": {"policy_id": 0}}, "url,token"),
        ("get_all_policies", {"parameters": {"per_page": 9000}}, "url,token"),
        ("no_such_action", {}, "url,token"),
        ("get_all_policies", {}, None),
    ],
)
def test_bad_input(
    sim: Simulator, action: str, stdin_inputs: Dict[str, object], asset_keys: Optional[str]
) -> None:
    python, cli = both(action, payload(sim, **stdin_inputs), asset_keys)
    assert python == cli
    stdout, stderr, code = python
    assert code == 1 and stdout == ""
    assert stderr.startswith('::set-error {"name": "InvalidInputError", "message": ')
    assert sim.requests() == []


def test_stdin_not_json(sim: Simulator) -> None:
    python, cli = both("get_all_policies", "{not json")
    assert python == cli and python[2] == 1


def test_usage_without_action() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "knowbe4_connector"], capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 2 and b"usage" in done.stderr
