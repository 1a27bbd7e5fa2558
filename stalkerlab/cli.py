"""The `stalkerlab` command: one entry point, one module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import sys

from stalkerlab import __version__
from stalkerlab.common.errors import UserError
from stalkerlab.common.shown_as_data import escape_hidden

# Subcommands are listed, not discovered, so that the order of `--help` is stable and a
# broken optional module cannot hide the others. Each module has `register(subparsers)`
# and `run(args) -> int`.
COMMANDS = (
    "demo",
    "scenarios",
    "simulate",
    "detect",
    "iocs",
    "replay",
    "course",
    "labs",
    "portal",
)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="stalkerlab",
        description="Stalkerware Lab: simulate phones, detect stalkerware, run training labs.",
    )
    parser.add_argument("--version", action="version", version=f"stalkerlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"stalkerlab.commands.cmd_{name}")
        module.register(sub)
        modules[name] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(modules[args.command].run(args) or 0)
    except UserError as exc:
        print(f"stalkerlab {args.command}: error: {escape_hidden(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"stalkerlab {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head` or similar: the reader left, which is not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
