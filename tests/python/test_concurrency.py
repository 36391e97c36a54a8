"""One client shared across threads, and use after ``os.fork()``."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict

import pytest

import knowbe4_connector as kb
from conftest import Simulator, wait_until


def test_thread_pool_shares_one_client(client: kb.Client, ids: Dict[str, int]) -> None:
    expected = client.get_policy(ids["policy_id"])["json_body"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: client.get_policy(ids["policy_id"]), range(64)))
    assert all(r["status_code"] == 200 and r["json_body"] == expected for r in results)


def test_gil_is_released_while_waiting(client: kb.Client, sim: Simulator) -> None:
    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 500}}])
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            started = time.perf_counter()
            list(pool.map(lambda _: client.list_policies(page=1), range(4)))
            elapsed = time.perf_counter() - started
    finally:
        stop.set()
        spinner.join()
    assert elapsed < 1.5, "four 0.5 s calls on four threads must overlap"
    assert ticks > 50, "another Python thread must run while Rust waits"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_can_call(client: kb.Client, ids: Dict[str, int]) -> None:
    # The parent has used the client, so its runtime and pool exist before the fork.
    assert client.get_policy(ids["policy_id"])["status_code"] == 200
    aclient = kb.AsyncClient(client.url, token="sim-token")
    assert asyncio.run(aclient.list_policies(page=1))["status_code"] == 200
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        code = 1
        try:
            ok = client.get_policy(ids["policy_id"])["status_code"] == 200
            ok = ok and asyncio.run(aclient.list_policies(page=1))["status_code"] == 200
            fresh = kb.Client(client.url, token="sim-token")
            ok = ok and fresh.list_policies(page=1)["status_code"] == 200
            code = 0 if ok else 3
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while True:  # bounded: a runtime inherited across fork would hang the child
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("the forked child hung")
        time.sleep(0.05)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    # And the parent still works after the child is gone.
    assert client.get_policy(ids["policy_id"])["status_code"] == 200


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="posix signals")
def test_ctrl_c_interrupts_a_blocking_call(client: kb.Client, sim: Simulator) -> None:
    from knowbe4_connector import _native

    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 5000}}])
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.list_policies(page=1)
    finally:
        timer.cancel()
    assert time.perf_counter() - started < 2.0
    assert wait_until(lambda: _native.in_flight() == 0, timeout=1.0)
