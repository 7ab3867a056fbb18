"""Every option of every command of every script, given a config expression or reference, is refused with one
line and exit 2 before anything runs; the payload never executes (issue: code from the command line)."""

import ast
import importlib.util
import inspect
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bundle.cli import fire_checked

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not as __main__: its fire_checked call does not run
    return module


def _component(path: Path) -> Any:
    """What the script hands to ``fire_checked`` under ``if __name__ == "__main__"``, evaluated in the script."""
    calls = [
        node
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "fire_checked"
    ]
    assert len(calls) == 1, f"{path.name} should start its command line through fire_checked once"
    return eval(compile(ast.Expression(calls[0].args[0]), str(path), "eval"), vars(_module(path)))


def _commands(component: Any) -> Iterator[tuple[list[str], Callable]]:
    """(the tokens naming a command, the callables whose parameters it takes)."""
    if isinstance(component, Mapping):
        for name, function in component.items():
            yield [name], function
    elif inspect.isclass(component):
        for name, method in inspect.getmembers(component, inspect.isfunction):
            if not name.startswith("_"):
                yield [name], method
    else:
        yield [], component


def _cases() -> Iterator[Any]:
    for path in SCRIPTS:
        component = _component(path)
        for command, function in _commands(component):
            parameters = list(inspect.signature(function).parameters.values())
            if inspect.isclass(component):
                parameters += list(inspect.signature(component).parameters.values())
            for parameter in parameters:
                if parameter.name == "self" or parameter.kind is inspect.Parameter.VAR_KEYWORD:
                    continue
                name = " ".join([path.name, *command, parameter.name])
                yield pytest.param(path, command, parameter, id=name)


@pytest.fixture
def alarm():
    """Fails a test whose command started real work instead of refusing at once."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError("the command ran instead of refusing its value")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("path", "command", "parameter"), list(_cases()))
def test_every_option_refuses_expressions_and_references(path, command, parameter, tmp_path, capsys, alarm):
    marker = tmp_path / "owned"
    payloads = [f"$__import__('pathlib').Path({str(marker)!r}).touch()", "@network_def", "%configs/train.json#lr"]
    for payload in payloads:
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            forms = [[*command, payload]]
        else:  # fire reads "-name=value" as "--name value"
            forms = [[*command, f"--{parameter.name}", payload], [*command, f"-{parameter.name}={payload}"]]
        for argv in forms:
            with pytest.raises(SystemExit) as exit_status:
                fire_checked(_component(path), argv)
            stderr = capsys.readouterr().err
            assert exit_status.value.code == 2, (argv, stderr[-2000:])
            assert "values starting with $, @ or % are code or references" in stderr and len(stderr.splitlines()) == 1
    assert not marker.exists()


def test_an_expression_inside_a_list_or_after_an_equals_sign_is_refused(tmp_path):
    marker = tmp_path / "owned"
    payload = f"$__import__('pathlib').Path({str(marker)!r}).touch()"
    for option in [f"--phi_prior=[0.1, {payload!r}]", f"--ckpt_dir={payload}"]:
        result = subprocess.run(
            [sys.executable, "scripts/train.py", option], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 2 and "values starting with $, @ or %" in result.stderr, result.stderr[-2000:]
        assert len(result.stderr.strip().splitlines()) == 1
    assert not marker.exists()


def test_every_script_is_covered():
    assert {path.stem for path in SCRIPTS} >= {"train", "evaluate", "sweep", "segment", "register", "export"}
    assert all(len(list(_commands(_component(path)))) >= 1 for path in SCRIPTS)
