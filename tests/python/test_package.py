"""The installed package: where it comes from, its public surface, its
agreement with the core's action table, and its type stubs."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import knowbe4_connector as kb
from knowbe4_connector import _native

REPO = Path(__file__).resolve().parents[2]


def test_imports_the_installed_wheel_not_the_source_tree() -> None:
    location = Path(kb.__file__).resolve()
    assert "site-packages" in location.parts, location
    assert REPO / "bindings" not in location.parents
    assert Path(_native.__file__).name.startswith("_native")
    assert (location.parent / "py.typed").is_file()


def test_version_and_exports() -> None:
    assert kb.__version__ == _native.__version__
    assert kb.__version__.count(".") == 2
    for name in kb.__all__:
        assert hasattr(kb, name), name


def test_public_names_have_docstrings() -> None:
    for name in kb.__all__:
        obj = getattr(kb, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), name
    for cls in (kb.Client, kb.AsyncClient):
        for name, member in inspect.getmembers(cls):
            if not name.startswith("_"):
                assert inspect.getdoc(member), f"{cls.__name__}.{name}"


def test_methods_agree_with_the_core_action_table() -> None:
    table = {action["name"]: action for action in kb.actions()}
    for method, action_name in kb.METHOD_ACTIONS.items():
        assert action_name in table, action_name
        inputs = {item["name"]: item for item in table[action_name]["inputs"]}
        for cls in (kb.Client, kb.AsyncClient):
            params = inspect.signature(getattr(cls, method)).parameters
            names = [name for name in params if name != "self"]
            # Every argument is an input of the action; path inputs all present.
            assert set(names) <= set(inputs), (cls.__name__, method)
            path_inputs = {n for n, i in inputs.items() if i["group"] == "path_parameters"}
            assert path_inputs <= set(names), (cls.__name__, method)
            for name in names:
                param = params[name]
                if inputs[name]["group"] == "path_parameters":
                    assert param.kind is param.POSITIONAL_OR_KEYWORD and param.default is param.empty
                else:
                    assert param.kind is param.KEYWORD_ONLY and param.default is None
    sync = {n for n in dir(kb.Client) if not n.startswith("_")}
    asynchronous = {n for n in dir(kb.AsyncClient) if not n.startswith("_")}
    assert sync == asynchronous
    assert all(inspect.iscoroutinefunction(getattr(kb.AsyncClient, n)) for n in kb.METHOD_ACTIONS)


def test_typed_surface_covers_the_table() -> None:
    # Every action of the core's table has a typed method taking every input.
    missing = []
    for action in kb.actions():
        methods = [m for m, a in kb.METHOD_ACTIONS.items() if a == action["name"]]
        if not methods:
            missing.append(f"{action['name']} (no typed method)")
            continue
        params = inspect.signature(getattr(kb.Client, methods[0])).parameters
        missing.extend(
            f"{methods[0]}({item['name']}=)" for item in action["inputs"] if item["name"] not in params
        )
    assert not missing, "only through run_action: " + ", ".join(missing)


def test_stubtest_passes(tmp_path: Path) -> None:
    # From an empty directory, so stubtest sees the installed package only.
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "knowbe4_connector"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MYPY_CACHE_DIR": str(tmp_path / ".mypy_cache")},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_accepts_typed_usage(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import asyncio\n"
        "import knowbe4_connector as kb\n"
        "client = kb.Client('http://127.0.0.1:1', token='t')\n"
        "envelope: kb.Envelope = client.list_policies(page=1)\n"
        "status: int = envelope['status_code']\n"
        "async def main() -> None:\n"
        "    result = await kb.AsyncClient(region='us', token='t').get_policy(1)\n"
        "    reveal_type(result)\n"
        "try:\n"
        "    client.get_policy(1)\n"
        "except kb.KnowBe4Error as error:\n"
        "    kind: str = error.kind\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(sample)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Envelope" in done.stdout, done.stdout
    assert done.returncode == 0 or "reveal_type" in done.stdout and " error:" not in done.stdout, done.stdout
