"""The scripts' command lines: fire, with every ``--option`` checked against the command's parameters first.

fire reports options a command does not take only after the command returns, and ours end with
``sys.exit``, so a misspelled ``--phii 0.1`` (or the retired ``--hypernet_init tied``) used to be dropped
silently and the run went on with the default. Here an unknown option is one line and exit 2, before
anything runs.
"""

import inspect
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fire
from fire.parser import DefaultParseValue

EXPRESSION_PREFIXES = ("$", "@", "%")


def refuse_expressions(label: str, value: object) -> None:
    """Raise a ValueError if ``value`` (or any string inside a list or dict) would be a config expression;
    ``label`` names the value in the message ("--phi", "argument 2")."""
    if isinstance(value, str) and value.startswith(EXPRESSION_PREFIXES):
        raise ValueError(
            f"{label} {value!r}: values starting with $, @ or % are code or references to the config parser; "
            "only literal values are accepted here (python -m monai.bundle run takes trusted input; a file "
            "whose name starts so can be given as ./name)"
        )
    if isinstance(value, dict):
        for inner in [*value.keys(), *value.values()]:
            refuse_expressions(label, inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            refuse_expressions(label, inner)


def _is_flag(token: str) -> bool:
    """Whether fire reads ``token`` as an option: ``--name``, or one dash and a letter (``-v``, ``-phi=0.3``: fire
    strips the dashes either way); ``-1`` is a value."""
    return token.startswith("--") or re.match(r"-[A-Za-z]", token) is not None


def _values(argv: Sequence[str]) -> list[tuple[str, str]]:
    """(label, token) of every value on the command line: an option's value ("--phi"), else a positional
    argument ("argument N", counting the command's name where there is one)."""
    values, position, option = [], 0, None
    for token in argv:
        if _is_flag(token):
            name, equals, value = token.partition("=")
            option = None if equals else name
            if equals:
                values.append((name, value))
        else:
            if option is None:
                position += 1
            values.append((option or f"argument {position}", token))
            option = None
    return values


def expression_values(argv: Sequence[str]) -> str | None:
    """Why ``argv`` is refused, if any of its values (read as fire reads them, lists and dicts included) is a
    config expression or reference (``$...``, ``@...``, ``%...``); None if all are literal. Every script
    refuses these before anything runs, whatever the option: a value may reach MONAI's config parser,
    which evaluates ``$`` as Python. Values after a lone ``--`` are fire's own."""
    argv = list(argv)
    if "--" in argv:
        argv = argv[: argv.index("--")]
    for label, token in _values(argv):
        try:
            refuse_expressions(label, DefaultParseValue(token))
        except ValueError as error:
            return str(error)
    return None


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
    names = {token.lstrip("-").split("=", 1)[0].replace("-", "_") for token in argv if _is_flag(token)}
    unknown = sorted(
        name
        for name in names
        if name not in options
        and name != "help"
        and name.removeprefix("no") not in options
        and not (len(name) == 1 and any(option.startswith(name) for option in options))  # fire's -x shortcut
    )
    return (command, unknown, options) if unknown else None


def fire_checked(component: Any, argv: Sequence[str] | None = None) -> Any:
    """``fire.Fire(component)`` once every ``--option`` of the command line is one the command takes and no
    value is a config expression (:func:`expression_values`); otherwise one line saying which, exit 2."""
    argv = sys.argv[1:] if argv is None else list(argv)
    refused = expression_values(argv)
    if refused is not None:
        print(f"error: {refused}", file=sys.stderr)
        sys.exit(2)
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


@contextmanager
def usage_errors(*kinds: type[Exception]) -> Iterator[None]:
    """A ValueError (or one of ``kinds``, such as FileNotFoundError) raised inside is a usage error of the
    command line: one line on stderr, exit status 2, as for a refused option."""
    caught: tuple[type[Exception], ...] = (ValueError, *kinds)
    try:
        yield
    except caught as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
