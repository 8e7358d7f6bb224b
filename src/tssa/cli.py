"""The `tssa` command line: one subcommand per job, errors printed as one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from tssa import __version__
from tssa.check import check_files
from tssa.errors import TssaError
from tssa.package import find_package_files
from tssa.report import as_json, as_text, is_failure
from tssa.update import UpdateResult, update_package


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tssa", description="Check and maintain CNCF TSSA security assessment packages."
    )
    parser.add_argument("--version", action="version", version=f"tssa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="report what is missing, unfilled or wrong in packages",
        description="Check TSSA packages: files, folders of one package, or folders of many.",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--lint", action="store_true", help="add the TAG's Markdown lint findings")
    check.set_defaults(handler=run_check)

    update = commands.add_parser(
        "update",
        help="bring a package to the newest template version, keeping every written line",
        description="Run copier update safely, merge documents section by section, list conflicts.",
    )
    update.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    update.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change an answer, e.g. assessment_stage=Complete or languages='[Go, Rust]'",
    )
    update.add_argument("--vcs-ref", help="the template version to update to (default: the newest tag)")
    update.add_argument(
        "--interactive",
        action="store_true",
        help="ask every question again, with the recorded answers as defaults",
    )
    update.set_defaults(handler=run_update)
    return parser


def run_check(args: argparse.Namespace) -> int:
    reports = check_files(find_package_files(args.paths), lint=args.lint)
    print(as_json(reports, args.strict) if args.format == "json" else as_text(reports, args.strict))
    return 1 if is_failure(reports, args.strict) else 0


class BadDataError(TssaError):
    """A --data argument is not KEY=VALUE."""

    exit_code = 2


def parse_data(items: list[str]) -> dict[str, Any]:
    """KEY=VALUE pairs; a value in brackets or braces is read as YAML (a list or mapping)."""
    data: dict[str, Any] = {}
    for item in items:
        key, separator, value = item.partition("=")
        if not separator or not key.strip():
            raise BadDataError(f"--data {item!r}: write it as KEY=VALUE, e.g. assessment_stage=Complete")
        data[key.strip()] = yaml.safe_load(value) if value.strip()[:1] in ("[", "{") else value
    return data


def run_update(args: argparse.Namespace) -> int:
    result = update_package(args.path, data=parse_data(args.data), vcs_ref=args.vcs_ref, defaults=not args.interactive)
    print(describe_update(result))
    return 1 if result.conflicts else 0


def describe_update(result: UpdateResult) -> str:
    if result.old_commit == result.new_commit:
        lines = [f"template already at {result.new_commit}; answers applied again"]
    else:
        lines = [f"updated from template {result.old_commit} to {result.new_commit}"]
    lines += [f"merged section by section: {name}" for name in result.merged]
    lines += [f"carried your text from {old} into {new}" for old, new in result.carried]
    lines += [f"kept {name}: the template no longer has it, but it holds your text" for name in result.kept]
    if result.conflicts:
        lines.append(f"{len(result.conflicts)} conflict markers remain; resolve them and commit:")
        lines += [f"  {name}:{line}" if line else f"  {name}" for name, line in result.conflicts]
    else:
        lines.append("no conflicts; review with `git diff` and commit")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args))
    except TssaError as error:
        print(f"tssa: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("tssa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
