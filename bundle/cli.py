"""The scripts' command lines: fire, with every ``--option`` checked against the command's parameters first.

fire reports options a command does not take only after the command returns, and ours end with
``sys.exit``, so a misspelled ``--phii 0.1`` (or the retired ``--hypernet_init tied``) used to be dropped
silently and the run went on with the default. Here an unknown option is one line and exit 2, before
anything runs.
"""

import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import fire


def _parameters(function: Callable) -> set[str] | None:
    """The option names ``function`` takes; None when it takes any (``**kwargs``)."""
    parameters = inspect.signature(function).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters if p.name != "self"}


def _command(component: Any, argv: Sequence[str]) -> tuple[str, set[str] | None] | None:
    """The command ``argv`` runs (its name for messages) and the options it takes; None where fire itself
    will report the problem (no command or an unknown one)."""
    positional, tokens = [], iter(argv)
    for token in tokens:
        if token.startswith("--"):
            if "=" not in token:
                next(tokens, None)  # its value, as fire reads it
        elif not token.startswith("-"):
            positional.append(token)
    if isinstance(component, Mapping):
        if not positional or positional[0] not in component:
            return None
        return f"{Path(sys.argv[0]).name} {positional[0]}", _parameters(component[positional[0]])
    if inspect.isclass(component):
        options = _parameters(component)
        method = getattr(component, positional[0], None) if positional else None
        if callable(method) and not positional[0].startswith("_"):
            extra = _parameters(method)
            options = None if options is None or extra is None else options | extra
        return " ".join([Path(sys.argv[0]).name, *positional[:1]]), options
    return Path(sys.argv[0]).name, _parameters(component)


def unknown_options(component: Any, argv: Sequence[str]) -> tuple[str, list[str], set[str]] | None:
    """(command, the ``--options`` of ``argv`` it does not take, those it takes), or None if all are known.

    Options after a lone ``--`` are fire's own (``-- --help``); ``--help`` and fire's ``--no<flag>`` form of a
    boolean are allowed.
    """
    argv = list(argv)
    if "--" in argv:
        argv = argv[: argv.index("--")]
    found = _command(component, argv)
    if found is None:
        return None
    command, options = found
    if options is None:
        return None
    names = {token[2:].split("=", 1)[0].replace("-", "_") for token in argv if token.startswith("--")}
    unknown = sorted(
        name for name in names if name not in options and name != "help" and name.removeprefix("no") not in options
    )
    return (command, unknown, options) if unknown else None


def fire_checked(component: Any, argv: Sequence[str] | None = None) -> Any:
    """``fire.Fire(component)`` once every ``--option`` of the command line is one the command takes; otherwise
    one line naming the unknown options and the known ones, exit 2."""
    argv = sys.argv[1:] if argv is None else list(argv)
    problem = unknown_options(component, argv)
    if problem is not None:
        command, unknown, options = problem
        known = ", ".join(f"--{name}" for name in sorted(options))
        print(
            f"error: {command} takes no option {', '.join('--' + n for n in unknown)}; it takes {known}",
            file=sys.stderr,
        )
        sys.exit(2)
    return fire.Fire(component, command=argv)
