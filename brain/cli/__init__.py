"""The ``petbrain`` command line.

Every module in this package that defines ``register(groups)`` adds its
commands; modules are found automatically, so adding a command means adding a
file. Packages outside ``brain`` (the simulator) add theirs through the
``petbrain.commands`` entry point (:mod:`brain.plugins`). Handlers import
heavy dependencies lazily so ``petbrain --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from brain.errors import UserError
from brain.plugins import COMMANDS_GROUP, plugin_modules

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """Argument errors as one line and exit code 2, without the usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"petbrain: error: {message} (see '{self.prog} --help')\n")


class CommandGroups:
    """Where command modules attach: the top level and named groups (``eval``, ``firmware``...)."""

    def __init__(self, top: argparse._SubParsersAction[_Parser]) -> None:
        self.top = top
        self._groups: dict[str, argparse._SubParsersAction[_Parser]] = {}

    def command(self, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        """Add a top-level command ``petbrain NAME``."""
        parser = self.top.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, help_text: str = "") -> argparse._SubParsersAction[_Parser]:
        """Return the sub-commands of ``petbrain NAME ...``, creating the group once."""
        if name not in self._groups:
            parser = self.top.add_parser(name, help=help_text, description=help_text)
            sub = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND")
            sub.required = True
            self._groups[name] = sub
        return self._groups[name]

    def subcommand(
        self, group: str, name: str, handler: Handler, help_text: str, group_help: str = ""
    ) -> argparse.ArgumentParser:
        """Add ``petbrain GROUP NAME``."""
        parser = self.group(group, group_help).add_parser(
            name, help=help_text, description=help_text
        )
        parser.set_defaults(handler=handler)
        return parser


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command module registered."""
    parser = _Parser(
        prog="petbrain",
        description="The brain of a companion pet robot: offline, private, fast.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log what the brain does, and let native libraries (TFLite, absl, ALSA) talk",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="log errors only")
    top = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    groups = CommandGroups(top)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # __main__ runs the CLI when imported
        _register(importlib.import_module(f"{__name__}.{info.name}"), groups)
    for module in plugin_modules(COMMANDS_GROUP):
        _register(module, groups)
    return parser


def _register(module: ModuleType, groups: CommandGroups) -> None:
    register = getattr(module, "register", None)
    if callable(register):
        register(groups)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``petbrain`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if argv is None and not args.verbose:
        # The console script (not a test calling main): native libraries' chatter off
        # the terminal; -v shows it.
        from brain.cli._stderr import quiet_native_logs

        quiet_native_logs()
    level = logging.INFO if args.verbose else logging.ERROR if args.quiet else logging.WARNING
    logging.basicConfig(level=level, format="petbrain: %(levelname)s: %(message)s")
    if args.version:
        from importlib.metadata import version

        print(f"petbrain {version('petbrain')}")
        return 0
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except UserError as error:
        print(f"petbrain: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
